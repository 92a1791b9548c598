package io.pitgun.cli;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.engine.HdrFiles;
import io.pitgun.perf.loadgen.BareHttpServer;
import io.pitgun.perf.loadgen.LoadgenErrors;
import io.pitgun.perf.loadgen.LoadgenPayloads;
import io.pitgun.perf.loadgen.LoadgenRun;
import io.pitgun.perf.loadgen.LoadgenSweep;
import io.pitgun.perf.loadgen.SweepGateway;
import io.pitgun.replay.ReplayInputException;
import io.pitgun.replay.ReplayTarget;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code pitgun loadgen}: an open-loop load generator for the gateway. Envelopes are sent on a fixed schedule
 * whatever the answers do, and each latency is measured from the envelope's intended send time, so a server that
 * stalls is charged for every send it delayed (coordinated omission corrected). Bounded in time; loopback targets
 * only unless {@code --allow-remote}.
 */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    description = {
        "Send envelopes to a gateway at a fixed rate (open loop) and report the achieved rate, refusals by cause " +
            "and latency percentiles measured from the intended send time; writes loadgen.hgrm and loadgen.hlog."},
    exitCodeList = {"0:every envelope was accepted",
        "1:an envelope was refused or not answered, or the gateway could not be reached"})
final class LoadgenCommand implements Callable<Integer>
{
    static final long MAX_ENVELOPES = 50_000_000L;
    static final Duration MAX_DURATION = Duration.ofHours(1);
    static final double SWEEP_STEP_SECONDS = 5;

    @Option(names = "--target", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
        description = "Gateway address: host:port, http://host:port or its /beacon URL, as replay takes it " +
            "(default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "1000",
        description = "Envelopes per second, all connections together (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10",
        description = "How long to send, in seconds, at most 3600 (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "4",
        description = "HTTP clients or WebSocket connections the sends are spread over (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--frames-per-envelope", paramLabel = "N", defaultValue = "1",
        description = "Frames in each envelope, 1..1024 (default: ${DEFAULT-VALUE}).")
    int framesPerEnvelope;

    @Option(names = "--samples-per-frame", paramLabel = "N", defaultValue = "8",
        description = "Samples in each frame, sim.v1 channels (default: ${DEFAULT-VALUE}).")
    int samplesPerFrame;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "http",
        description = "http (POST /beacon JSON), ws (WebSocket text envelopes) or ws-binary (WebSocket SBE frames) " +
            "(default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--drain", paramLabel = "SECONDS", defaultValue = "10",
        description = "How long to wait for answers after the last send; also the request timeout (default: ${DEFAULT-VALUE}).")
    double drainSeconds;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Where loadgen.hgrm and loadgen.hlog go (default: ./loadgen-<UTC date-time>).")
    Path out;

    @Option(names = "--allow-remote", description = "Allow a target that is not a loopback address.")
    boolean allowRemote;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "A file holding the token (ID.SECRET, capability ingest) for a gateway with a token file; " +
            "without it, the environment variable PITGUN_TOKEN. Never an argument: arguments are visible in ps.")
    Path tokenFile;

    /** The token the sends present ({@link #resolveToken}), or null. */
    String token;

    @Option(names = "--sweep", description = {
        "End-to-end benchmark: start an embedded gateway (unless --target is given) and a bare Netty server that " +
            "answers the same POSTs without processing, raise the rate step by step on each until p99.9 or errors " +
            "break the limits, and print both sustainable rates. HTTP only; --duration is per step (default 5 s)."})
    boolean sweep;

    @Option(names = "--sweep-start-rate", paramLabel = "N", defaultValue = "500",
        description = "First rate of a sweep, envelopes/s (default: ${DEFAULT-VALUE}).")
    double sweepStartRate;

    @Option(names = "--sweep-factor", paramLabel = "X", defaultValue = "1.5",
        description = "Each sweep step multiplies the rate by this, > 1 (default: ${DEFAULT-VALUE}).")
    double sweepFactor;

    @Option(names = "--sweep-max-rate", paramLabel = "N", defaultValue = "200000",
        description = "Highest rate a sweep tries, envelopes/s (default: ${DEFAULT-VALUE}).")
    double sweepMaxRate;

    @Option(names = "--p999-limit-ms", paramLabel = "MS", defaultValue = "50",
        description = "A sweep step breaks when p99.9 latency is above this (default: ${DEFAULT-VALUE}).")
    double p999LimitMs;

    @Option(names = "--max-error-ratio", paramLabel = "R", defaultValue = "0.001",
        description = "A sweep step breaks when more than this share of envelopes fails (default: ${DEFAULT-VALUE}).")
    double maxErrorRatio;

    @Option(names = "--min-achieved-ratio", paramLabel = "R", defaultValue = "0.95",
        description = "A sweep step breaks when it sent fewer envelopes than this share of the offered rate " +
            "(default: ${DEFAULT-VALUE}).")
    double minAchievedRatio;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter stdout = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final String problem = validate();
        if (problem != null)
        {
            throw CliErrorHandler.usageError(spec, "pitgun loadgen: " + problem);
        }
        final String tokenProblem = resolveToken(System.getenv(ReplayCommand.TOKEN_ENV));
        if (tokenProblem != null)
        {
            err.println("pitgun loadgen: " + tokenProblem);
            return CliErrorHandler.FAILED;
        }
        if (sweep)
        {
            return sweep(stdout, err);
        }
        final LoadgenRun.Settings settings = settings(URI.create(target));
        final Path dir = Files.createDirectories(out != null ? out :
            Path.of("loadgen-" + LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern(
                "yyyyMMdd-HHmmss")))); // UTC, as every other time Pitgun names a file by
        stdout.printf("pitgun loadgen: %s %s, %.0f envelopes/s for %.1f s over %d connection(s), " +
                "%d frame(s) x %d sample(s) per envelope%n", settings.mode().name().replace('_', '-'),
            target, rate, durationSeconds, connections, framesPerEnvelope, samplesPerFrame);
        stdout.flush();
        final LoadgenRun.Result result;
        try
        {
            result = LoadgenRun.run(settings);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            err.println("pitgun loadgen: interrupted");
            return CliErrorHandler.FAILED;
        }
        catch (final Exception ex)
        {
            // Connecting is the only step that throws (connection refused, timeout): answers are counted, not thrown.
            err.println("pitgun loadgen: cannot reach " + target + ": " + LoadgenErrors.name(ex) +
                (ex.getMessage() == null ? "" : " (" + ex.getMessage() + ")"));
            return CliErrorHandler.FAILED;
        }
        print(stdout, result);
        final Path hgrm = dir.resolve("loadgen.hgrm");
        final Path hlog = dir.resolve("loadgen.hlog");
        HdrFiles.writePercentiles(hgrm, new HdrFiles.Series("loadgen", result.latencyNs()));
        // Untagged: HdrHistogram's HistogramLogProcessor reads it as it is, without -tag.
        HdrFiles.writeIntervals(hlog, null, result.intervals(), result.startMs());
        stdout.println("HDR files: " + hgrm + ", " + hlog);
        stdout.println("Report:    bin/pitgun report latency " + ShellWord.of(hgrm) + " --out " +
            ShellWord.of(dir.resolve("report.html")));
        stdout.flush();
        return result.errorCount() == 0 && result.accepted() > 0 ? 0 : CliErrorHandler.FAILED;
    }

    LoadgenRun.Settings settings(final URI base)
    {
        return new LoadgenRun.Settings(base, rate, Duration.ofNanos((long)(durationSeconds * 1e9)), connections,
            framesPerEnvelope, samplesPerFrame, LoadgenRun.Mode.valueOf(mode.replace('-', '_')),
            Duration.ofNanos((long)(drainSeconds * 1e9)), token);
    }

    /**
     * Sets {@link #token} from {@code --token-file} (its first line), else from {@code environment} (the value of
     * {@code PITGUN_TOKEN}, or null); returns the problem, or null.
     */
    String resolveToken(final String environment)
    {
        String value = environment;
        if (tokenFile != null)
        {
            try
            {
                final List<String> lines = Files.readAllLines(tokenFile);
                value = lines.isEmpty() ? "" : lines.get(0);
            }
            catch (final java.io.IOException ex)
            {
                return "--token-file " + tokenFile + ": cannot be read: " + ex.getMessage();
            }
        }
        if (value == null || value.isBlank() && tokenFile == null)
        {
            token = null;
            return null;
        }
        value = value.trim();
        if (value.indexOf('.') <= 0 || value.indexOf('.') == value.length() - 1)
        {
            // Never print the value: it may be a secret put in the wrong place.
            return (tokenFile != null ? "--token-file " + tokenFile : ReplayCommand.TOKEN_ENV) + " does not hold a " +
                "token (ID.SECRET, as pitgun token add prints it)";
        }
        token = value;
        return null;
    }

    /** The first problem with the options, or null. */
    String validate()
    {
        if (!(rate > 0) || Double.isInfinite(rate))
        {
            return "--rate must be a positive number of envelopes per second, got " + rate;
        }
        if (!(durationSeconds > 0) || durationSeconds > MAX_DURATION.toSeconds())
        {
            return "--duration must be in (0, " + MAX_DURATION.toSeconds() + "] seconds, got " + durationSeconds;
        }
        if (rate * durationSeconds > MAX_ENVELOPES)
        {
            return "--rate x --duration is " + (long)(rate * durationSeconds) + " envelopes, at most " + MAX_ENVELOPES;
        }
        if (!(drainSeconds > 0) || drainSeconds > 600)
        {
            return "--drain must be in (0, 600] seconds, got " + drainSeconds;
        }
        if (connections < 1 || connections > 1024)
        {
            return "--connections must be in [1, 1024], got " + connections;
        }
        if (framesPerEnvelope < 1 || framesPerEnvelope > 1024)
        {
            return "--frames-per-envelope must be in [1, 1024], got " + framesPerEnvelope;
        }
        final int maxSamples = LoadgenPayloads.maxSamplesPerFrame(ParameterRegistry.simV1());
        if (samplesPerFrame < 1 || samplesPerFrame > maxSamples)
        {
            return "--samples-per-frame must be in [1, " + maxSamples + "] (the sim.v1 channels a client may send), got " +
                samplesPerFrame;
        }
        if (!List.of("http", "ws", "ws-binary").contains(mode))
        {
            return "--mode must be http, ws or ws-binary, got '" + mode + "'";
        }
        if (sweep && !"http".equals(mode))
        {
            return "--sweep compares the gateway with a bare HTTP server: it needs --mode http, got '" + mode + "'";
        }
        if (sweep && (!(sweepStartRate > 0) || !(sweepFactor > 1) || !(sweepMaxRate >= sweepStartRate) ||
            !(p999LimitMs > 0) || !(maxErrorRatio >= 0) || !(minAchievedRatio >= 0 && minAchievedRatio <= 1)))
        {
            return "--sweep needs --sweep-start-rate > 0, --sweep-factor > 1, --sweep-max-rate >= the start rate, " +
                "--p999-limit-ms > 0, --max-error-ratio >= 0 and --min-achieved-ratio in [0, 1]";
        }
        if (sweep && sweepMaxRate * durationSeconds > MAX_ENVELOPES)
        {
            return "--sweep-max-rate x --duration is " + (long)(sweepMaxRate * durationSeconds) + " envelopes, at most " +
                MAX_ENVELOPES;
        }
        return targetProblem(allowRemote);
    }

    /** {@code --sweep}: the gateway's sustainable rate next to a bare Netty server's, in one run. */
    private int sweep(final PrintWriter out, final PrintWriter err) throws Exception
    {
        final LoadgenSweep.Limits limits = new LoadgenSweep.Limits(sweepStartRate, sweepFactor, sweepMaxRate,
            p999LimitMs, maxErrorRatio, minAchievedRatio);
        final boolean ownGateway = !spec.commandLine().getParseResult().hasMatchedOption("--target");
        if (!spec.commandLine().getParseResult().hasMatchedOption("--duration"))
        {
            durationSeconds = SWEEP_STEP_SECONDS;
        }
        out.printf("pitgun loadgen --sweep: %.1f s per step from %.0f envelopes/s x %.2f up to %.0f; a step breaks on " +
                "p99.9 > %.1f ms, more than %.2f %% errors or under %.0f %% of the offered rate; %d connection(s), " +
                "%d frame(s) x %d sample(s) per envelope%n", durationSeconds, sweepStartRate, sweepFactor,
            sweepMaxRate, p999LimitMs, maxErrorRatio * 100, minAchievedRatio * 100, connections, framesPerEnvelope,
            samplesPerFrame);
        out.flush();
        final LoadgenSweep.Outcome gateway;
        if (ownGateway)
        {
            try (SweepGateway embedded = SweepGateway.start())
            {
                gateway = LoadgenSweep.run("gateway (embedded, ack after journal)", embedded.uri(),
                    settings(embedded.uri()), limits, out);
            }
        }
        else
        {
            gateway = LoadgenSweep.run("gateway", URI.create(target), settings(URI.create(target)), limits, out);
        }
        final LoadgenSweep.Outcome bare;
        try (BareHttpServer server = BareHttpServer.start(1, 16 << 20))
        {
            final URI uri = URI.create("http://127.0.0.1:" + server.address().getPort());
            bare = LoadgenSweep.run("bare Netty (reads the body, answers 202, 1 event loop)", uri, settings(uri),
                limits, out);
        }
        out.println();
        out.println(String.format("Sustainable rate: gateway %.0f envelopes/s, bare Netty %.0f envelopes/s%s",
            gateway.sustainableRate(), bare.sustainableRate(), bare.sustainableRate() > 0 ?
                String.format(" (gateway at %.0f %% of the ceiling)", 100 * gateway.sustainableRate() / bare.sustainableRate())
                : ""));
        out.println("  " + (gateway.brokenBecause() == null ? "gateway held up to --sweep-max-rate" :
            "gateway broke at " + Math.round(gateway.brokenRate()) + "/s: " + gateway.brokenBecause()));
        out.println("  " + (bare.brokenBecause() == null ? "bare Netty held up to --sweep-max-rate" :
            "bare Netty broke at " + Math.round(bare.brokenRate()) + "/s: " + bare.brokenBecause()));
        out.flush();
        if (gateway.sustainableRate() == 0)
        {
            err.println("pitgun loadgen: the gateway did not hold even the start rate " + sweepStartRate + "/s");
            return CliErrorHandler.FAILED;
        }
        if (bare.sustainableRate() == 0)
        {
            // Without the ceiling the gateway's figure has nothing to be read against.
            err.println("pitgun loadgen: the bare Netty server did not hold even the start rate " + sweepStartRate +
                "/s");
            return CliErrorHandler.FAILED;
        }
        return 0;
    }

    /**
     * Why {@code target} cannot be used, or null: the forms {@code replay} takes ({@code host:port},
     * {@code http://host:port}, the gateway's {@code /beacon} URL), loopback unless allowed. Rewrites {@link #target}
     * to the gateway's base URL.
     */
    private String targetProblem(final boolean allowRemote)
    {
        final URI uri;
        try
        {
            uri = ReplayTarget.parse(target).baseUri();
        }
        catch (final ReplayInputException ex)
        {
            return ex.getMessage();
        }
        target = uri.toString();
        if (allowRemote)
        {
            return null;
        }
        try
        {
            for (final InetAddress address : InetAddress.getAllByName(uri.getHost()))
            {
                if (!address.isLoopbackAddress())
                {
                    return "--target " + uri.getHost() + " is not a loopback address (" + address.getHostAddress() +
                        "); pass --allow-remote to load a remote gateway";
                }
            }
        }
        catch (final UnknownHostException ex)
        {
            return "--target host " + uri.getHost() + " is unknown";
        }
        return null;
    }

    static void print(final PrintWriter out, final LoadgenRun.Result result)
    {
        out.printf("sent %d, accepted %d, refused or failed %d; achieved %.0f accepted envelopes/s%n",
            result.sent(), result.accepted(), result.errorCount(), result.achievedRate());
        for (final Map.Entry<String, Long> e : result.errors().entrySet())
        {
            out.printf("  %-28s %d%n", e.getKey(), e.getValue());
        }
        out.println("Latency from intended send (µs)  count      p50      p90      p99    p99.9      max");
        out.println(DemoCommand.LatencyLine.format("accepted envelopes         ", result.latencyNs(), 1));
    }
}
