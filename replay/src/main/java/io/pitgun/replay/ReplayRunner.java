package io.pitgun.replay;

import io.pitgun.codecs.envelope.DecoderLimits;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPInputStream;

/**
 * Streams a CSV into a gateway: rows become frames, {@code --batch} frames become one envelope, envelopes go out
 * when their last frame is due ({@link ReplayPacer}) and one at a time, each waiting for its answer. 429 and 503 are
 * back-pressure: the same envelope (same {@code event_id}) is sent again after {@code Retry-After}; a refusal of the
 * envelope is counted by reason and the replay goes on. Ends at the end of the file unless looping, or when
 * {@link #stop()} is called; the session is then closed with a {@code session.end} marker. Ends early, with its
 * summary, when the gateway refuses this client (401, 403: every later envelope would be refused too) or stops
 * answering and the retries run out.
 */
public final class ReplayRunner
{
    private static final long DEFAULT_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_RETRY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** The gateway's default envelope size limit (the decoder's); envelopes are ASCII, so chars are bytes. */
    private static final int MAX_ENVELOPE_BYTES = DecoderLimits.DEFAULTS.maxEnvelopeBytes();
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final ReplayOptions options;
    private final PrintStream messages;
    private final ReplayProgress progress;
    private final ReplayStats stats = new ReplayStats();
    private volatile boolean stopping;
    /** The gateway has answered a request of this run: from then on a failed connection is mid-run. */
    private boolean answered;
    /** The gateway token, {@code ID.SECRET}, or null: sent as {@code Authorization: Bearer} (docs/security.md). */
    private String token;
    /** How long one try of an envelope waits for its connection, then for its send and the answer together. */
    private Duration timeout = Duration.ofSeconds(ReplayOptions.DEFAULT_TIMEOUT_S);

    /**
     * @param options  what to replay where.
     * @param messages where notes (unmapped columns, give-ups) are printed.
     * @param progress told as frames go out.
     */
    public ReplayRunner(final ReplayOptions options, final PrintStream messages, final ReplayProgress progress)
    {
        this.options = options;
        this.messages = messages;
        this.progress = progress;
    }

    /** Asks a running replay to finish the envelope in flight, close the session and return. */
    public void stop()
    {
        stopping = true;
    }

    /**
     * Presents {@code token} ({@code ID.SECRET}, a token with {@code ingest}) to a gateway that has a token file;
     * null for none.
     *
     * @return this runner.
     */
    public ReplayRunner withToken(final String token)
    {
        this.token = token;
        return this;
    }

    /**
     * How long one try of an envelope waits (default {@value ReplayOptions#DEFAULT_TIMEOUT_S} s; more than 0): for
     * its connection (over the WebSocket, for the socket to open), then for the gateway's answer. A connection not
     * made in time is a failed connection, and so is an answer not come in time before the gateway's first answer:
     * the replay ends, as for a refused connection; mid-run either is a failed try, retried.
     *
     * @return this runner.
     */
    public ReplayRunner withTimeout(final Duration timeout)
    {
        this.timeout = timeout;
        return this;
    }

    /**
     * Runs the replay.
     *
     * @return the counts (also when some envelopes were refused).
     * @throws ReplayInputException for a bad option or CSV problem.
     * @throws IOException          when the gateway cannot be reached.
     */
    public ReplayStats run() throws IOException, InterruptedException
    {
        options.validate();
        final UUID sessionId = options.sessionId() != null ? options.sessionId() : UUID.randomUUID();
        final UUID playerId = options.playerId() != null ? options.playerId() : UUID.randomUUID();
        final EnvelopeBuilder builder = new EnvelopeBuilder(sessionId, playerId, -1);
        final ReplayPacer pacer = new ReplayPacer(options.framesPerSecond());
        final long totalFrames = progress == ReplayProgress.NONE ? -1 : countDataLines(options.input());

        CsvTelemetryReader reader = CsvTelemetryReader.open(options.input(), options.registry(),
            options.includeRestricted());
        reportMapping(reader.mapping());
        TelemetryRow row = reader.next();
        if (row == null)
        {
            reader.close();
            throw new ReplayInputException(options.input() + ": no data rows after the header");
        }
        final long firstTimestampUs = row.timestampUs();
        // The whole file is read, and so checked, before anything is sent: a row malformed further on is refused
        // before the rows ahead of it are journaled, under a session that would never end.
        if (countRowsWithSamples(Long.MAX_VALUE) == 0)
        {
            // Nothing to send: and with --loop, passes that send nothing would follow each other unpaced for ever.
            reader.close();
            throw new ReplayInputException(options.input() + ": no row has a sample (every channel cell is empty)");
        }

        try (EnvelopeTransport transport = options.webSocket() ?
            WebSocketTransport.connect(options.target(), token, timeout) :
            new HttpBeaconTransport(options.target(), token, timeout))
        {
            final long start = System.nanoTime();
            // Set when the gateway refuses this client, or stops answering mid-run and the retries run out: the run
            // ends with its summary.
            RunStopped lost = null;
            if (options.sessionMarkers())
            {
                final UUID eventId = UUID.randomUUID();
                try
                {
                    sendMarker(transport, eventId, builder.sessionStart(eventId, Instant.now(), firstTimestampUs,
                        "replay of " + options.input().getFileName()));
                }
                catch (final RunStopped ex)
                {
                    lost = ex;
                }
            }
            final List<TelemetryRow> batch = new ArrayList<>(options.batch());
            long sequence = 0;
            long timeShiftUs = 0;
            long lastSentUs = firstTimestampUs;
            long previousRowUs = firstTimestampUs;
            long lastIntervalUs = 10_000;
            long lastProgress = 0;
            long framesSentBeforePass = 0;
            while (!stopping && lost == null)
            {
                if (row != null)
                {
                    if (row.timestampUs() > previousRowUs)
                    {
                        lastIntervalUs = row.timestampUs() - previousRowUs;
                    }
                    previousRowUs = row.timestampUs();
                    if (row.channels().length == 0)
                    {
                        // Every channel cell empty: a frame needs at least one sample (the envelope schema), and one
                        // without would get its whole envelope refused, the good frames batched with it too.
                        stats.onRowWithoutSamples(row.lineNumber());
                    }
                    else
                    {
                        batch.add(row);
                    }
                }
                if (batch.size() == options.batch() || (row == null && !batch.isEmpty()))
                {
                    final TelemetryRow last = batch.get(batch.size() - 1);
                    final long lastFrame = sequence + batch.size() - 1;
                    if (timeShiftUs + last.timestampUs() > io.pitgun.codecs.envelope.EnvelopeDecoder.MAX_SAFE_INTEGER)
                    {
                        messages.println("pitgun replay: timestamps would pass 2^53 - 1 µs; stopping the loop");
                        break;
                    }
                    waitUntil(start + pacer.dueNanos(lastFrame, last.timestampUs() + timeShiftUs));
                    if (stopping)
                    {
                        break;
                    }
                    try
                    {
                        sendFrames(transport, builder, batch, sequence, timeShiftUs);
                    }
                    catch (final RunStopped ex)
                    {
                        lost = ex;
                        break;
                    }
                    lastSentUs = last.timestampUs() + timeShiftUs;
                    sequence += batch.size();
                    batch.clear();
                    final long now = System.nanoTime();
                    if (now - lastProgress >= PROGRESS_EVERY_NANOS)
                    {
                        progress.onProgress(stats.framesSent(), totalFrames, stats);
                        lastProgress = now;
                    }
                }
                if (row == null)
                {
                    reader.close();
                    if (!options.loop())
                    {
                        break;
                    }
                    // Another pass: time goes on from where the file ended, one sample interval later.
                    timeShiftUs += previousRowUs - firstTimestampUs + lastIntervalUs;
                    reader = CsvTelemetryReader.open(options.input(), options.registry(), options.includeRestricted());
                    previousRowUs = firstTimestampUs;
                    framesSentBeforePass = stats.framesSent();
                }
                row = reader.next();
            }
            reader.close();
            progress.onProgress(stats.framesSent(), totalFrames, stats);
            progress.onDone();
            if (options.sessionMarkers() && lost == null)
            {
                final UUID eventId = UUID.randomUUID();
                try
                {
                    sendMarker(transport, eventId, builder.sessionEnd(eventId, Instant.now(), lastSentUs));
                }
                catch (final RunStopped ex)
                {
                    lost = ex;
                }
            }
            if (lost != null)
            {
                // The envelope in flight was counted as refused; the rest of this pass over the file is not sent
                // (its rows with samples: a row without is skipped, sent or not).
                final long notSent = countRowsWithSamples(Long.MAX_VALUE) - (stats.framesSent() - framesSentBeforePass);
                stats.onStopped(notSent, lost.getMessage());
                messages.println("pitgun replay: stopped: " + lost.getMessage());
            }
            stats.elapsed(System.nanoTime() - start);
        }
        return stats;
    }

    private void reportMapping(final ColumnMapping mapping)
    {
        if (!mapping.unknownColumns().isEmpty())
        {
            messages.println("pitgun replay: " + mapping.unknownColumns().size() + " column(s) not in dictionary " +
                options.registry().name() + ", not sent: " + String.join("; ", mapping.unknownColumns()));
        }
        if (!mapping.restrictedSkipped().isEmpty())
        {
            messages.println("pitgun replay: restricted channel(s) not sent (add --include-restricted if the gateway " +
                "allows this client): " + String.join(", ", mapping.restrictedSkipped()));
        }
        if (mapping.channelCount() == 0)
        {
            throw new ReplayInputException(options.input() + ": no column maps to a channel of dictionary " +
                options.registry().name());
        }
    }

    // Wide rows make big envelopes: a batch over the gateway's envelope size limit goes out as two halves.
    private void sendFrames(final EnvelopeTransport transport, final EnvelopeBuilder builder,
        final List<TelemetryRow> frames, final long firstSequence, final long timeShiftUs)
        throws IOException, InterruptedException
    {
        final UUID eventId = UUID.randomUUID();
        final String json = builder.sampleBatch(eventId, Instant.now(), frames, firstSequence, timeShiftUs);
        if (frames.size() > 1 && json.length() > MAX_ENVELOPE_BYTES)
        {
            final int half = frames.size() / 2;
            sendFrames(transport, builder, frames.subList(0, half), firstSequence, timeShiftUs);
            sendFrames(transport, builder, frames.subList(half, frames.size()), firstSequence + half, timeShiftUs);
            return;
        }
        sendBatch(transport, eventId, json, frames.size());
    }

    private void sendBatch(final EnvelopeTransport transport, final UUID eventId, final String json, final int frames)
        throws IOException, InterruptedException
    {
        stats.onSent(frames);
        final SendOutcome outcome;
        try
        {
            outcome = sendWithRetries(transport, eventId, json);
        }
        catch (final GatewayLostException ex)
        {
            stats.onRejected(frames, ex.reason());
            throw ex;
        }
        if (outcome.accepted())
        {
            stats.onAcked(frames, outcome);
        }
        else
        {
            stats.onRejected(frames, outcome.status() + " " + outcome.reason());
            if (outcome.retryable())
            {
                messages.println("pitgun replay: gave up on envelope " + eventId + " after " + options.maxRetries() +
                    " retries (" + outcome.status() + " " + outcome.reason() + ")");
            }
            stopIfClientRefused(outcome);
        }
    }

    private void sendMarker(final EnvelopeTransport transport, final UUID eventId, final String json)
        throws IOException, InterruptedException
    {
        final SendOutcome outcome;
        try
        {
            outcome = sendWithRetries(transport, eventId, json);
        }
        catch (final GatewayLostException ex)
        {
            stats.onRejected(0, ex.reason() + " (session marker)");
            throw ex;
        }
        if (outcome.accepted())
        {
            stats.onMarkerAcked();
        }
        else
        {
            stats.onRejected(0, outcome.status() + " " + outcome.reason() + " (session marker)");
            stopIfClientRefused(outcome);
        }
    }

    /** A refusal of this client (401, 403) ends the run: every later envelope would be refused the same way. */
    private void stopIfClientRefused(final SendOutcome outcome) throws RunStopped
    {
        if (outcome.refusesClient())
        {
            throw new RunStopped("refused: " + outcome.status() + " " + outcome.reason() + " — " +
                (outcome.status() == 403 ? "check the token's capabilities (a replay needs ingest)" :
                token == null ? "the gateway wants a token (none was given)" : "check the token") +
                "; every later envelope would be refused the same way", null);
        }
    }

    // Same text, same event_id: the gateway acknowledges a retry of something it already took without taking it twice.
    private SendOutcome sendWithRetries(final EnvelopeTransport transport, final UUID eventId, final String json)
        throws IOException, InterruptedException
    {
        int attempt = 0;
        while (true)
        {
            final SendOutcome outcome;
            try
            {
                outcome = transport.send(eventId.toString(), json);
                answered = true;
            }
            catch (final IOException ex)
            {
                // At start nothing there has answered (not running, hung, another program on the port): the run
                // ends, rather than hold for --max-retries tries of --timeout (11 min with the defaults).
                if (ex instanceof ConnectException && !answered)
                {
                    throw ex;
                }
                if (ex instanceof ConnectFailure.NoAnswer noAnswer && !answered)
                {
                    throw ConnectFailure.atStart(noAnswer);
                }
                // Mid-run a broken or refused connection is retried like a 503 (a closed WebSocket is opened again).
                if (attempt >= options.maxRetries() || stopping)
                {
                    throw new GatewayLostException(ex, attempt);
                }
                attempt++;
                stats.onRetry();
                waitUntil(System.nanoTime() + DEFAULT_RETRY_NANOS);
                continue;
            }
            if (!outcome.retryable() || attempt >= options.maxRetries() || stopping)
            {
                return outcome;
            }
            attempt++;
            stats.onRetry();
            final long wait = outcome.retryAfterNanos() >= 0 ? outcome.retryAfterNanos() : DEFAULT_RETRY_NANOS;
            waitUntil(System.nanoTime() + Math.min(wait, MAX_RETRY_WAIT_NANOS));
        }
    }

    private void waitUntil(final long deadlineNanos) throws InterruptedException
    {
        long remaining;
        while (!stopping && (remaining = deadlineNanos - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(100)));
            if (Thread.interrupted())
            {
                throw new InterruptedException();
            }
        }
    }

    /** Rows of the input with at least one sample, counted up to {@code enough} (a read of the file; cold). */
    private long countRowsWithSamples(final long enough) throws IOException
    {
        long rows = 0;
        try (CsvTelemetryReader counting = CsvTelemetryReader.open(options.input(), options.registry(),
            options.includeRestricted()))
        {
            for (TelemetryRow row = counting.next(); row != null && rows < enough; row = counting.next())
            {
                rows += row.channels().length == 0 ? 0 : 1;
            }
        }
        return rows;
    }

    /** Data lines of a CSV (non-blank lines after the header), for the progress bar. */
    static long countDataLines(final Path file) throws IOException
    {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw)
        {
            final byte[] buffer = new byte[1 << 16];
            long lines = 0;
            boolean content = false;
            int read;
            while ((read = in.read(buffer)) > 0)
            {
                for (int i = 0; i < read; i++)
                {
                    final byte b = buffer[i];
                    if (b == '\n')
                    {
                        lines += content ? 1 : 0;
                        content = false;
                    }
                    else if (b != '\r' && b != ' ' && b != '\t')
                    {
                        content = true;
                    }
                }
            }
            lines += content ? 1 : 0;
            return Math.max(0, lines - 1);
        }
    }

    /** The run ends before the end of the file, with its summary: the message says why. */
    private static class RunStopped extends IOException
    {
        RunStopped(final String why, final Throwable cause)
        {
            super(why, cause);
        }
    }

    /** The gateway stopped answering mid-run and the retries ran out: the run ends with its summary. */
    private static final class GatewayLostException extends RunStopped
    {
        /** What the refused envelope is counted under in the summary when its last try found no connection. */
        static final String CONNECTION_FAILED = "no answer: connection failed";
        /** ... when its last try was connected and waited the answer timeout (a gateway that hangs). */
        static final String TIMED_OUT = "no answer: timed out";

        GatewayLostException(final IOException cause, final int retries)
        {
            // Not the transport's start-up hint ("is the gateway running?"): it was, until now.
            super("no answer from the gateway" + (retries > 0 ? " after " + retries + " retr" +
                (retries == 1 ? "y" : "ies") : "") + ": " + (cause instanceof ConnectFailure.TimedOut ?
                "connection timed out" : cause instanceof ConnectException ? "connection refused" :
                cause.getMessage()), cause);
        }

        /** What the refused envelope is counted under in the summary. */
        String reason()
        {
            return getCause() instanceof HttpTimeoutException ? TIMED_OUT : CONNECTION_FAILED;
        }
    }
}
