package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.engine.AckMode;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;

/**
 * The one ingest path of both transports ({@code POST /beacon} and WebSocket {@code /ws} messages), one per event
 * loop, never shared. The transport only frames the request and writes the answer:
 * <pre>
 *   admitClient          draining? 503 · over the client's token bucket? 429                 (counted here)
 *   splitEnvelopes       the body into the loop's array (MessageBytes), find its envelopes   (transport answers)
 *   ingestEnvelopes  ─┐  decode every envelope ▸ tuning limits ▸ journal space ▸ ingestion queue ▸ queueing
 *   ingestBinary     ─┘  delay ▸ idempotency claim ▸ publish        ({@link EnvelopeIngestor}: one IngestReport)
 *   answer               journaled mode: wait for the journal ({@link JournalAckWaiter}, never blocking) ▸
 *                        its journal index ({@link JournalIndexResolver}: never reads the journal on the loop) ▸
 *                        {@link AnswerHandler#onAnswer} writes the answer ▸ give back the queue places
 * </pre>
 * Allocation-free per frame; per request the report and the callback that writes the answer (an accepted HTTP
 * answer is written into a pooled buffer, not built as text; refusals and WebSocket answers are built as text).
 */
final class IngestPath
{
    /** How a transport writes an ingest answer; called on the event loop once the ack condition holds. */
    @FunctionalInterface
    interface AnswerHandler
    {
        /**
         * @param report       the outcome (a refusal when the journal did not confirm in time).
         * @param journalIndex the journal position of the request's last frame (journaled mode, accepted), or -1.
         */
        void onAnswer(IngestReport report, long journalIndex);
    }

    private static final Logger LOG = LoggerFactory.getLogger(IngestPath.class);

    private final GatewayServer server;
    private final boolean journaledAcks;
    private final EnvelopeIngestor ingestor;
    private final BeaconBodySplitter splitter;
    private final SbeMessageSplitter sbeSplitter;
    private final JournalAckWaiter ackWaiter;
    private final JournalIndexResolver journalIndexes;
    /** The pipeline's journal position of a ring position, exact while its slot is not reused (else -1). */
    private final LongUnaryOperator journalIndexOf;
    private final MessageBytes bytes = new MessageBytes();
    private int retryAfterS;

    IngestPath(final GatewayServer server, final EventLoop loop)
    {
        this.server = server;
        final GatewayConfig config = server.config();
        this.journaledAcks = config.ackMode() == AckMode.JOURNALED;
        final DecoderLimits limits = new DecoderLimits(config.maxEnvelopeBytes(), DecoderLimits.DEFAULTS.maxDepth(),
            DecoderLimits.SCHEMA_MAX_FRAMES, DecoderLimits.SCHEMA_MAX_SAMPLES, DecoderLimits.DEFAULTS.maxStringBytes());
        ackWaiter = new JournalAckWaiter(loop, server.pipeline(), config.ackTimeoutMs() * 1_000_000L,
            server.counters(), config.journalsOnLoop());
        journalIndexOf = server.pipeline()::journalIndexOf;
        journalIndexes = new JournalIndexResolver(loop, journalIndexOf, server.journalTailReader(),
            server.counters());
        final QueueDelayAdmission delayAdmission = new QueueDelayAdmission(ackWaiter,
            config.queueDelayTargetMs() * 1_000_000L, config.queueDelayIntervalMs() * 1_000_000L);
        ingestor = new EnvelopeIngestor(server.pipeline(), server.registry(), limits, server.idempotencyWindow(),
            server.counters(), GatewayServer.MAX_ENVELOPES_PER_REQUEST, config.ingestQueue(), delayAdmission,
            server.tuningLimits(), server.frameLimits(), server.sessionSources());
        splitter = new BeaconBodySplitter(GatewayServer.MAX_ENVELOPES_PER_REQUEST);
        // The one place the gateway validates binary frames.
        sbeSplitter = new SbeMessageSplitter(server.registry(), GatewayServer.MAX_ENVELOPES_PER_REQUEST,
            server.pipeline().config().maxFrameBytes());
    }

    /**
     * Whether a client may send now: null when admitted, else the reason, counted ({@link RejectReason#DRAINING}
     * while the gateway shuts down, {@link RejectReason#RATE_LIMITED} over the client's token bucket, when
     * {@link #retryAfterS()} says when to retry). {@code rateLimit} is the client's token's own rate, already
     * resolved with the token (0: the gateway's {@code RATE_LIMIT}).
     */
    RejectReason admitClient(final String peerAddress, final int rateLimit, final long nowNs)
    {
        if (server.isDraining())
        {
            server.counters().rejected(RejectReason.DRAINING);
            retryAfterS = 5;
            return RejectReason.DRAINING;
        }
        final long waitNs = server.rateLimiter().tryAcquire(peerAddress, rateLimit, nowNs);
        if (waitNs != ClientRateLimiter.GRANTED)
        {
            server.counters().rejected(RejectReason.RATE_LIMITED);
            retryAfterS = (int)Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNs + 999_999_999L));
            return RejectReason.RATE_LIMITED;
        }
        return null;
    }

    /** Seconds for {@code Retry-After} of the last refusal {@link #admitClient} gave. */
    int retryAfterS()
    {
        return retryAfterS;
    }

    /**
     * Finds the envelopes of {@code content} (JSON: one envelope, an array, or NDJSON), read where
     * {@link MessageBytes} puts them; false when it cannot be split ({@link #splitter()} says why, {@link #body()}
     * holds the bytes).
     *
     * @param oneEnvelopeLikely the body most likely holds one envelope (a WebSocket text message, a body sent as
     *                          {@code application/json}): it is then decoded whole first, which, when it is one
     *                          envelope, spares the split's pass over it ({@link EnvelopeIngestor#decodeWholeBody});
     *                          the {@link #ingestEnvelopes} that follows takes that decode only if it passes the same
     *                          {@code allowRestricted}, and decodes again otherwise.
     * @param allowRestricted   whether the client may send restricted channels (for that decode).
     */
    boolean splitEnvelopes(final ByteBuf content, final boolean oneEnvelopeLikely, final boolean allowRestricted)
    {
        bytes.wrapJson(content);
        return findEnvelopes(ingestor, splitter, bytes.array(), bytes.offset(), bytes.length(), oneEnvelopeLikely,
            allowRestricted);
    }

    /**
     * {@link #splitEnvelopes} over {@code body[offset, offset + length)} with {@code ingestor} and {@code splitter}
     * (the benchmark of this path runs it without a gateway).
     */
    static boolean findEnvelopes(final EnvelopeIngestor ingestor, final BeaconBodySplitter splitter,
        final byte[] body, final int offset, final int length, final boolean oneEnvelopeLikely,
        final boolean allowRestricted)
    {
        ingestor.forgetDecodedBody(); // an earlier body's decode, never ingested, must not pass for this one's
        if (oneEnvelopeLikely && ingestor.decodeWholeBody(body, offset, length, allowRestricted))
        {
            splitter.single(ingestor.decodedStart(), ingestor.decodedLength());
            return true;
        }
        return splitter.split(body, offset, length);
    }

    /** The envelopes {@link #splitEnvelopes} found. */
    BeaconBodySplitter splitter()
    {
        return splitter;
    }

    /** The array of the body {@link #splitEnvelopes} split ({@link #bodyLength()} bytes at {@link #bodyOffset()}). */
    byte[] body()
    {
        return bytes.array();
    }

    int bodyOffset()
    {
        return bytes.offset();
    }

    int bodyLength()
    {
        return bytes.length();
    }

    /**
     * Decodes and publishes the envelopes {@link #splitEnvelopes} found, each within {@code scope} (the client's
     * token's allow-lists, or null), then {@link #answer} the report. {@code client} names the token in a refusal.
     */
    IngestReport ingestEnvelopes(final boolean allowRestricted, final TokenScope scope, final String client)
    {
        return ingestor.ingest(bytes.array(), splitter, allowRestricted, scope, client);
    }

    /**
     * Splits, validates (once: {@link SbeMessageSplitter}) and publishes the SBE messages of one binary message, read
     * in place; a message that does not validate is refused (counted) with the splitter's reason and error, one with a
     * frame outside {@code scope} (the token's allow-lists, or null) with {@link RejectReason#SESSION_NOT_ALLOWED} or
     * {@link RejectReason#CHANNEL_NOT_ALLOWED}. Then {@link #answer} the report.
     */
    IngestReport ingestBinary(final ByteBuf content, final boolean allowRestricted, final TokenScope scope,
        final String client, final long messageNumber, final String peer)
    {
        final int length = content.readableBytes();
        final DirectBuffer binaryView = bytes.wrapBinary(content);
        try
        {
            if (!sbeSplitter.split(binaryView, 0, length, allowRestricted))
            {
                server.counters().rejected(sbeSplitter.reason());
                server.counters().envelopeRefusedWhole();
                return refusal(sbeSplitter.reason(), sbeSplitter.error(), 0);
            }
            if (scope != null)
            {
                final int outcome = scope.check(binaryView, sbeSplitter.absoluteOffsets(), 0, sbeSplitter.count());
                if (outcome != TokenScope.ALLOWED)
                {
                    final RejectReason reason = TokenScope.reason(outcome);
                    server.counters().rejected(reason);
                    server.counters().envelopeRefusedWhole();
                    return refusal(reason, scope.describe(client, outcome, binaryView,
                        sbeSplitter.absoluteOffsets()[TokenScope.refusedFrame(outcome)], server.registry()), 0);
                }
            }
            return ingestor.ingestSbe(binaryView, sbeSplitter);
        }
        catch (final RuntimeException ex)
        {
            // A bug in the splitter (ingestSbe answers its own failures and gives its queue place back): the
            // connection stays and the message is answered.
            LOG.error("binary message {} from {} failed", messageNumber, peer, ex);
            server.counters().rejected(RejectReason.INTERNAL_ERROR);
            server.counters().envelopeRefusedWhole();
            return refusal(RejectReason.INTERNAL_ERROR, "internal error; the gateway log has the details", 0);
        }
    }

    /** The report of one message refused before anything of it was ingested (the caller counts the refusal). */
    static IngestReport refusal(final RejectReason reason, final String message, final int retryAfterS)
    {
        final IngestReport report = new IngestReport();
        report.envelopes = 1;
        report.retryAfterS = retryAfterS;
        return report.refuse(reason.status(), reason, message);
    }

    /**
     * Answers {@code report} through {@code handler} once its ack condition holds (journaled mode: its last frame
     * journaled, or 503 after the ack timeout with {@code ackTimeoutMessage}), then gives back its queue places.
     */
    void answer(final IngestReport report, final String ackTimeoutMessage, final AnswerHandler handler)
    {
        if (report.status() == 202 && journaledAcks)
        {
            ackWaiter.await(report.lastPosition(), journaled ->
            {
                if (!journaled)
                {
                    JournalAckWaiter.refuseUnjournaled(report, server.pipeline(), server.counters(),
                        ackTimeoutMessage);
                }
                complete(report, handler);
            });
            return;
        }
        complete(report, handler);
    }

    private void complete(final IngestReport report, final AnswerHandler handler)
    {
        if (!journaledAcks || report.status() != 202)
        {
            finish(report, handler, -1);
            return;
        }
        // Journaled now, their ring slots almost always not yet reused: the window learns where each envelope's
        // last frame is, so a retry of it is answered with the same journal_index however much later it comes.
        for (int i = 0; i < report.ticketsToLearn; i++)
        {
            server.idempotencyWindow().learnJournalIndex(report.ticketToLearn(i), journalIndexOf);
        }
        final long known = report.knownJournalIndex();
        final long position = report.unindexedPosition();
        if (known >= 0 && position <= report.knownPosition())
        {
            // The request's last frame is one whose journal position the window knows (restored at start, or
            // learnt when its original was answered): ring order is journal order, so nothing after it needs a
            // lookup, and a frame before it whose slot was reused must not make the answer an upper bound.
            finish(report, handler, known);
            return;
        }
        // The journal position of the request's last frame: exact from its ring slot while the slot is not reused,
        // else the journal's last position, an upper bound, read off this loop.
        final long index = journalIndexes.indexNow(position);
        if (index != JournalTailReader.NOT_READ)
        {
            finish(report, handler, Math.max(index, known));
            return;
        }
        journalIndexes.await(position, journalIndex -> finish(report, handler, Math.max(journalIndex, known)));
    }

    private void finish(final IngestReport report, final AnswerHandler handler, final long journalIndex)
    {
        handler.onAnswer(report, journalIndex);
        ingestor.release(report.queuePlaces());
    }
}
