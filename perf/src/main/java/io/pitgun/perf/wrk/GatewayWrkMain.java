package io.pitgun.perf.wrk;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.perf.BenchPipeline;
import io.pitgun.perf.BenchmarkMain;
import io.pitgun.perf.loadgen.BareHttpServer;
import io.pitgun.perf.loadgen.LoadgenPayloads;
import io.pitgun.testsupport.SelfSignedPem;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The gateway under an external client: {@code wrk} with {@code wrk/envelopes.lua} against {@code pitgun gateway}
 * (journaled acks, per-client rate limit off, a temporary data directory) and against {@link BareServerMain} (a
 * bare Netty server that reads each body and answers 202), each in a JVM of its own with the same flags, at every
 * (frames per envelope, connections) point; the two servers take turns at each point, the one going first
 * alternating, so a drift of the machine (the VM's stolen time) falls on both. After each gateway point it waits
 * for the journal to catch up and compares {@code pitgun_frames_journaled_total} with wrk's 2xx count × frames.
 *
 * <p>Usage: {@code GatewayWrkMain --summary FILE --raw-dir DIR [--profile quick|full] [--points 1x4,100x32,...]
 * [--seconds N] [--warmup-seconds N] [--first-warmup-seconds N] [--pitgun bin/pitgun] [--wrk PATH]
 * [--jfr DIR] [--ack-mode journaled|accepted] [--tls on|off] [--journaling-floor on|off]}; quick: 5 s per point, 3 s warm-up per point, 5 s first warm-up
 * of each server; full: 20, 5 and 20 s. Without wrk it runs {@code apt-get install -y wrk} once; if that fails the
 * summary says {@code not measured:} and why, and the exit status is 0 (a missing tool is not a failed benchmark). The summary is what {@link GatewayWrkTable} renders; the raw wrk
 * outputs, the script and the servers' logs go to the raw directory. {@code --jfr DIR} records both servers with
 * JFR's {@code profile} settings ({@code DIR/gateway.jfr}, {@code DIR/bare.jfr}). Around each measured run it also
 * reads the CPU time of the server's threads by role and of wrk ({@link ThreadCpu}), for the CPU-per-request table.
 * {@code --tls on} measures three gateways instead, taking turns the same way: TLS with the JDK's provider, TLS with
 * OpenSSL (BoringSSL) and no TLS ({@link #TLS_SERVERS}; JFR files {@code DIR/KEY.jfr}), each journal checked;
 * {@link GatewayWrkComparison} renders them side by side, so the providers are compared within one run.
 * Without TLS two more servers take their turns too (unless {@code --journaling-floor off}): the bare server journaling
 * each body before it answers ({@code server=journaling}; {@link BareHttpServer#start(int, int, Path)}), the floor of
 * any ingress that journals what it accepts, and the same server decoding each body with Pitgun's envelope decoder
 * and journaling its frames ({@code server=decoding}; {@link BareHttpServer#start(int, int, Path, boolean)}), the
 * floor of any ingress that checks its JSON and journals the frames with that decoder, so that a target their cost
 * alone puts out of reach on this machine is shown to be, in the same run.
 */
public final class GatewayWrkMain
{
    private static final String SCRIPT_RESOURCE = "wrk/envelopes.lua";
    private static final int[] FRAMES = {1, 100};
    private static final int[] CONNECTIONS = {1, 4, 32, 256};
    /** wrk threads: at most two, the machine's client share (the servers need the other cores). */
    private static final int MAX_WRK_THREADS = 2;
    /** Samples per frame: the load generator's default, so the frames are {@code pitgun loadgen}'s. */
    private static final int SAMPLES_PER_FRAME = 8;
    /** wrk's per-request timeout: far above any latency either server shows, so only a stuck server hits it. */
    private static final String WRK_TIMEOUT = "10s";
    /** 256 connections plus the driver's own /metrics requests stay under it (the default is 256). */
    private static final String MAX_CONNECTIONS_PER_PEER = "1024";
    private static final String JOURNALED = "pitgun_frames_journaled_total";
    private static final String PUBLISHED = "pitgun_gateway_frames_published_total";
    private static final String REJECTIONS = "pitgun_gateway_rejections_total";
    /** The gateway's logging configuration, relative to the repository (bin/pitgun's parent). */
    private static final String CLI_LOGBACK = "cli/src/main/resources/logback.xml";

    /** The TLS run's servers, in the summary's order: the gateway with each provider, then without TLS. */
    static final List<String> TLS_SERVERS = List.of("jdk", "openssl", "plain");
    /** The TLS run's server without TLS, the baseline ({@link GatewayWrkComparison}: the labels line's last). */
    private static final String TLS_PLAIN = "plain";
    /** What a TLS run's summary says the servers are ({@link GatewayWrkTable}'s labels line). */
    static final String TLS_LABELS = "# labels jdk=TLS (JDK), openssl=TLS (OpenSSL), plain=no TLS";

    private HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayWrkMain()
    {
    }

    /**
     * The quick profile's warm-up at each point, before its measured run. At 1 s, {@code perf} on the gateway had
     * its C2 compiler busy in the first two seconds of a point, compiling what the point's shape made hot: 59 % and
     * 41 % of a core in those seconds at 1x256 alone, 13-17 % at the later points of the four one-frame ones in a
     * row, then a few percent. A 3 s warm-up leaves that out of the measured run, for each server alike.
     */
    static final int QUICK_POINT_WARMUP_SECONDS = 3;

    /**
     * The run's settings, from the command line.
     *
     * @param tls with TLS the servers are the gateway serving TLS with the JDK's provider ("jdk", https), with
     *            OpenSSL ("openssl", https) and without TLS ("plain", http), instead of the gateway and the bare
     *            Netty server: what TLS costs with each provider, in one run.
     */
    record Settings(Path summary, Path rawDir, String profile, List<int[]> points, int seconds,
        int warmupSeconds,
        int firstWarmupSeconds, Path pitgun, String wrk, Path jfr, String ackMode, boolean tls, boolean floor)
    {
    }

    /**
     * One server under test.
     *
     * @param key     its name in the summary ({@code server=KEY}) and the raw files.
     * @param process its process.
     * @param uri     where it listens.
     * @param gateway true for a {@code pitgun gateway} (its journal is checked), false for a bare server.
     */
    private record Server(String key, Process process, URI uri, boolean gateway)
    {
    }

    /**
     * Runs the benchmark; see the class comment for the arguments.
     *
     * @param args the arguments.
     * @throws Exception when a server or wrk fails (the summary is then incomplete and the exit status non-zero).
     */
    public static void main(final String[] args) throws Exception
    {
        final Settings settings;
        try
        {
            settings = parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("GatewayWrkMain: " + ex.getMessage());
            System.exit(2);
            return;
        }
        new GatewayWrkMain().run(settings);
    }

    private void run(final Settings s) throws Exception
    {
        Files.createDirectories(s.rawDir());
        if (s.jfr() != null)
        {
            Files.createDirectories(s.jfr()); // JFR does not create it, and a JVM told to record there will not start
        }
        final String wrk = findOrInstallWrk(s);
        if (wrk == null)
        {
            return;
        }
        final Path script = s.rawDir().resolve("envelopes.lua");
        try (InputStream in = GatewayWrkMain.class.getClassLoader().getResourceAsStream(SCRIPT_RESOURCE))
        {
            if (in == null)
            {
                throw new IllegalStateException(SCRIPT_RESOURCE + " is missing from the class path");
            }
            Files.write(script, in.readAllBytes());
        }
        final String samples = LoadgenPayloads.samplesJson(ParameterRegistry.simV1(), SAMPLES_PER_FRAME);
        final String version = firstLine(exec(List.of(wrk, "-v"), s.rawDir().resolve("wrk-version.txt"), 30, true))
            .replaceFirst(" Copyright.*", "");
        final List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "# profile %s: %d s per point after a %d s warm-up at the same point " +
                "(each server first warmed %d s); %s, threads = min(%d, connections), --timeout %s; %d samples per " +
                "frame (sim.v1); gateway: `pitgun gateway --ack-mode %s --rate-limit 0 " +
                "--max-connections-per-peer %s` (default IO_THREADS 1); %s; each in its own JVM with the same " +
                "flags; the servers take turns at each point",
            s.profile(), s.seconds(), s.warmupSeconds(), s.firstWarmupSeconds(), version.strip(), MAX_WRK_THREADS,
            WRK_TIMEOUT, SAMPLES_PER_FRAME, s.ackMode(), MAX_CONNECTIONS_PER_PEER, s.tls() ?
                "the gateway with `--tls-cert --tls-key` (an openssl EC P-256 certificate; TLS 1.3 as wrk's OpenSSL " +
                "negotiates it) and `--tls-provider jdk`, then `--tls-provider openssl`, against the same gateway " +
                "without TLS" :
                "bare: BareHttpServer, 1 event-loop thread (NIO)" + (s.floor() ? "; journaling: the same server " +
                    "appending each body to a Chronicle queue (the pipeline's roll cycle, Pitgun's pretoucher) " +
                    "before it answers; decoding: the same server decoding each body with Pitgun's envelope decoder and " +
                    "appending its SBE frames instead" : "")));
        final Path dataDir = Files.createTempDirectory("pitgun-wrk-");
        final List<Server> servers = new ArrayList<>();
        try
        {
            if (s.tls())
            {
                // The certificate the TLS gateways serve, made the way an operator would (openssl, PEM files);
                // this driver's own requests (/health, /metrics) verify it. wrk does not verify certificates.
                final SelfSignedPem pem = SelfSignedPem.create(s.rawDir(), "gateway-tls", "pitgun-bench");
                http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .sslContext(pem.trustingOnlyThis()).build();
                lines.add(TLS_LABELS);
                // Every port before any server starts: one not yet bound could be handed out again.
                final int[] ports = distinctFreePorts(TLS_SERVERS.size());
                for (int i = 0; i < TLS_SERVERS.size(); i++)
                {
                    final String key = TLS_SERVERS.get(i);
                    final boolean plain = key.equals(TLS_PLAIN);
                    final List<String> tlsArgs = plain ? List.of() : List.of("--tls-cert",
                        pem.certificate().toString(), "--tls-key", pem.key().toString(), "--tls-provider", key);
                    servers.add(new Server(key, startGateway(s, ports[i],
                        Files.createDirectories(dataDir.resolve(key)), tlsArgs, "gateway-" + key + ".log", key),
                        URI.create((plain ? "http" : "https") + "://127.0.0.1:" + ports[i]), true));
                }
            }
            else
            {
                final int gatewayPort = freePort();
                servers.add(new Server("gateway", startGateway(s, gatewayPort, dataDir, List.of(), "gateway.log",
                    "gateway"), URI.create("http://127.0.0.1:" + gatewayPort), true));
                addBare(s, servers, "bare", null, false);
                if (s.floor())
                {
                    addBare(s, servers, GatewayWrkTable.FLOOR, dataDir.resolve("journaling-bare"), false);
                    addBare(s, servers, GatewayWrkTable.DECODING_FLOOR, dataDir.resolve("decoding-bare"), true);
                }
            }
            for (final Server server : servers)
            {
                if (server.gateway())
                {
                    awaitHealthy(server.process(), server.uri());
                }
            }
            for (final Server server : servers)
            {
                wrk(s, wrk, script, samples, server.uri(), 1, 32, s.firstWarmupSeconds(), "warmup-first-" +
                    server.key());
            }
            int i = 0;
            for (final int[] point : s.points())
            {
                final int frames = point[0];
                final int connections = point[1];
                // The servers take turns, the one going first moving on at each point: a drift of the machine
                // falls on all of them.
                final int firstTurn = i++ % servers.size();
                for (int turn = 0; turn < servers.size(); turn++)
                {
                    final Server server = servers.get((firstTurn + turn) % servers.size());
                    final String name = server.key() + "-f" + frames + "-c" + connections;
                    wrk(s, wrk, script, samples, server.uri(), frames, connections, s.warmupSeconds(),
                        "warmup-" + name);
                    final String before = server.gateway() ? settledMetrics(server.uri()) : "";
                    final long pid = server.process().pid();
                    final Map<Long, String> threadNames = ThreadCpu.threadNames(pid);
                    final long[] cpuBefore = ThreadCpu.byRole(pid, threadNames);
                    final long wrkCpuBefore = ThreadCpu.finishedChildrenNanos();
                    final WrkResult result = wrk(s, wrk, script, samples, server.uri(), frames, connections,
                        s.seconds(), name);
                    final long wrkCpuUs = TimeUnit.NANOSECONDS.toMicros(ThreadCpu.finishedChildrenNanos() -
                        wrkCpuBefore);
                    final String cpu = ThreadCpu.summaryWords(cpuBefore, ThreadCpu.byRole(pid, threadNames)) +
                        " wrk_cpu_us=" + wrkCpuUs + " cores=" + Runtime.getRuntime().availableProcessors();
                    String check = "";
                    if (server.gateway())
                    {
                        final String after = settledMetrics(server.uri());
                        final long journaled = metric(after, JOURNALED) - metric(before, JOURNALED);
                        check = " acked_frames=" + result.successes() * frames + " journaled_frames=" + journaled +
                            " rejections=" + rejections(before, after);
                    }
                    final String line = String.format(Locale.ROOT, "point server=%s frames=%d connections=%d " +
                            "threads=%d seconds=%d%s%s %s", server.key(), frames, connections, threads(connections),
                        s.seconds(), check, cpu, wrkLine(s.rawDir().resolve(name + ".txt")));
                    lines.add(line);
                    System.err.printf(Locale.ROOT,
                        "GatewayWrkMain: %s: %,.0f req/s, p50 %d µs, p99 %d µs, non-2xx %d%s%n",
                        name, result.requestsPerSecond(), result.p50Us(), result.p99Us(), result.non2xx(), check);
                }
            }
        }
        finally
        {
            stop(servers);
            BenchPipeline.delete(dataDir);
        }
        Files.write(s.summary(), lines, StandardCharsets.UTF_8);
        System.out.print(GatewayWrkTable.render(String.join("\n", lines)));
    }

    private WrkResult wrk(final Settings s, final String wrk, final Path script, final String samples, final URI uri,
        final int frames, final int connections, final int seconds, final String name) throws IOException,
        InterruptedException
    {
        final String runId = String.format("%08x", ThreadLocalRandom.current().nextInt());
        final long baseTimestampUs = System.currentTimeMillis() * 1000L;
        final List<String> command = List.of(wrk, "-t", Integer.toString(threads(connections)), "-c",
            Integer.toString(connections), "-d", seconds + "s", "--timeout", WRK_TIMEOUT, "-s", script.toString(),
            uri.toString(), "--", Integer.toString(frames), runId, Long.toString(baseTimestampUs), samples);
        final Path out = s.rawDir().resolve(name + ".txt");
        final String output = exec(command, out, seconds + 60L, false);
        return WrkResult.parse(output);
    }

    private static int threads(final int connections)
    {
        return Math.min(MAX_WRK_THREADS, connections);
    }

    /** The {@code pitgun-wrk:} line's keys and values, as the summary repeats them. */
    private static String wrkLine(final Path raw) throws IOException
    {
        for (final String line : Files.readAllLines(raw, StandardCharsets.UTF_8))
        {
            final int at = line.indexOf(WrkResult.PREFIX);
            if (at >= 0)
            {
                return line.substring(at + WrkResult.PREFIX.length()).strip();
            }
        }
        throw new IllegalStateException("no " + WrkResult.PREFIX + " line in " + raw);
    }

    /** wrk's path, installing it with apt-get when missing; null (and a "not measured" summary) if that fails. */
    private static String findOrInstallWrk(final Settings s) throws IOException, InterruptedException
    {
        String wrk = findWrk(s.wrk());
        if (wrk != null)
        {
            return wrk;
        }
        final boolean root = "root".equals(System.getProperty("user.name"));
        final List<String> install = new ArrayList<>(root ? List.of() : List.of("sudo", "-n"));
        install.addAll(List.of("apt-get", "install", "-y", "wrk"));
        final Path log = s.rawDir().resolve("apt-get-install-wrk.txt");
        System.err.println("GatewayWrkMain: no wrk; running " + String.join(" ", install));
        int status;
        try
        {
            final Process p = new ProcessBuilder(install).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
            status = p.waitFor(10, TimeUnit.MINUTES) ? p.exitValue() : -1;
            p.destroyForcibly();
        }
        catch (final IOException ex)
        {
            status = -2;
        }
        wrk = findWrk(s.wrk());
        if (wrk == null)
        {
            final String why = "not measured: no wrk on this machine and `" + String.join(" ", install) + "` failed " +
                "(exit " + status + "; log: `" + log + "`). Debian: `apt-get install -y wrk`.";
            Files.writeString(s.summary(), why + "\n", StandardCharsets.UTF_8);
            System.err.println("GatewayWrkMain: " + why);
        }
        return wrk;
    }

    private static String findWrk(final String given)
    {
        if (given != null)
        {
            return Files.isExecutable(Path.of(given)) ? given : null;
        }
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
        {
            final Path candidate = Path.of(dir.isEmpty() ? "." : dir, "wrk");
            if (Files.isExecutable(candidate))
            {
                return candidate.toString();
            }
        }
        return null;
    }

    private static Process startGateway(final Settings s, final int port, final Path dataDir,
        final List<String> extraArgs, final String log, final String jfrName) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(s.pitgun().toString(), "gateway", "--bind",
            "127.0.0.1:" + port, "--data-dir", dataDir.toString(), "--ack-mode", s.ackMode(), "--rate-limit", "0",
            "--max-connections-per-peer", MAX_CONNECTIONS_PER_PEER));
        command.addAll(extraArgs);
        final ProcessBuilder pb = new ProcessBuilder(command)
            .redirectErrorStream(true).redirectOutput(s.rawDir().resolve(log).toFile());
        if (s.jfr() != null)
        {
            final String opts = System.getenv().getOrDefault("PITGUN_JAVA_OPTS", "");
            pb.environment().put("PITGUN_JAVA_OPTS", (opts + " " + jfrFlag(s.jfr().resolve(jfrName + ".jfr"))).strip());
        }
        return pb.start();
    }

    /**
     * Starts a bare server ({@code journal}: where it journals each body, or null; {@code decode}: it decodes each
     * body and journals the frames instead) and adds it once listening.
     */
    private static void addBare(final Settings s, final List<Server> servers, final String key, final Path journal,
        final boolean decode)
        throws IOException
    {
        final Process bare = startBare(s, key, journal, decode);
        // Listed before its port is known, so that the finally around the run stops it if it never says.
        servers.add(new Server(key, bare, null, false));
        final int port = awaitListening(bare, s.rawDir().resolve(key + ".out"));
        servers.set(servers.size() - 1, new Server(key, bare, URI.create("http://127.0.0.1:" + port), false));
    }

    private static Process startBare(final Settings s, final String key, final Path journal, final boolean decode)
        throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(BenchmarkMain.jvmFlagList());
        final String opts = System.getenv().getOrDefault("PITGUN_JAVA_OPTS", "").strip();
        if (!opts.isEmpty())
        {
            command.addAll(Arrays.asList(opts.split("\\s+")));
        }
        if (s.jfr() != null)
        {
            command.add(jfrFlag(s.jfr().resolve(key + ".jfr")));
        }
        // The CLI's logging configuration, so the bare server logs what the gateway logs (warnings, to stderr)
        // rather than logback's default of everything at DEBUG to stdout.
        final Path logback = s.pitgun().toAbsolutePath().getParent().resolveSibling(CLI_LOGBACK);
        if (Files.isRegularFile(logback))
        {
            command.add("-Dlogback.configurationFile=" + logback);
        }
        else
        {
            System.err.println("GatewayWrkMain: no " + logback + "; the bare server logs with logback's defaults");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BareServerMain.class.getName(), "1"));
        if (journal != null)
        {
            command.addAll(List.of(Integer.toString(BareServerMain.DEFAULT_MAX_BODY_BYTES), journal.toString()));
            if (decode)
            {
                command.add(BareServerMain.DECODE);
            }
        }
        // Standard input stays a pipe: closing it stops the server.
        return new ProcessBuilder(command).redirectOutput(s.rawDir().resolve(key + ".out").toFile())
            .redirectError(s.rawDir().resolve(key + ".log").toFile()).start();
    }

    private static String jfrFlag(final Path file)
    {
        return "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + file.toAbsolutePath();
    }

    private static int awaitListening(final Process bare, final Path out) throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && bare.isAlive())
        {
            final String text = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
            final int at = text.indexOf("listening on ");
            final int end = text.indexOf('\n', at);
            if (at >= 0 && end > at)
            {
                return Integer.parseInt(text.substring(at + "listening on ".length(), end).strip());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        throw new IllegalStateException("a bare server did not say 'listening on PORT' within 60 s (alive: " +
            bare.isAlive() + "); see " + out.resolveSibling(out.getFileName().toString().replace(".out", ".log")));
    }

    /** Waits for {@code GET /health} to answer 200; bin/pitgun may build the CLI first, hence the long bound. */
    private void awaitHealthy(final Process gateway, final URI uri) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && gateway.isAlive())
        {
            try
            {
                if (get(uri.resolve("/health")).statusCode() == 200)
                {
                    return;
                }
            }
            catch (final IOException notYet)
            {
                // Not listening yet.
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IllegalStateException("the gateway did not answer GET /health with 200 (alive: " + gateway.isAlive() +
            "); see gateway.log in the raw directory");
    }

    /**
     * The gateway's {@code /metrics} once the journal has caught up with what the gateway published (wrk stops with
     * requests in flight, so the last frames may still be on their way), or after 30 s.
     */
    private String settledMetrics(final URI uri) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            final String metrics = get(uri.resolve("/metrics")).body();
            if (metric(metrics, JOURNALED) >= metric(metrics, PUBLISHED) || System.nanoTime() > deadline)
            {
                return metrics;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** The gateway's refusals between two scrapes by reason ({@code overload:12,...}), or {@code none}. */
    static String rejections(final String before, final String after)
    {
        final StringJoiner reasons = new StringJoiner(",");
        for (final String line : after.split("\n"))
        {
            if (line.startsWith(REJECTIONS + "{reason=\""))
            {
                final String series = line.substring(0, line.lastIndexOf(' '));
                final long delta = metric(after, series) - metric(before, series);
                if (delta > 0)
                {
                    final String reason = series.substring(REJECTIONS.length() + "{reason=\"".length(),
                        series.length() - "\"}".length());
                    reasons.add(reason + ":" + delta);
                }
            }
        }
        return reasons.length() == 0 ? "none" : reasons.toString();
    }

    /** {@code name}'s value in a Prometheus text, {@code name} with its labels if it has any; 0 when absent. */
    static long metric(final String metrics, final String name)
    {
        for (final String line : metrics.split("\n"))
        {
            if (line.startsWith(name + " "))
            {
                return (long)Double.parseDouble(line.substring(name.length() + 1).strip());
            }
        }
        if (name.indexOf('{') >= 0)
        {
            return 0;
        }
        throw new IllegalStateException("no " + name + " in the gateway's /metrics");
    }

    private HttpResponse<String> get(final URI uri) throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Runs a command to completion within {@code timeoutSeconds}, its output (both streams) into {@code out}.
     *
     * @param anyExit true for {@code wrk -v}, which prints its version and exits 1.
     */
    private static String exec(final List<String> command, final Path out, final long timeoutSeconds,
        final boolean anyExit)
        throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " did not finish within " + timeoutSeconds + " s: " + out);
        }
        final String output = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 && !anyExit)
        {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + output);
        }
        return output;
    }

    private static String firstLine(final String text)
    {
        final int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    /** {@code n} free ports, all different. */
    private static int[] distinctFreePorts(final int n) throws IOException
    {
        final int[] ports = new int[n];
        for (int i = 0; i < n; i++)
        {
            boolean again = true;
            while (again)
            {
                ports[i] = freePort();
                again = false;
                for (int j = 0; j < i; j++)
                {
                    again |= ports[j] == ports[i];
                }
            }
        }
        return ports;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    /** SIGTERM to each gateway (a graceful drain, JFR's dump), end of input to each bare server; bounded waits. */
    private static void stop(final List<Server> servers) throws InterruptedException
    {
        for (final Server server : servers)
        {
            if (server.gateway())
            {
                // bin/pitgun execs java, so this is the gateway's JVM itself.
                server.process().destroy();
                continue;
            }
            try
            {
                server.process().getOutputStream().close();
            }
            catch (final IOException ignored)
            {
                server.process().destroy();
            }
        }
        for (final Server server : servers)
        {
            if (!server.process().waitFor(60, TimeUnit.SECONDS))
            {
                System.err.println("GatewayWrkMain: " + server.key() + " did not stop within 60 s; killing it");
                server.process().destroyForcibly();
            }
        }
    }

    static Settings parse(final String[] args)
    {
        Path summary = null;
        Path rawDir = null;
        String profile = "quick";
        String points = null;
        Integer seconds = null;
        Integer warmup = null;
        Integer firstWarmup = null;
        Path pitgun = Path.of("bin", "pitgun");
        String wrk = null;
        // journaled: issue 15's setting (and the default); accepted shows what the wait for the journal costs.
        String ackMode = "journaled";
        Path jfr = null;
        boolean tls = false;
        boolean floor = true;
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            final String value = args[++i];
            switch (arg)
            {
                case "--summary" -> summary = Path.of(value);
                case "--raw-dir" -> rawDir = Path.of(value);
                case "--profile" -> profile = value;
                case "--points" -> points = value;
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--warmup-seconds" -> warmup = Integer.parseInt(value);
                case "--first-warmup-seconds" -> firstWarmup = Integer.parseInt(value);
                case "--pitgun" -> pitgun = Path.of(value);
                case "--wrk" -> wrk = value;
                case "--jfr" -> jfr = Path.of(value);
                case "--ack-mode" -> ackMode = value;
                case "--tls" -> tls = onOff(arg, value);
                case "--journaling-floor" -> floor = onOff(arg, value);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (summary == null || rawDir == null)
        {
            throw new IllegalArgumentException("usage: GatewayWrkMain --summary FILE --raw-dir DIR [--profile " +
                "quick|full] [--points 1x4,100x32,...] [--seconds N] [--warmup-seconds N] [--first-warmup-seconds N] " +
                "[--pitgun bin/pitgun] [--wrk PATH] [--jfr DIR] [--ack-mode journaled|accepted] [--tls on|off] " +
                "[--journaling-floor on|off]");
        }
        final boolean full = switch (profile)
        {
            case "quick" -> false;
            case "full" -> true;
            default -> throw new IllegalArgumentException("--profile quick|full, got " + profile);
        };
        return new Settings(summary, rawDir, profile, points == null ? defaultPoints() : points(points),
            seconds != null ? seconds : full ? 20 : 5, warmup != null ? warmup : full ? 5 : QUICK_POINT_WARMUP_SECONDS,
            firstWarmup != null ? firstWarmup : full ? 20 : 5, pitgun,
            wrk, jfr, ackMode, tls, floor && !tls);
    }

    private static boolean onOff(final String option, final String value)
    {
        return switch (value)
        {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(option + " on|off, got " + value);
        };
    }

    private static List<int[]> defaultPoints()
    {
        final List<int[]> points = new ArrayList<>();
        for (final int frames : FRAMES)
        {
            for (final int connections : CONNECTIONS)
            {
                points.add(new int[] {frames, connections});
            }
        }
        return points;
    }

    static List<int[]> points(final String spec)
    {
        final List<int[]> points = new ArrayList<>();
        for (final String p : spec.split(","))
        {
            final String[] fc = p.strip().split("x");
            if (fc.length != 2)
            {
                throw new IllegalArgumentException("--points: FRAMESxCONNECTIONS, got '" + p + "'");
            }
            points.add(new int[] {Integer.parseInt(fc[0]), Integer.parseInt(fc[1])});
        }
        return points;
    }
}
