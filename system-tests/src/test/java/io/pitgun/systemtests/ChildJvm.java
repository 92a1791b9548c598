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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A {@code pitgun} command in a child JVM, as {@link GatewayProcess} and {@link HiveProcess} run one: the CLI's main
 * class, the test class path and the build's JVM flags ({@code pitgun.jvm.flags}, passed by surefire); stdout and
 * stderr in numbered files of {@code DATA_DIR-logs} (one pair per start, so a restarted process keeps its earlier
 * lives' output); started once a line of its stdout says so, within {@link GatewayProcess#START_TIMEOUT}.
 */
final class ChildJvm
{
    /** How long a child may take to die after SIGKILL. */
    private static final long KILL_TIMEOUT_S = 30;
    /** The tail of a log file shown in a failure message. */
    private static final int SHOWN_LOG_CHARS = 20_000;

    /**
     * Children still running when the test JVM exits (a test abandoned by a timeout does not get to close them) are
     * killed then rather than left running after the build.
     */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
            "child-jvm-reaper"));
    }

    private final String role;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ChildJvm(final String role, final Process process, final Path stdout, final Path stderr)
    {
        this.role = role;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code pitgun ARGS...} for {@code role} (e.g. "gateway") on {@code dataDir} and waits until
     * {@code started} maps a line of its stdout to a non-null value, which it returns with the child.
     *
     * @param javaOptions extra JVM options for the child.
     * @param env         extra environment variables; every inherited {@code PITGUN_GATEWAY_*} one is removed.
     * @param timeout     how long the child may take to print its start line.
     * @throws IllegalStateException (after killing the child) if it did not start in time, with its output.
     */
    static <T> Started<T> start(final String role, final Path dataDir, final List<String> javaOptions,
        final Map<String, String> env, final List<String> args, final Function<String, T> started,
        final java.time.Duration timeout)
        throws IOException, InterruptedException
    {
        return start(role, dataDir, List.of(), javaOptions, env, args, started, timeout);
    }

    /**
     * {@link #start(String, Path, List, Map, List, Function, java.time.Duration)} with {@code launcher} before the
     * {@code java} command, e.g. {@code prlimit --nofile=512:512 --} to start it under a resource limit.
     */
    static <T> Started<T> start(final String role, final Path dataDir, final List<String> launcher,
        final List<String> javaOptions, final Map<String, String> env, final List<String> args,
        final Function<String, T> started, final java.time.Duration timeout)
        throws IOException, InterruptedException
    {
        final CompletableFuture<T> ready = new CompletableFuture<>();
        final ChildJvm child = spawn(role, dataDir, launcher, javaOptions, env, args, started, ready);
        try
        {
            return new Started<>(child, ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            child.process.destroyForcibly();
            child.process.waitFor(KILL_TIMEOUT_S, TimeUnit.SECONDS);
            throw new IllegalStateException("the " + role + " did not start: " + ex.getMessage() + "\n" +
                child.logs(), ex);
        }
    }

    /**
     * Starts {@code pitgun ARGS...} for {@code role} as {@link #start} does, without waiting for any line: for a
     * test that acts on the child while it starts (a kill during its start's work).
     */
    static ChildJvm launch(final String role, final Path dataDir, final List<String> args) throws IOException
    {
        return spawn(role, dataDir, List.of(), List.of(), Map.of(), args, line -> null, new CompletableFuture<>());
    }

    /** Launches the child, its stdout pumped into its log file, each line offered to {@code started}. */
    private static <T> ChildJvm spawn(final String role, final Path dataDir, final List<String> launcher,
        final List<String> javaOptions, final Map<String, String> env, final List<String> args,
        final Function<String, T> started, final CompletableFuture<T> ready) throws IOException
    {
        Files.createDirectories(dataDir);
        final List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.addAll(javaOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.pitgun.cli.PitgunCommand"));
        command.addAll(args);

        final Path logDir = dataDir.resolveSibling(dataDir.getFileName() + "-logs");
        Files.createDirectories(logDir);
        final long attempt;
        try (Stream<Path> files = Files.list(logDir))
        {
            attempt = files.filter(file -> file.getFileName().toString().startsWith(role + "-")).count() / 2;
        }
        final Path stdout = logDir.resolve(role + "-" + attempt + ".out");
        final Path stderr = logDir.resolve(role + "-" + attempt + ".err");
        final ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("PITGUN_GATEWAY_"));
        builder.environment().putAll(env);
        final Process process = builder.start();
        RUNNING.add(process);
        process.onExit().thenRun(() -> RUNNING.remove(process));
        final ChildJvm child = new ChildJvm(role, process, stdout, stderr);
        final Thread pump = new Thread(() -> child.pump(started, ready), role + "-stdout-" + child.process.pid());
        pump.setDaemon(true);
        pump.start();
        return child;
    }

    /** A started child and what its start line said (e.g. the port it listens on). */
    record Started<T>(ChildJvm child, T value)
    {
    }

    /** The build's JVM flags (Agrona, Chronicle), as surefire passes them. */
    static List<String> jvmFlags()
    {
        final String flags = System.getProperty("pitgun.jvm.flags", "").trim();
        return flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+"));
    }

    private <T> void pump(final Function<String, T> started, final CompletableFuture<T> ready)
    {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(stdout, StandardCharsets.UTF_8), true))
        {
            String line;
            while ((line = lines.readLine()) != null)
            {
                out.println(line);
                final T value = started.apply(line);
                if (value != null)
                {
                    ready.complete(value);
                }
            }
            ready.completeExceptionally(new IllegalStateException("stdout closed, exit " + exitStatus()));
        }
        catch (final IOException ex)
        {
            ready.completeExceptionally(ex);
        }
    }

    private String exitStatus()
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

    /** The child process. */
    Process process()
    {
        return process;
    }

    /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. Waits (bounded) until it is gone. */
    void kill9() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(KILL_TIMEOUT_S, TimeUnit.SECONDS))
        {
            throw new AssertionError("the " + role + " " + process.pid() + " did not die after SIGKILL");
        }
    }

    /** The child's stdout and stderr so far (their last {@value #SHOWN_LOG_CHARS} characters), for failures. */
    String logs()
    {
        return "--- " + role + " stdout (" + stdout + ")\n" + read(stdout) + "--- " + role + " stderr (" + stderr +
            ")\n" + read(stderr);
    }

    /** The child's whole stderr so far (its log), for tests that look for a line. */
    String stderrText()
    {
        try
        {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    private static String read(final Path file)
    {
        try
        {
            final String text = Files.exists(file) ? Files.readString(file) : "";
            return text.length() > SHOWN_LOG_CHARS ? "..." + text.substring(text.length() - SHOWN_LOG_CHARS) : text;
        }
        catch (final IOException ex)
        {
            return "(unreadable: " + ex + ")\n";
        }
    }
}
