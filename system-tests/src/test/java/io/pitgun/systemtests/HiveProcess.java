package io.pitgun.systemtests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real {@code pitgun hive} in a child JVM (as {@link GatewayProcess} runs a gateway): the CLI's main class, the
 * build's JVM flags, a data and an Aeron directory the test owns, output to files beside the data directory.
 */
public final class HiveProcess implements AutoCloseable
{
    private static final String LISTENING = "pitgun hive: listening on ";

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private HiveProcess(final Process process, final Path stdout, final Path stderr)
    {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code pitgun hive --listen CHANNEL --data-dir DATA_DIR --aeron-dir DATA_DIR-aeron} and waits. */
    public static HiveProcess start(final Path dataDir, final String channel) throws IOException, InterruptedException
    {
        Files.createDirectories(dataDir);
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(GatewayProcess.jvmFlags());
        command.addAll(Arrays.asList("-cp", System.getProperty("java.class.path"), "io.pitgun.cli.PitgunCommand",
            "hive", "--listen", channel, "--data-dir", dataDir.toString(), "--aeron-dir",
            dataDir.resolveSibling(dataDir.getFileName() + "-aeron").toString()));
        final Path logDir = dataDir.resolveSibling(dataDir.getFileName() + "-logs");
        Files.createDirectories(logDir);
        final int attempt;
        try (var files = Files.list(logDir))
        {
            attempt = (int)files.count() / 2;
        }
        final Path stdout = logDir.resolve("hive-" + attempt + ".out");
        final Path stderr = logDir.resolve("hive-" + attempt + ".err");
        final Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        final CompletableFuture<Void> listening = new CompletableFuture<>();
        final Thread pump = new Thread(() ->
        {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(Files.newBufferedWriter(stdout, StandardCharsets.UTF_8), true))
            {
                String line;
                while ((line = lines.readLine()) != null)
                {
                    out.println(line);
                    if (line.startsWith(LISTENING))
                    {
                        listening.complete(null);
                    }
                }
                listening.completeExceptionally(new IllegalStateException("stdout closed"));
            }
            catch (final IOException ex)
            {
                listening.completeExceptionally(ex);
            }
        }, "hive-stdout-" + process.pid());
        pump.setDaemon(true);
        pump.start();
        final HiveProcess hive = new HiveProcess(process, stdout, stderr);
        try
        {
            listening.get(GatewayProcess.START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return hive;
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            hive.kill9();
            throw new IllegalStateException("the hive did not start: " + ex.getMessage() + "\n" + hive.logs(), ex);
        }
    }

    /** SIGKILL: no shutdown hook runs. Waits (bounded) until it is gone. */
    public void kill9() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new AssertionError("the hive " + process.pid() + " did not die after SIGKILL");
        }
    }

    /** The child's output so far, for failure messages. */
    public String logs()
    {
        try
        {
            return "--- hive stdout\n" + (Files.exists(stdout) ? Files.readString(stdout) : "") +
                "--- hive stderr\n" + (Files.exists(stderr) ? Files.readString(stderr) : "");
        }
        catch (final IOException ex)
        {
            return "(cannot read the hive's output: " + ex + ")";
        }
    }

    /** SIGTERM, then SIGKILL if it has not exited within 30 s. */
    @Override
    public void close() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            kill9();
        }
    }
}
