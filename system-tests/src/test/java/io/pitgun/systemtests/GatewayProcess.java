package io.pitgun.systemtests;

import io.pitgun.testsupport.GatewayClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code pitgun gateway} in a child JVM, as an operator runs it: the CLI's own main class, the test class path
 * and the build's JVM flags ({@code pitgun.jvm.flags}, passed by surefire), a free loopback port, a data directory
 * the test owns. The child's stdout and stderr go to files beside the data directory so a failing test can show
 * them. Every wait is bounded.
 */
public final class GatewayProcess implements AutoCloseable
{
    /** How long a gateway may take to print that it listens (a cold JVM on a loaded 2-core machine). */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern LISTENING = Pattern.compile("pitgun gateway: listening on [^ ]+:(\\d+) ");

    private final Process process;
    private final int port;
    private final Path stdout;
    private final Path stderr;
    private final GatewayClient http;

    private GatewayProcess(final Process process, final int port, final Path stdout, final Path stderr)
    {
        this.process = process;
        this.port = port;
        this.http = new GatewayClient(port);
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code pitgun gateway --bind 127.0.0.1:0 --data-dir DATA_DIR --rate-limit 0 ARGS...} and waits until it
     * listens.
     *
     * @param dataDir    the gateway's data directory (journal under {@code dataDir/journal}).
     * @param javaOptions extra JVM options for the child, e.g. {@code -Xmx256m}.
     * @param env        extra environment variables, e.g. {@code PITGUN_GATEWAY_ACK_MODE}.
     * @param args       extra {@code pitgun gateway} arguments.
     */
    public static GatewayProcess start(final Path dataDir, final List<String> javaOptions, final Map<String, String> env,
        final String... args) throws IOException, InterruptedException
    {
        Files.createDirectories(dataDir);
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.addAll(javaOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.pitgun.cli.PitgunCommand");
        command.add("gateway");
        command.add("--bind");
        command.add("127.0.0.1:0");
        command.add("--data-dir");
        command.add(dataDir.toString());
        command.add("--rate-limit");
        command.add("0");
        command.addAll(Arrays.asList(args));

        final String name = dataDir.getFileName().toString();
        final Path logDir = dataDir.resolveSibling(name + "-logs");
        Files.createDirectories(logDir);
        final int attempt = (int)Files.list(logDir).count() / 2;
        final Path stdout = logDir.resolve("gateway-" + attempt + ".out");
        final Path stderr = logDir.resolve("gateway-" + attempt + ".err");
        final ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("PITGUN_GATEWAY_"));
        builder.environment().putAll(env);
        final Process process = builder.start();
        final CompletableFuture<Integer> listening = new CompletableFuture<>();
        final Thread pump = new Thread(() -> pump(process, stdout, listening), "gateway-stdout-" + process.pid());
        pump.setDaemon(true);
        pump.start();
        try
        {
            return new GatewayProcess(process, listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                stdout, stderr);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("the gateway did not start: " + ex.getMessage() + "\n" +
                read(stdout) + read(stderr), ex);
        }
    }

    /** {@link #start(Path, List, Map, String...)} with no extra JVM options or environment. */
    public static GatewayProcess start(final Path dataDir, final String... args) throws IOException, InterruptedException
    {
        return start(dataDir, List.of(), Map.of(), args);
    }

    /** The build's JVM flags (Agrona, Chronicle), as surefire passes them. */
    static List<String> jvmFlags()
    {
        final String flags = System.getProperty("pitgun.jvm.flags", "").trim();
        return flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+"));
    }

    private static void pump(final Process process, final Path stdout, final CompletableFuture<Integer> listening)
    {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(stdout, StandardCharsets.UTF_8), true))
        {
            String line;
            while ((line = lines.readLine()) != null)
            {
                out.println(line);
                final Matcher matcher = LISTENING.matcher(line);
                if (matcher.find())
                {
                    listening.complete(Integer.parseInt(matcher.group(1)));
                }
            }
            listening.completeExceptionally(new IllegalStateException("stdout closed, exit " + exitOf(process)));
        }
        catch (final IOException ex)
        {
            listening.completeExceptionally(ex);
        }
    }

    private static String exitOf(final Process process)
    {
        try
        {
            return process.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "(still running)";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    /** The loopback port the gateway listens on. */
    public int port()
    {
        return port;
    }

    /** The child's process id. */
    public long pid()
    {
        return process.pid();
    }

    /** Whether the child still runs. */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /** {@code http://127.0.0.1:PORT} + {@code path}. */
    public URI uri(final String path)
    {
        return http.uri(path);
    }

    /** {@code ws://127.0.0.1:PORT} + {@code path}. */
    public URI wsUri(final String path)
    {
        return http.wsUri(path);
    }

    /** A plain {@code GET}, answered within 20 s. */
    public HttpResponse<String> get(final String path) throws IOException, InterruptedException
    {
        return http.get(path);
    }

    /** {@code POST /beacon} with a JSON body, answered within 20 s. */
    public HttpResponse<String> beacon(final String body) throws IOException, InterruptedException
    {
        return http.beacon(body);
    }

    /**
     * The value of one series of {@code GET /metrics}, e.g. {@code pitgun_gateway_rejections_total{reason="ring_full"}}
     * (labels exactly as the gateway writes them), or {@code NaN} when the gateway does not write it.
     */
    public double metric(final String series) throws IOException, InterruptedException
    {
        return http.metricOrNaN(series);
    }

    /** The child's resident set size in bytes ({@code VmRSS} of {@code /proc/PID/status}). */
    public long rssBytes() throws IOException
    {
        return procStatusBytes("VmRSS:");
    }

    /**
     * The child's anonymous resident memory in bytes ({@code RssAnon} of {@code /proc/PID/status}): heap, direct
     * buffers, native allocations, but not memory-mapped files such as the journal, whose resident pages grow with
     * the journal by design.
     */
    public long anonymousRssBytes() throws IOException
    {
        return procStatusBytes("RssAnon:");
    }

    private long procStatusBytes(final String field) throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status")))
        {
            if (line.startsWith(field))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no " + field + " for process " + pid());
    }

    /**
     * A full collection in the child ({@code jcmd PID GC.run}, which returns when it is done), so that the heap in
     * use read next is what is live, not garbage a collection has not reached yet.
     */
    public void collectGarbage() throws IOException, InterruptedException
    {
        final Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid()), "GC.run").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!jcmd.waitFor(60, TimeUnit.SECONDS))
        {
            jcmd.destroyForcibly();
            throw new IOException("jcmd " + pid() + " GC.run did not finish within 60 s");
        }
        if (jcmd.exitValue() != 0)
        {
            throw new IOException("jcmd " + pid() + " GC.run exited with " + jcmd.exitValue());
        }
    }

    /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. Waits (bounded) until it is gone. */
    public void kill9() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new AssertionError("the gateway " + pid() + " did not die after SIGKILL");
        }
    }

    /**
     * SIGTERM, as an orchestrator stops it, and the exit status once it exited within {@code timeout}.
     *
     * @throws AssertionError (after a SIGKILL) when it did not exit in time.
     */
    public int terminate(final Duration timeout) throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the gateway did not exit within " + timeout + " of SIGTERM\n" + logs());
        }
        return process.exitValue();
    }

    /** The child's stdout and stderr so far, for failure messages. */
    public String logs()
    {
        return "--- gateway stdout (" + stdout + ")\n" + read(stdout) + "--- gateway stderr (" + stderr + ")\n" +
            read(stderr);
    }

    private static String read(final Path file)
    {
        try
        {
            final String text = Files.exists(file) ? Files.readString(file) : "";
            return text.length() > 20_000 ? "..." + text.substring(text.length() - 20_000) : text;
        }
        catch (final IOException ex)
        {
            return "(unreadable: " + ex + ")\n";
        }
    }

    /** Kills the child if a test left it running. */
    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
