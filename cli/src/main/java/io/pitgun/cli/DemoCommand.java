package io.pitgun.cli;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.engine.HdrFiles;
import io.pitgun.engine.LatencyStage;
import io.pitgun.engine.insight.LapSummary;
import io.pitgun.engine.insight.LapSummaryCollector;
import io.pitgun.engine.insight.LapSummaryTable;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayConfigException;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.perf.latency.PercentileDistribution;
import io.pitgun.replay.CsvTelemetryReader;
import io.pitgun.replay.ReplayInputException;
import io.pitgun.replay.ReplayOptions;
import io.pitgun.replay.ReplayProgress;
import io.pitgun.replay.ReplayRunner;
import io.pitgun.replay.ReplayStats;
import io.pitgun.replay.ReplayTarget;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code pitgun demo}: the whole runtime in one command. Starts an embedded gateway on a free loopback port with a
 * temporary data directory, replays the shipped sample session through the reference manifest as fast as the
 * gateway acknowledges it, then prints the lap summaries the engine produced, the latency percentiles, where the
 * journal and the HDR files are, and the commands to look further. Nothing keeps running afterwards. With
 * {@code --live} it is {@link LiveDemo} instead: the F1 UDP simulator in real time into the gateway's UDP source and
 * the live page, until Ctrl-C.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Start an embedded gateway on a free loopback port, replay the sample session through the reference " +
            "manifest, and print the lap summaries and latency percentiles.",
        "Ctrl-C or SIGTERM stops the replay; the demo prints what it did and where its data directory is, and exits 1.",
        "With --live: the F1 game's UDP simulator drives laps into the gateway's UDP source in real time and the " +
            "gateway serves the live page; prints its URL, runs until Ctrl-C or SIGTERM."},
    exitCodeList = {
        "0:every frame was acknowledged and lap summaries came back; with --live, stopped by Ctrl-C or SIGTERM",
        "1:a frame was not acknowledged, no lap summary came back, the gateway could not start, or the replay was " +
            "stopped by Ctrl-C or SIGTERM"})
final class DemoCommand implements Callable<Integer>
{
    static final String MANIFEST_RESOURCE = "examples/pipeline-manifest/v1/valid/demo-reference.yaml";
    static final String SAMPLE = "datasets/sim-session-monza.csv";

    /** How long a signal waits for the stopped replay's report before the demo exits without it. */
    private static final long STOP_WAIT_S = 60;

    @Option(names = "--input", paramLabel = "FILE",
        description = "Session CSV to replay (default: " + SAMPLE + " of this checkout).")
    Path input;

    @Option(names = "--rows", paramLabel = "N", description = "Replay only the first N rows, N >= 1 (default: all).")
    Integer rows;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Where the journal and reports go: a new or empty directory (default: a new temporary " +
            "directory).")
    Path dataDir;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "100",
        description = "Frames per envelope, 1..1024 (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--live",
        description = "Instead of the replay: the F1 game's UDP simulator (pitgun f1-udp-sim) drives laps into the " +
            "gateway's UDP source in real time, without end, and the gateway serves the live page (docs/live.md); prints its URL and runs until Ctrl-C.")
    boolean live;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
        description = "With --live: the loopback port of the gateway (default: a free one).")
    int port;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The replay under way, for a signal to stop; null before it starts. */
    private volatile ReplayRunner running;
    /** A signal came: the replay is stopped (or stops as soon as it starts). */
    private volatile boolean interrupted;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (rows != null && rows < 1)
        {
            throw CliErrorHandler.usageError(spec, "pitgun demo: --rows must be at least 1, got " + rows +
                " (leave it out to replay every row)");
        }
        // A link is looked at, not followed: one to nothing is there, not a directory to make (before, it passed
        // and the making failed as if "made by another run meanwhile").
        if (dataDir != null && Files.exists(dataDir, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(dataDir))
        {
            // Never mix a run's journal with earlier ones, and never offer to delete what the demo did not create.
            err.println("pitgun demo: --data-dir " + dataDir + " already exists and is not an empty directory; " +
                "give a new or empty one (or leave --data-dir out for a temporary directory)");
            return CliErrorHandler.FAILED;
        }
        if (port < 0 || port > 65_535 || (port != 0 && !live))
        {
            throw CliErrorHandler.usageError(spec, "pitgun demo: --port takes a port 0..65535 and goes with --live, " +
                "got " + port);
        }
        try
        {
            ReplayOptions.checkBatch(batch);
        }
        catch (final ReplayInputException ex)
        {
            // Before, the replay found it only once the gateway ran: exit 1, and a temporary directory left behind.
            throw CliErrorHandler.usageError(spec, "pitgun demo: " + ex.getMessage());
        }
        final boolean created = dataDir == null || !Files.exists(dataDir, LinkOption.NOFOLLOW_LINKS);
        if (live)
        {
            final Path dir = dataDirectory(created);
            // The gateway's built-in manifest, as `pitgun gateway` runs it: derived frames and lap summaries both
            // reach subscribers (the reference manifest outputs insights only).
            final GatewayServer server;
            try
            {
                server = startGateway(liveGatewayConfig(dir, port), dir, created);
            }
            catch (final GatewayConfigException ex)
            {
                throw portNamed(ex);
            }
            return new LiveDemo(out, err).run(server, dir, created);
        }
        final Path sample = input != null ? input : findSample();
        if (sample == null || !Files.isRegularFile(sample))
        {
            err.println("pitgun demo: no session CSV at " + (sample == null ? SAMPLE : sample) +
                "; run it from the repository root or pass --input FILE");
            return CliErrorHandler.FAILED;
        }
        // Ctrl-C or SIGTERM stops the replay as `pitgun replay` stops it (the envelope in flight answered, the session
        // closed), and the demo then reports what it did, where its directory is and how to remove it, and exits 1:
        // not the JVM's silent 130/143 with a partial journal left in a directory it never named. Installed before the
        // directory is made and --rows cut: a signal then came before the handler, and the JVM exited 130 silently.
        return SignalExit.runStoppable("pitgun-demo-stop", () ->
        {
            interrupted = true;
            final ReplayRunner runner = running;
            if (runner != null)
            {
                runner.stop();
            }
        }, STOP_WAIT_S, () -> prepareReplayAndReport(out, err, sample, created));
    }

    /** The data directory, the manifest and the cut of {@code --rows}, then the replay and its report; the status. */
    private int prepareReplayAndReport(final PrintWriter out, final PrintWriter err, final Path sample,
        final boolean created) throws Exception
    {
        final Path dir = dataDirectory(created);
        out.println("pitgun demo: gateway with manifest demo-reference (power, tyre spread, brake balance, laps)");
        out.println("  data directory: " + dir);
        out.flush();
        final Path manifest = copyManifest(dir);
        final Path csv = rows != null ? dir.resolve("session-slice.csv") : sample.toAbsolutePath();
        final boolean cutShort = rows != null && slice(sample, csv, rows);
        if (interrupted)
        {
            // Nothing sent and no gateway started: the directory holds the manifest and a part of the cut.
            err.println("pitgun demo: interrupted before the replay started: nothing was sent");
            printRemoval(out, dir, created);
            out.flush();
            return CliErrorHandler.FAILED;
        }
        return replayAndReport(out, err, dir, manifest, sample, csv, cutShort, created);
    }

    /** The line that removes the data directory, for a directory the demo made (never one the user gave). */
    private static void printRemoval(final PrintWriter out, final Path dir, final boolean created)
    {
        if (created)
        {
            out.println("  rm -rf " + ShellWord.of(dir) + "    # when done");
        }
    }

    /** The replay through the demo's gateway, then its report; the exit status. */
    private int replayAndReport(final PrintWriter out, final PrintWriter err, final Path dir, final Path manifest,
        final Path sample, final Path csv, final boolean cutShort, final boolean created) throws Exception
    {
        final long startMs = System.currentTimeMillis();
        final GatewayServer server = startGateway(gatewayConfig(dir, manifest, 0), dir, created);
        final ReplayStats stats;
        final List<LapSummary> laps;
        boolean stopped = false;
        try
        {
            final LapSummaryCollector collector = new LapSummaryCollector(server.pipeline().subscribe("pitgun-demo"));
            collector.start();
            final ReplayTarget target = new ReplayTarget(server.address().getHostString(), server.address().getPort());
            out.println("  replaying " + csv + " to http://" + target + "/beacon as fast as it is acknowledged");
            out.flush();
            final ReplayOptions options = new ReplayOptions(target, csv, 1e9, false, false, batch, false, false,
                true, ReplayOptions.DEFAULT_MAX_RETRIES, null, null, ParameterRegistry.simV1());
            // On a terminal the tools' progress bar, otherwise one line per tenth of the session.
            final ReplayProgress progress = System.console() != null ?
                ReplayCommand.progressBar(System.err) :
                ReplayProgress.tenths(System.err);
            final ReplayRunner runner = new ReplayRunner(options, System.err, progress);
            running = runner;
            if (interrupted)
            {
                runner.stop(); // the signal came while the gateway started
            }
            try
            {
                stats = runner.run();
                stopped = interrupted;
            }
            catch (final ReplayInputException ex)
            {
                // The replay read the demo's cut of --input, line for line the user's (slice): name the user's file.
                throw csv.equals(sample.toAbsolutePath()) ? ex :
                    new ReplayInputException(ex.getMessage().replace(csv.toString(), sample.toString()));
            }
            server.shutdown();
            laps = collector.awaitLaps(30, TimeUnit.SECONDS);
        }
        finally
        {
            server.shutdown();
        }
        final long endMs = System.currentTimeMillis();

        final List<HdrFiles.Series> series = List.of(
            new HdrFiles.Series("send_to_ack", HdrFiles.microsToNanos(stats.latencyUs())),
            new HdrFiles.Series("publish_to_journaled", server.pipeline().latency().snapshot(LatencyStage.PUBLISH_TO_JOURNALED)),
            new HdrFiles.Series("publish_to_processed", server.pipeline().latency().snapshot(LatencyStage.PUBLISH_TO_PROCESSED)));
        final Path hdrDir = Files.createDirectories(dir.resolve("latency"));
        for (final HdrFiles.Series s : series)
        {
            HdrFiles.writePercentiles(hdrDir.resolve(s.tag() + ".hgrm"), s);
        }
        final Path log = hdrDir.resolve("demo.hlog");
        HdrFiles.writeIntervalLog(log, series, startMs, endMs);
        final List<Path> hgrms = new ArrayList<>();
        final List<PercentileDistribution> distributions = new ArrayList<>();
        for (final HdrFiles.Series s : series)
        {
            hgrms.add(hdrDir.resolve(s.tag() + ".hgrm"));
            distributions.add(PercentileDistribution.readHgrm(hgrms.get(hgrms.size() - 1)));
        }
        final Path report = hdrDir.resolve("report.html");
        ReportLatencyCommand.write(report, "pitgun demo latency", distributions);

        out.println();
        out.print(stats.summary("http://127.0.0.1:" + server.address().getPort() + "/beacon"));
        out.println();
        out.println("Lap summaries (insight-contract/v1 lap_summary from the engine; lap 0 is the out-lap)");
        out.print(LapSummaryTable.format(laps, cutShort || stopped));
        if (stopped)
        {
            out.println("(partial): the lap the interrupt stopped the session in");
        }
        else if (cutShort)
        {
            out.println("(partial): the lap --rows stopped the session in");
        }
        out.println();
        out.println("Latency (µs)              count      p50      p90      p99    p99.9      max");
        // send → ack from the replay's own µs histogram, the one its summary above reads: the ns copy the files get
        // (microsToNanos) has other bucket edges, and the same percentile read a µs or so apart in the two places.
        out.println(LatencyLine.format(label(series.get(0).tag()), stats.latencyUs(), 1_000));
        for (final HdrFiles.Series s : series.subList(1, series.size()))
        {
            out.println(LatencyLine.format(label(s.tag()), s.nanos(), 1));
        }
        out.println();
        final Path journal = dir.resolve("journal");
        out.println("Journal:  " + journal);
        out.println("HDR files: " + hdrDir + " (send_to_ack.hgrm, publish_to_journaled.hgrm, publish_to_processed.hgrm, demo.hlog)");
        out.println("Report:   " + report);
        out.println();
        out.println("Next:");
        out.println("  bin/pitgun journal replay " + ShellWord.of(journal) + " --manifest " + ShellWord.of(manifest) +
            " --out " + ShellWord.of(dir.resolve("replay.jsonl")));
        out.println("  bin/pitgun journal stats " + ShellWord.of(journal));
        out.println("  xdg-open " + ShellWord.of(report) + "    # or: bin/pitgun report latency " +
            ShellWord.of(hdrDir) + "/*.hgrm --out report.html");
        printRemoval(out, dir, created);
        out.flush();

        if (stopped)
        {
            err.println("pitgun demo: interrupted: the replay stopped after " + stats.framesSent() + " frames");
            return CliErrorHandler.FAILED;
        }
        final boolean ok = stats.envelopesRejected() == 0 && stats.framesAcked() > 0 && !laps.isEmpty();
        if (!ok)
        {
            err.println("pitgun demo: " + (laps.isEmpty() ? "no lap summary came back" : "some envelopes were refused"));
        }
        return ok ? 0 : CliErrorHandler.FAILED;
    }

    /**
     * {@code ex} with its listen problem named by the demo's own option: the demo sets the gateway's bind address from
     * {@code --port}, so the gateway's {@code PITGUN_GATEWAY_BIND (--bind)} names an option the user never gave.
     */
    private GatewayConfigException portNamed(final GatewayConfigException ex)
    {
        final String bind = GatewaySetting.BIND.label();
        final List<String> problems = new ArrayList<>();
        for (final String problem : ex.problems())
        {
            problems.add(problem.startsWith(bind) ? "--port " + port + problem.substring(bind.length()) : problem);
        }
        return new GatewayConfigException(problems);
    }

    private static String label(final String tag)
    {
        switch (tag)
        {
            case "send_to_ack":
                return "send → ack (replay)";
            case "publish_to_journaled":
                return "publish → journaled";
            default:
                return "publish → processed";
        }
    }

    /**
     * The run's data directory: a new temporary one, the empty {@code --data-dir} given, or that directory made now.
     * Made atomically: of two demos given the same new directory at once, one gets it and the other stops here, so
     * the removal of a directory the demo made ({@link #startGateway}) never takes another run's.
     */
    private Path dataDirectory(final boolean created) throws IOException
    {
        if (dataDir == null)
        {
            return Files.createTempDirectory("pitgun-demo-").toAbsolutePath();
        }
        final Path dir = dataDir.toAbsolutePath();
        if (!created)
        {
            return dir;
        }
        if (dir.getParent() != null)
        {
            Files.createDirectories(dir.getParent());
        }
        try
        {
            return Files.createDirectory(dir);
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new IOException("--data-dir " + dataDir + " was made by another run meanwhile; give a new or " +
                "empty one", ex);
        }
    }

    /**
     * Starts the demo's gateway. When it cannot start (with {@code --live --port}, a port in use) a directory the
     * demo made for it is removed again: nothing has been printed about it yet, so it was left behind unknown.
     */
    private static GatewayServer startGateway(final GatewayConfig config, final Path dir, final boolean created)
        throws Exception
    {
        try
        {
            return GatewayServer.start(config);
        }
        catch (final Exception | Error ex)
        {
            if (created)
            {
                try (Stream<Path> files = Files.walk(dir))
                {
                    for (final Path file : (Iterable<Path>)files.sorted(Comparator.reverseOrder())::iterator)
                    {
                        Files.deleteIfExists(file);
                    }
                }
                catch (final IOException cleanup)
                {
                    ex.addSuppressed(cleanup);
                }
            }
            throw ex;
        }
    }

    /** The demo gateway: loopback {@code port} (0: a free one), journaled acks, {@code manifest} (null: the built-in one). */
    static GatewayConfig gatewayConfig(final Path dir, final Path manifest, final int port) throws IOException
    {
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.DATA_DIR, dir.toString());
        if (manifest != null)
        {
            flags.put(GatewaySetting.MANIFEST, manifest.toString());
        }
        flags.put(GatewaySetting.ACK_MODE, "journaled");
        // One local client sends as fast as it is answered: the per-client rate limit would only slow the demo.
        flags.put(GatewaySetting.RATE_LIMIT, "0");
        flags.put(GatewaySetting.SUBSCRIBER_BUFFER_BYTES, String.valueOf(1 << 24));
        flags.put(GatewaySetting.BIND, "127.0.0.1:" + port);
        // The environment does not configure the demo: it is the same on every machine.
        return GatewayConfig.resolve(Map.of(), flags);
    }

    /**
     * The demo's gateway with the F1 game's UDP source on a free loopback port: its dictionary is f1-25.v1 and its
     * manifest the built-in f1-25-laps one (lap distance, lap summaries for the page's lap table).
     */
    static GatewayConfig liveGatewayConfig(final Path dir, final int port)
    {
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.DATA_DIR, dir.toString());
        flags.put(GatewaySetting.UDP_BIND, "127.0.0.1:0");
        flags.put(GatewaySetting.SUBSCRIBER_BUFFER_BYTES, String.valueOf(1 << 24));
        flags.put(GatewaySetting.BIND, "127.0.0.1:" + port);
        return GatewayConfig.resolve(Map.of(), flags);
    }

    private static Path copyManifest(final Path dir) throws IOException
    {
        final Path target = dir.resolve("demo-reference.yaml");
        try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(MANIFEST_RESOURCE))
        {
            if (in == null)
            {
                throw new IOException("the demo manifest " + MANIFEST_RESOURCE + " is missing from the jar");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** The sample in the working directory, else in the checkout the running jar was built in. */
    private static Path findSample()
    {
        final Path here = Path.of(SAMPLE);
        if (Files.isRegularFile(here))
        {
            return here;
        }
        try
        {
            final Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // cli/target/pitgun.jar (or cli/target/classes) → the checkout's root.
            final Path root = jar.getParent() == null || jar.getParent().getParent() == null ? null :
                jar.getParent().getParent().getParent();
            return root == null ? here : root.resolve(SAMPLE);
        }
        catch (final URISyntaxException | RuntimeException ex)
        {
            return here;
        }
    }

    private static boolean isEmptyDirectory(final Path dir) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir))
        {
            return entries.findAny().isEmpty();
        }
    }

    /**
     * Writes the header and the first {@code rows} data rows of {@code source} (read as the replay reads it: a
     * {@code .gz} file decompressed, blank lines not rows) to {@code target}; true if the last lap written was cut
     * short: {@code source} goes on with a row of the same {@code lap_number} (a row of the next lap after it means
     * the lap ended there). Blank lines among them are written too, so a line of {@code target} has the number of
     * the same line of {@code source}, and what the replay says of one names the user's line. Ends early once
     * {@link #interrupted}.
     */
    private boolean slice(final Path source, final Path target, final int rows) throws IOException
    {
        final String name = source.toString();
        try (BufferedReader reader = CsvTelemetryReader.openText(source);
             BufferedWriter writer = Files.newBufferedWriter(target, StandardCharsets.UTF_8))
        {
            final String header = nextRow(reader, writer);
            if (header == null)
            {
                return false; // the replay says what is wrong with it
            }
            writer.write(header);
            writer.newLine();
            final int lapColumn = CsvTelemetryReader.splitRow(name, 1, header).indexOf("lap_number");
            String last = null;
            String line = nextRow(reader, writer);
            // A signal ends the cut where it is: the demo then stops before its replay (a large --rows takes a while).
            for (int i = 0; line != null && i < rows && !interrupted; i++)
            {
                writer.write(line);
                writer.newLine();
                last = line;
                line = nextRow(reader, i + 1 < rows ? writer : null);
            }
            if (line == null || last == null)
            {
                return false;
            }
            return lapColumn < 0 || column(name, line, lapColumn).equals(column(name, last, lapColumn));
        }
    }

    /** The next line that is not blank, or null at the end; the blank lines before it go to {@code blanks}, if any. */
    private static String nextRow(final BufferedReader reader, final BufferedWriter blanks) throws IOException
    {
        String line = reader.readLine();
        while (line != null && line.isBlank())
        {
            if (blanks != null)
            {
                blanks.newLine();
            }
            line = reader.readLine();
        }
        return line;
    }

    /** Column {@code index} of a CSV row, unquoted as the replay reads it; empty if the row is shorter. */
    private static String column(final String source, final String row, final int index)
    {
        final List<String> values = CsvTelemetryReader.splitRow(source, 0, row);
        return index < values.size() ? values.get(index) : "";
    }

    /** One row of the latency table: a histogram shown in microseconds. */
    static final class LatencyLine
    {
        private LatencyLine()
        {
        }

        /** {@code histogram}'s row, its values {@code nanosPerUnit} ns each (1: ns, 1,000: µs). */
        static String format(final String label, final Histogram histogram, final long nanosPerUnit)
        {
            return String.format("%-22s %8d %8s %8s %8s %8s %8s", label, histogram.getTotalCount(),
                us(histogram.getValueAtPercentile(50) * nanosPerUnit),
                us(histogram.getValueAtPercentile(90) * nanosPerUnit),
                us(histogram.getValueAtPercentile(99) * nanosPerUnit),
                us(histogram.getValueAtPercentile(99.9) * nanosPerUnit), us(histogram.getMaxValue() * nanosPerUnit));
        }

        private static String us(final long nanos)
        {
            final double micros = nanos / 1000.0;
            return micros >= 100 ? String.format("%.0f", micros) : String.format("%.1f", micros);
        }
    }
}
