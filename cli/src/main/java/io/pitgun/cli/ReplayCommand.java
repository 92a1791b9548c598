package io.pitgun.cli;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.journal.ProgressBar;
import io.pitgun.replay.ReplayInputException;
import io.pitgun.replay.ReplayOptions;
import io.pitgun.replay.ReplayProgress;
import io.pitgun.replay.ReplayRunner;
import io.pitgun.replay.ReplayStats;
import io.pitgun.replay.ReplayTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code pitgun replay}: streams a telemetry CSV into a running gateway. Exit 0 when every envelope was
 * acknowledged, 1 when some were refused or not acknowledged (the summary says which and why), the gateway refused
 * this client (401, 403: the replay stops there) or could not be reached.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
        "Stream a telemetry CSV (timestamp_us, optional lap_number and sector, one column per dictionary channel) " +
            "into a running gateway as pitgun-envelope-v1 envelopes.",
        "A gateway with a token file: put a token with capability ingest (ID.SECRET) in PITGUN_TOKEN." },
    exitCodeList = {"0:every envelope was acknowledged",
        "1:an envelope was refused or not acknowledged, the gateway refused this client (401/403: the replay stops " +
            "at the first), the gateway could not be reached, or the CSV cannot be read"})
final class ReplayCommand implements Callable<Integer>
{
    /**
     * How long a signal waits for the stopped replay's summary before exiting 1, beyond the answers it may still wait
     * for ({@link #stopWaitS}).
     */
    private static final long STOP_WAIT_S = 10;
    /** The environment variable holding the gateway token the replay presents (docs/security.md). */
    static final String TOKEN_ENV = "PITGUN_TOKEN";

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "CSV file to replay (.csv or .csv.gz).")
    Path input;

    @Option(names = "--target", defaultValue = "127.0.0.1:8080", paramLabel = "HOST:PORT",
        description = "Gateway address (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--rate", paramLabel = "HZ", description =
        "Frames per second, finite and more than 0 (default: real time, paced by the CSV's timestamps).")
    Double rate;

    @Option(names = "--loop", description = "Start again at the end of the file (timestamps keep increasing); Ctrl-C stops.")
    boolean loop;

    @Option(names = "--ws", description = "Send over the WebSocket (GET /ws, one text message per envelope) instead of POST /beacon.")
    boolean webSocket;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + ReplayOptions.DEFAULT_BATCH,
        description = "Frames per envelope, 1..1024 (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--allow-remote", description = "Allow a target that is not a loopback address.")
    boolean allowRemote;

    @Option(names = "--include-restricted",
        description = "Also send restricted channels (the gateway refuses them unless this client is allowed them).")
    boolean includeRestricted;

    @Option(names = "--session-markers", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Send session.start before and session.end after the frames (default: on).")
    boolean sessionMarkers;

    @Option(names = "--max-retries", paramLabel = "N", defaultValue = "" + ReplayOptions.DEFAULT_MAX_RETRIES,
        description = "Retries of one envelope after 429/503 before giving up on it (default: ${DEFAULT-VALUE}).")
    int maxRetries;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "" + ReplayOptions.DEFAULT_TIMEOUT_S,
        description = "How long one try of an envelope waits, 1 or more: for the connection (with --ws, for the " +
            "socket to open), then for the envelope to go and the gateway's answer to come. A connection or answer " +
            "not come in time before the gateway's first answer ends the replay (exit 1); later it is retried like " +
            "a broken connection (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--session-id", paramLabel = "UUID", description = "Session id (default: a fresh one).")
    UUID sessionId;

    @Option(names = "--player-id", paramLabel = "UUID", description = "Producer id, the envelopes' player_id (default: a fresh one).")
    UUID playerId;

    @Option(names = "--dictionary", paramLabel = "FILE", description = "Dictionary to map columns to (default: the shipped sim.v1).")
    Path dictionary;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final PrintStream err = System.err;
        if (rate != null && !(rate > 0 && Double.isFinite(rate)))
        {
            // Infinity too: the pacer has no time for a frame at it (before: exit 1, as if the replay had failed).
            throw CliErrorHandler.usageError(spec, "pitgun replay: --rate must be more than 0 frames per second, " +
                "got " + rate + " (a finite number; leave it out to replay in real time)");
        }
        if (timeoutSeconds < 1)
        {
            throw CliErrorHandler.usageError(spec, "pitgun replay: --timeout must be at least 1 second, got " +
                timeoutSeconds);
        }
        final ParameterRegistry registry = dictionary == null ? ParameterRegistry.simV1() : ParameterRegistry.load(dictionary);
        final ReplayOptions options = options(registry);
        // From the environment, not a flag: a secret on the command line shows in ps and in the shell's history.
        final ReplayRunner runner = new ReplayRunner(options, err, System.console() != null ?
            progressBar(err) : ReplayProgress.NONE).withToken(System.getenv(TOKEN_ENV))
            .withTimeout(Duration.ofSeconds(timeoutSeconds));

        // Ctrl-C or SIGTERM ends the replay cleanly: the envelope in flight is answered, the session closed, the
        // summary printed, and the exit status is the summary's (a --loop ends no other way), not the JVM's 130/143.
        return SignalExit.runStoppable("pitgun-replay-stop", runner::stop, stopWaitS(), () ->
        {
            final ReplayStats stats;
            try
            {
                stats = runner.run();
            }
            catch (final ReplayInputException ex)
            {
                spec.commandLine().getErr().println("pitgun replay: " + ex.getMessage());
                return CliErrorHandler.FAILED;
            }
            // The command line's writers (System.out/err when run from the shell), as the other commands print.
            final PrintWriter out = spec.commandLine().getOut();
            out.print(stats.summary(webSocket ? options.target().webSocketUri().toString() :
                options.target().beaconUri().toString()));
            out.flush();
            return stats.envelopesRejected() == 0 && stats.stoppedBecause() == null ? 0 : CliErrorHandler.FAILED;
        });
    }

    /**
     * How long a signal waits for the stopped replay's summary: the try in flight may wait its whole {@code --timeout}
     * for a gateway that hangs, and, answered at the last moment, the session's {@code session.end} one more (a stop
     * retries neither), then {@link #STOP_WAIT_S} for the rest. Before, 10 s whatever {@code --timeout}: with the
     * default 30 s, a signal while a hung gateway held the try exited 1 without the summary.
     */
    private long stopWaitS()
    {
        return 2L * timeoutSeconds + STOP_WAIT_S;
    }

    /**
     * The replay's options, checked: a target, batch, retry count or remote target that the options' own checks
     * refuse is a command line wrong in itself, so a usage error (exit 2, with the usage), not a failed replay.
     */
    private ReplayOptions options(final ParameterRegistry registry)
    {
        try
        {
            final ReplayOptions options = new ReplayOptions(ReplayTarget.parse(target), input, rate == null ? 0 : rate,
                loop, webSocket, batch, allowRemote, includeRestricted, sessionMarkers, maxRetries, sessionId, playerId,
                registry);
            options.validate();
            return options;
        }
        catch (final ReplayInputException ex)
        {
            throw CliErrorHandler.usageError(spec, "pitgun replay: " + ex.getMessage());
        }
    }

    /**
     * A replay's progress on the tools' one {@link ProgressBar} (module journal): the current pass over the file,
     * then frames sent, acknowledged and rejected and the send rate. Shared with {@code pitgun demo}.
     */
    static ReplayProgress progressBar(final PrintStream terminal)
    {
        final ProgressBar bar = new ProgressBar(new PrintWriter(terminal), "replay");
        final long startNs = System.nanoTime();
        return new ReplayProgress()
        {
            @Override
            public void onProgress(final long framesSent, final long totalFrames, final ReplayStats stats)
            {
                final long pass = totalFrames <= 0 ? framesSent :
                    framesSent % totalFrames == 0 && framesSent > 0 ? totalFrames : framesSent % totalFrames;
                bar.draw(pass, totalFrames, () ->
                {
                    final double seconds = (System.nanoTime() - startNs) / 1e9;
                    return String.format("%d frames, %d acked, %d rejected, %.0f frames/s", framesSent,
                        stats.framesAcked(), stats.envelopesRejected(), seconds > 0 ? framesSent / seconds : 0.0);
                });
            }

            @Override
            public void onDone()
            {
                bar.onDone();
            }
        };
    }
}
