package io.pitgun.systemtests;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code pitgun hive} in a child JVM ({@link ChildJvm}, as {@link GatewayProcess} runs a gateway): a data and
 * an Aeron directory the test owns, output to files beside the data directory.
 */
public final class HiveProcess implements AutoCloseable
{
    private static final String LISTENING = "pitgun hive: listening on ";

    /** The line the hive logs once started: each start phase's duration and the timeouts its waits ran into. */
    private static final String START_PHASES = "hive start: ";

    private final ChildJvm child;
    private final long startNs;

    private HiveProcess(final ChildJvm child, final long startNs)
    {
        this.child = child;
        this.startNs = startNs;
    }

    /** Starts {@code pitgun hive --listen CHANNEL --data-dir DATA_DIR --aeron-dir DATA_DIR-aeron} and waits. */
    /**
     * How long a hive may take to start. Longer than a gateway's: after a kill -9 it waits for Aeron Archive to
     * recover its catalog and replays its record's tail before it listens; in one CI run on a loaded 2-core machine
     * that took over 60 s, where it usually takes a few (a slow start still proves nothing lost or duplicated).
     */
    static final java.time.Duration START_TIMEOUT = java.time.Duration.ofSeconds(180);

    public static HiveProcess start(final Path dataDir, final String channel) throws IOException, InterruptedException
    {
        return start(dataDir, channel, List.of());
    }

    /**
     * {@link #start(Path, String)} with extra JVM options for the child, e.g. the system properties of Aeron's loss
     * generator for the hive's embedded media driver, and extra {@code pitgun hive} options ({@code args}).
     */
    public static HiveProcess start(final Path dataDir, final String channel, final List<String> javaOptions,
        final String... args) throws IOException, InterruptedException
    {
        final long startingNs = System.nanoTime();
        final ChildJvm child = ChildJvm.start("hive", dataDir, javaOptions, Map.of(), arguments(dataDir, channel, args),
            line -> line.startsWith(LISTENING) ? Boolean.TRUE : null, START_TIMEOUT).child();
        return new HiveProcess(child, System.nanoTime() - startingNs);
    }

    /**
     * Launches {@code pitgun hive} as {@link #start(Path, String)} does without waiting for it to listen: a hive
     * derives the edges on disk from its first moments, before it listens, and a test may kill it meanwhile.
     * {@link #startNs()} is then 0.
     */
    public static HiveProcess launch(final Path dataDir, final String channel) throws IOException
    {
        return new HiveProcess(ChildJvm.launch("hive", dataDir, arguments(dataDir, channel)), 0);
    }

    private static List<String> arguments(final Path dataDir, final String channel, final String... args)
    {
        final List<String> arguments = new ArrayList<>(List.of("hive", "--listen", channel, "--data-dir",
            dataDir.toString(), "--aeron-dir", aeronDirectory(dataDir).toString()));
        arguments.addAll(List.of(args));
        return arguments;
    }

    /** From launching the JVM to the hive's listening line, in nanoseconds. */
    public long startNs()
    {
        return startNs;
    }

    /**
     * The hive's log line of its start's phases ({@code "hive start: lock 0.001 s, ..., timeouts hit 0"}, from
     * {@code io.pitgun.scaleout.Hive}), without what precedes it on the line; null if it logged none.
     */
    public String startPhases()
    {
        final String log = child.stderrText();
        final int at = log.indexOf(START_PHASES);
        return at < 0 ? null : log.substring(at, log.indexOf('\n', at) < 0 ? log.length() : log.indexOf('\n', at));
    }

    /** The directory of the embedded media driver of a hive started on {@code dataDir}. */
    public static Path aeronDirectory(final Path dataDir)
    {
        return dataDir.resolveSibling(dataDir.getFileName() + "-aeron");
    }

    /** The child's process id. */
    public long pid()
    {
        return child.process().pid();
    }

    /** Waits up to {@code timeout} for the hive to exit by itself: its exit status, or -1 when it still runs. */
    public int exitStatusWithin(final java.time.Duration timeout) throws InterruptedException
    {
        return child.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? child.process().exitValue() : -1;
    }

    /** SIGKILL: no shutdown hook runs. Waits (bounded) until it is gone. */
    public void kill9() throws InterruptedException
    {
        child.kill9();
    }

    /** The child's output so far, for failure messages. */
    public String logs()
    {
        return child.logs();
    }

    /** SIGTERM, then SIGKILL if it has not exited within 30 s. */
    @Override
    public void close() throws InterruptedException
    {
        child.process().destroy();
        if (!child.process().waitFor(30, TimeUnit.SECONDS))
        {
            kill9();
        }
    }
}
