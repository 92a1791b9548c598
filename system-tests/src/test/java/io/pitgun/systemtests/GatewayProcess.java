package io.pitgun.systemtests;

import io.pitgun.testsupport.GatewayClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code pitgun gateway} in a child JVM ({@link ChildJvm}), as an operator runs it: a loopback port, a data
 * directory the test owns, the child's output in files beside it so a failing test can show them. Every wait is
 * bounded.
 */
public final class GatewayProcess implements AutoCloseable
{
    /** How long a gateway may take to print that it listens (a cold JVM on a loaded 2-core machine). */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern LISTENING = Pattern.compile("pitgun gateway: listening on ([^ ]+:(\\d+)) ");

    private final ChildJvm child;
    private final Process process;
    private final String listeningOn;
    private final int port;
    private final GatewayClient http;

    private GatewayProcess(final ChildJvm child, final String listeningOn)
    {
        this.child = child;
        this.process = child.process();
        this.listeningOn = listeningOn;
        this.port = Integer.parseInt(listeningOn.substring(listeningOn.lastIndexOf(':') + 1));
        this.http = new GatewayClient(port);
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
    public static GatewayProcess start(final Path dataDir, final List<String> javaOptions,
        final Map<String, String> env, final String... args) throws IOException, InterruptedException
    {
        return start(dataDir, 0, javaOptions, env, args);
    }

    /**
     * {@link #start(Path, List, Map, String...)} on loopback port {@code port} (0: a free one), e.g. to restart a
     * killed gateway where its clients expect it.
     */
    public static GatewayProcess start(final Path dataDir, final int port, final List<String> javaOptions,
        final Map<String, String> env, final String... args) throws IOException, InterruptedException
    {
        return startBound(dataDir, "127.0.0.1:" + port, javaOptions, env, args);
    }

    /**
     * {@link #start(Path, List, Map, String...)} bound to {@code bind} ({@code --bind}, e.g. {@code [::1]:0}); the
     * helpers that talk HTTP ({@link #get}, {@link #beacon}) need a loopback IPv4 bind.
     */
    public static GatewayProcess startBound(final Path dataDir, final String bind, final List<String> javaOptions,
        final Map<String, String> env, final String... args) throws IOException, InterruptedException
    {
        return startUnder(List.of(), dataDir, bind, javaOptions, env, args);
    }

    /**
     * {@link #startBound} with {@code launcher} before the {@code java} command, e.g. {@code prlimit --nofile=N:N --}
     * to start the gateway under a resource limit.
     */
    public static GatewayProcess startUnder(final List<String> launcher, final Path dataDir, final String bind,
        final List<String> javaOptions, final Map<String, String> env, final String... args)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of("gateway", "--bind", bind, "--data-dir",
            dataDir.toString(), "--rate-limit", "0"));
        command.addAll(Arrays.asList(args));
        final ChildJvm.Started<String> started = ChildJvm.start("gateway", dataDir, launcher, javaOptions, env, command, line ->
        {
            final Matcher matcher = LISTENING.matcher(line);
            return matcher.find() ? matcher.group(1) : null;
        }, START_TIMEOUT);
        return new GatewayProcess(started.child(), started.value());
    }

    /** Where the gateway said it listens, {@code host:port} as printed. */
    public String listeningOn()
    {
        return listeningOn;
    }

    /** {@link #start(Path, List, Map, String...)} with no extra JVM options or environment. */
    public static GatewayProcess start(final Path dataDir, final String... args)
        throws IOException, InterruptedException
    {
        return start(dataDir, List.of(), Map.of(), args);
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
        child.kill9();
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
        return child.logs();
    }

    /** The child's log (stderr) so far. */
    public String stderrText()
    {
        return child.stderrText();
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
