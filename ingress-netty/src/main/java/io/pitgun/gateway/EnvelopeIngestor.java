package io.pitgun.gateway;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecodeError;
import io.pitgun.codecs.envelope.DecodeErrorCode;
import io.pitgun.codecs.envelope.DecodedEnvelope;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.engine.FrameRejectedException;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.engine.tuning.ChannelLimitTable;
import io.pitgun.engine.tuning.FrameLimits;
import io.pitgun.engine.tuning.SessionSourceLimit;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Turns the envelopes of one request into frames in the pipeline's ring, on the event-loop thread. One per
 * event-loop thread (not thread-safe); the {@link IdempotencyWindow} and counters are shared.
 * <pre>
 *   body spans ──decode every envelope──▶ scratch (SBE, contiguous)     nothing published if any envelope fails:
 *              (EnvelopeDecoder, no                                    400 / 413 / 422 list each failure
 *               allocation per frame)
 *             ──tuning limits ({@link TuningLimitGate}: frame_limits, channel limits)──▶ 422 TUNING_LIMIT_EXCEEDED;
 *               flag limits mark in place
 *             ──{@link IngestAdmission}: journal can take it?──▶ 507 JOURNAL_FULL / 503 JOURNAL_FAILED,
 *               ingestion queue──▶ 503 QUEUE_FULL, queueing delay──▶ 503 OVERLOAD; nothing published
 *             ──per envelope: IdempotencyWindow.claim (one atomic step)──▶ duplicate: acknowledged again,
 *               not published; same id, other content: 409; being published by another loop: 503 in_progress;
 *               each of the oldest ids a new one could replace being published: 503 idempotency_window_full
 *             ──tryPublishValidatedBatch each envelope──▶ ring full: 503 saying which envelopes are in (each one whole or
 *               (all its frames or none)       not at all); the idempotency window remembers, so a retry
 *                                              publishes only the rest
 * </pre>
 * Validation is all-or-nothing per request so that a client fixes and resends one thing; overload is the only
 * partial outcome, and its answer names exactly what was accepted.
 */
public final class EnvelopeIngestor
{
    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeIngestor.class);
    private static final int MAX_DETAILS = 100;

    private final TelemetryPipeline pipeline;
    private static final String BINARY_QUEUE_FULL_MESSAGE = "the ingestion queue is full; nothing of this " +
        "message was ingested, retry after 1 s";

    private final IngestAdmission admission;
    private final String queueFullMessage;
    private final EnvelopeDecoder decoder;
    private final ParameterRegistry registry;
    private final DecoderLimits limits;
    private final IdempotencyWindow window;
    private final GatewayCounters counters;
    private final int ringCapacity;
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(1 << 16);
    private final int[] envelopeFirstMessage;
    private final int[] envelopeMessages;
    /** Samples of each envelope outside a flag limit (marked DEGRADED), counted once the envelope is accepted. */
    private final int[] envelopeFlagged;
    private final TuningLimitGate tuningGate;
    private final long[] eventMsb;
    private final long[] eventLsb;
    private final IdempotencyWindow.Claim claim = new IdempotencyWindow.Claim();
    /** The envelope being claimed ({@link #publishAll}): its first message and frames, for {@link #orderedDigest}. */
    private int claimedFirst;
    private int claimedFrames;
    /** Its digest as journals of older builds hold it ({@link EnvelopeDigest#orderedOf}); made once, not per claim. */
    private final LongSupplier orderedDigest = () ->
        EnvelopeDigest.orderedOf(scratch, this.messageOffsets, this.messageLengths, claimedFirst, claimedFrames);
    /** Frames of the envelope being published that are in (its progress, kept right if publishing throws). */
    private int published;
    /** Ring position of the last frame {@link #publishRest} published, or -1. */
    private long lastPublished;
    /** Why {@link #publishRest} stopped early: the pipeline's refusal (ring full, or journal refused), else 0. */
    private long refusal;
    private int[] messageOffsets = new int[1024];
    private int[] messageLengths = new int[1024];
    /** The span {@link #decodeWholeBody} decoded (start in the body array, or -1: none), with which
     *  {@code allowRestricted} and whether it decoded: the decoder still holds its result, or its error, for
     *  {@link #ingest} to take. */
    private int decodedStart = -1;
    private int decodedLength;
    private boolean decodedAllowRestricted;
    private boolean decodedOk;

    public EnvelopeIngestor(final TelemetryPipeline pipeline, final ParameterRegistry registry,
        final DecoderLimits limits, final IdempotencyWindow window, final GatewayCounters counters,
        final int maxEnvelopes, final int ingestQueueLimit, final QueueDelayAdmission delayAdmission)
    {
        this(pipeline, registry, limits, window, counters, maxEnvelopes, ingestQueueLimit, delayAdmission, null,
            FrameLimits.NONE, null);
    }

    /**
     * @param tuningLimits   the tuning policy's channel limits every frame must keep, or null for none.
     * @param frameLimits    the tuning policy's {@code frame_limits} every envelope must keep.
     * @param sessionSources the gateway's one {@code max_sources_per_session} state (shared by every loop), or null
     *                       when the policy sets none.
     */
    EnvelopeIngestor(final TelemetryPipeline pipeline, final ParameterRegistry registry,
        final DecoderLimits limits, final IdempotencyWindow window, final GatewayCounters counters,
        final int maxEnvelopes, final int ingestQueueLimit, final QueueDelayAdmission delayAdmission,
        final ChannelLimitTable tuningLimits, final FrameLimits frameLimits, final SessionSourceLimit sessionSources)
    {
        this.tuningGate = tuningLimits == null && !frameLimits.checksFrames() ? null :
            new TuningLimitGate(tuningLimits, frameLimits, sessionSources);
        this.envelopeFlagged = new int[maxEnvelopes];
        this.pipeline = pipeline;
        this.admission = new IngestAdmission(pipeline, counters, ingestQueueLimit, delayAdmission);
        this.queueFullMessage = "the ingestion queue is full (" + ingestQueueLimit + " envelopes awaiting " +
            "acknowledgement); nothing of this request was ingested, retry after 1 s";
        this.decoder = new EnvelopeDecoder(registry, limits);
        this.registry = registry;
        this.limits = limits;
        this.window = window;
        this.counters = counters;
        this.ringCapacity = pipeline.config().channelCapacity();
        envelopeFirstMessage = new int[maxEnvelopes];
        envelopeMessages = new int[maxEnvelopes];
        eventMsb = new long[maxEnvelopes];
        eventLsb = new long[maxEnvelopes];
    }

    /**
     * Validates and publishes the envelopes {@code spans} found in {@code body}. The caller then holds
     * {@link IngestReport#queuePlaces()} places of the ingestion queue until it has answered, and gives them back
     * with {@link #release}.
     */
    public IngestReport ingest(final byte[] body, final BeaconBodySplitter spans, final boolean allowRestricted)
    {
        return ingest(body, spans, allowRestricted, null, null);
    }

    /**
     * As {@link #ingest(byte[], BeaconBodySplitter, boolean)}, each envelope's frames held to {@code scope} (the
     * client's token's session and channel allow-lists; null: none): one outside it refuses the request, 403
     * {@code session_not_allowed} or {@code channel_not_allowed}, with {@code client} named.
     */
    IngestReport ingest(final byte[] body, final BeaconBodySplitter spans, final boolean allowRestricted,
        final TokenScope scope, final String client)
    {
        final IngestReport report = new IngestReport();
        final int count = spans.count();
        report.envelopes = count;
        // Counted as read, before anything decides their fate, so that envelopes_total's outcomes, counted where
        // each is decided, can be checked against it. A body with none counts as one, refused.
        counters.envelopesReceived.add(Math.max(1, count));
        try
        {
            decodeAndPublish(body, spans, allowRestricted, scope, client, count, report);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("ingesting a request of {} envelope(s) failed", count, ex);
            failedByBug(report, Math.max(1, count));
        }
        counters.envelopeOutcomes(report);
        return report;
    }

    /**
     * A bug threw out of the ingest path (the publish loop answers its own failures): the request is still answered
     * (500 {@code internal_error}), its envelopes not yet counted are counted refused, so that the outcomes add up
     * to what was received, and its queue places are given back unless frames of it are in (then its answer waits
     * for them, as after a partial publish). Before, the exception left the places taken for good and the
     * envelopes counted received only.
     */
    private void failedByBug(final IngestReport report, final int received)
    {
        counters.rejected(RejectReason.INTERNAL_ERROR);
        report.refuse(500, RejectReason.INTERNAL_ERROR, "internal error; the gateway log has the details");
        report.refused += Math.max(0, received - report.accepted - report.duplicates - report.partial -
            report.refused - report.notAccepted);
        releaseIfNothingIn(report);
    }

    /**
     * Gives back a refused request's ingest-queue places when nothing of it is in (no frame published, no duplicate
     * whose journaling its answer waits for): its answer waits for nothing.
     */
    private void releaseIfNothingIn(final IngestReport report)
    {
        if (report.framesAccepted == 0 && report.duplicates == 0)
        {
            release(report.queuePlaces);
            report.queuePlaces = 0;
        }
    }

    private void decodeAndPublish(final byte[] body, final BeaconBodySplitter spans, final boolean allowRestricted,
        final TokenScope scope, final String client, final int count, final IngestReport report)
    {
        if (count == 0)
        {
            counters.rejected(RejectReason.NO_ENVELOPE);
            report.refused = 1;
            report.refuse(422, RejectReason.NO_ENVELOPE, "the body holds no envelope");
            return;
        }
        decoder.allowRestricted(allowRestricted);
        if (!decodeAll(body, spans, report, scope, client, allowRestricted))
        {
            return;
        }
        if (!admission.admit(report, count, queueFullMessage))
        {
            report.notAccepted = count;
            return;
        }
        publishAll(count, report);
        if (report.status != 202)
        {
            releaseIfNothingIn(report);
        }
    }

    /**
     * Publishes the SBE messages of {@code buffer} that {@code messages} validated. Binary frames
     * carry no {@code event_id}: a client whose message was only partly accepted (503) resends the frames from
     * {@code frames_accepted} on.
     */
    public IngestReport ingestSbe(final DirectBuffer buffer, final SbeMessageSplitter messages)
    {
        final IngestReport report = new IngestReport();
        report.envelopes = 1;
        report.framesInRequest = messages.count();
        counters.envelopesReceived.increment(); // a binary message counts as one envelope
        ingestSbe(buffer, messages, report);
        counters.envelopeOutcomes(report);
        return report;
    }

    private void ingestSbe(final DirectBuffer buffer, final SbeMessageSplitter messages, final IngestReport report)
    {
        int flagged = 0;
        if (tuningGate != null)
        {
            // Flag mode marks samples in place: the transport's view of the message is writable (MessageBytes).
            final MutableDirectBuffer writable = (MutableDirectBuffer)buffer;
            // The message holds its SBE messages back to back from byte 0 (the splitter refuses trailing bytes).
            final int last = messages.count() - 1;
            final int messageBytes = last < 0 ? 0 : messages.absoluteOffsets()[last] + messages.lengths()[last];
            if (!tuningGate.checkBytes(messageBytes) ||
                !tuningGate.check(writable, messages.absoluteOffsets(), 0, messages.count()))
            {
                final int frame = tuningGate.refusedFrame();
                counters.rejected(RejectReason.TUNING_LIMIT_EXCEEDED);
                report.refused = 1;
                report.refuse(RejectReason.TUNING_LIMIT_EXCEEDED.status(), RejectReason.TUNING_LIMIT_EXCEEDED,
                    (frame >= 0 ? "message " + frame + " at byte " + messages.absoluteOffsets()[frame] + ": " : "") +
                    tuningGate.describe(writable, messages.absoluteOffsets(), 0));
                return;
            }
            flagged = tuningGate.flagged();
        }
        if (!admission.admit(report, 1, BINARY_QUEUE_FULL_MESSAGE))
        {
            report.notAccepted = 1;
            return;
        }
        // Refused for itself (the pipeline refused a frame, or a bug) rather than with its request (ring, journal).
        boolean refusedItself = false;
        // The rest of the message in one claim when the ring has room for it (the common case: one claim, one
        // clock read); one frame at a time only when it has not, so that as many as fit are in and the answer
        // says where to resume.
        final int count = messages.count();
        int i = 0;
        while (i < count)
        {
            long position;
            int batch = count - i;
            try
            {
                // Validated whole by `messages` (FrameValidator) before anything was published: not re-checked.
                position = pipeline.tryPublishValidatedBatch(buffer, messages.absoluteOffsets(),
                    messages.lengths(), i, batch, 0, 0, 0, 0, 0);
                if (position == TelemetryPipeline.RING_FULL && batch > 1) // only the ring takes fewer
                {
                    batch = 1;
                    position = pipeline.tryPublishValidatedBatch(buffer, messages.absoluteOffsets(),
                        messages.lengths(), i, 1, 0, 0, 0, 0, 0);
                }
            }
            catch (final FrameRejectedException ex)
            {
                // The splitter and the pipeline disagree (a bug or a slot smaller than the splitter allows): answer,
                // count and give the queue place back rather than let the exception close the connection.
                counters.rejected(RejectReason.PIPELINE_REFUSED);
                refusedItself = true;
                LOG.warn("validated binary frame refused by the pipeline: {}", ex.getMessage());
                report.refuse(RejectReason.PIPELINE_REFUSED.status(), RejectReason.PIPELINE_REFUSED, "frame " + i +
                    " refused by the pipeline (" + ex.reason().metricName() + "): " + ex.getMessage() +
                    (i > 0 ? "; frames 0.." + (i - 1) + " of this message are in" : ""));
                break;
            }
            catch (final RuntimeException ex)
            {
                // A bug (or a pipeline closed under us): still answered, counted and released, never a leaked place.
                counters.rejected(RejectReason.INTERNAL_ERROR);
                refusedItself = true;
                LOG.error("publishing binary frame {} failed", i, ex);
                report.refuse(RejectReason.INTERNAL_ERROR.status(), RejectReason.INTERNAL_ERROR,
                    "internal error; the gateway log has the details");
                break;
            }
            if (position == TelemetryPipeline.JOURNAL_REFUSED)
            {
                admission.refuseForJournal(report, i == 0 ? "nothing of this message was ingested" :
                    "frames 0.." + (i - 1) + " of this message are in, resend from frame " + i);
                break;
            }
            if (position < 0)
            {
                counters.rejected(RejectReason.RING_FULL);
                report.retryAfterS = 1;
                report.refuse(503, RejectReason.RING_FULL, "the pipeline ring is full: frames 0.." + (i - 1) +
                    " of this message are in, resend from frame " + i + " after 1 s");
                break;
            }
            report.unindexedPosition = position;
            report.framesAccepted += batch;
            i += batch;
        }
        if (report.framesAccepted > 0)
        {
            counters.framesAccepted.add(report.framesAccepted); // once per message: a shared counter
        }
        if (report.status == 202)
        {
            report.accepted = 1;
            if (flagged > 0)
            {
                counters.tuningFlaggedSamples.add(flagged);
            }
        }
        else if (report.framesAccepted > 0)
        {
            report.partial = 1;
        }
        else
        {
            if (refusedItself)
            {
                report.refused = 1;
            }
            else
            {
                report.notAccepted = 1;
            }
            release(1);
            report.queuePlaces = 0;
        }
    }

    /**
     * Decodes a body that is one envelope in one pass instead of two (a split, then the decode): when the body,
     * whitespace aside, starts with '{' and ends with '}' and the decoder accepts that span whole as one envelope,
     * it is the body's one envelope ({@link #decodedStart()}, {@link #decodedLength()}), and the next
     * {@link #ingest} of that span takes this decode instead of decoding it again. False otherwise (not an object, a
     * problem in it, several envelopes NDJSON style, over the envelope size limit, or a tuning policy, whose byte
     * limit comes before any decode): the caller splits the body and {@link #ingest} answers as it would have, so
     * every refusal stays the same. When the split finds that same span, its one envelope with a problem (the
     * common malformed request), the ingest takes this decode's error instead of decoding the span a second time.
     */
    boolean decodeWholeBody(final byte[] body, final int offset, final int length, final boolean allowRestricted)
    {
        forgetDecodedBody();
        if (tuningGate != null)
        {
            return false;
        }
        int from = offset;
        int to = offset + length;
        while (from < to && BeaconBodySplitter.isWhitespace(body[from]))
        {
            from++;
        }
        while (to > from && BeaconBodySplitter.isWhitespace(body[to - 1]))
        {
            to--;
        }
        // Over the limit the decoder refuses at once; not decoding it here keeps scratch at its size for such a body.
        if (to - from < 2 || body[from] != '{' || body[to - 1] != '}' || to - from > limits.maxEnvelopeBytes())
        {
            return false;
        }
        decoder.allowRestricted(allowRestricted);
        decodedOk = decode(body, from, to - from, 0);
        decodedStart = from;
        decodedLength = to - from;
        decodedAllowRestricted = allowRestricted;
        return decodedOk;
    }

    /** Drops what {@link #decodeWholeBody} decoded, so that no later {@link #ingest} can take it for another body. */
    void forgetDecodedBody()
    {
        decodedStart = -1;
    }

    /**
     * Where the span the last {@link #decodeWholeBody} decoded starts in the body array, whether the decoder took it
     * or refused it; -1 when it decoded nothing (or it was forgotten, or taken by an ingest).
     */
    int decodedStart()
    {
        return decodedStart;
    }

    /** Its length in bytes. */
    int decodedLength()
    {
        return decodedLength;
    }

    /** Gives back ingestion-queue places once the answer is sent. */
    public void release(final int envelopes)
    {
        admission.release(envelopes);
    }

    private boolean decodeAll(final byte[] body, final BeaconBodySplitter spans, final IngestReport report,
        final TokenScope scope, final String client, final boolean allowRestricted)
    {
        // decodeWholeBody's outcome is taken once, by the ingest of that same span (the decoder still holds its result
        // or its error): the same span decodes the same way, so decoding it again would only repeat the work.
        final boolean decodedAhead = decodedStart >= 0 && spans.count() == 1 && spans.start(0) == decodedStart &&
            spans.length(0) == decodedLength && decodedAllowRestricted == allowRestricted;
        final boolean decodedAheadOk = decodedOk;
        decodedStart = -1;
        int position = 0;
        int messages = 0;
        int worstStatus = 0;
        RejectReason worstReason = null;
        int failures = 0;
        for (int i = 0; i < spans.count(); i++)
        {
            final int start = spans.start(i);
            final int length = spans.length(i);
            if (tuningGate != null && !tuningGate.checkBytes(length))
            {
                counters.rejected(RejectReason.TUNING_LIMIT_EXCEEDED);
                failures++;
                if (worstReason == null)
                {
                    worstStatus = RejectReason.TUNING_LIMIT_EXCEEDED.status();
                    worstReason = RejectReason.TUNING_LIMIT_EXCEEDED;
                }
                if (report.details.size() < MAX_DETAILS)
                {
                    report.details.add(tuningGate.describeEnvelope(i, EventIdSniffer.find(body, start, length),
                        scratch, messageOffsets, 0));
                }
                continue;
            }
            if (!(decodedAhead ? decodedAheadOk : decode(body, start, length, position)))
            {
                final DecodeError error = decoder.error();
                final RejectReason reason = RejectReason.of(error.code());
                counters.rejected(reason);
                failures++;
                // 400 (not JSON) outranks 413 (too big), which outranks 422 (contract or dictionary).
                if (worstReason == null || rank(reason.status()) > rank(worstStatus))
                {
                    worstStatus = reason.status();
                    worstReason = reason;
                }
                if (report.details.size() < MAX_DETAILS)
                {
                    report.details.add(DecodeProblemEncoder.encode(i, start - spans.start(0), error, body, start, length));
                }
                continue;
            }
            final DecodedEnvelope result = decoder.result();
            final int n = result.messageCount();
            ensureMessages(messages + n);
            envelopeFirstMessage[i] = messages;
            envelopeMessages[i] = n;
            eventMsb[i] = result.eventIdMsb();
            eventLsb[i] = result.eventIdLsb();
            for (int m = 0; m < n; m++)
            {
                messageOffsets[messages] = result.messageOffset(m);
                messageLengths[messages] = result.messageLength(m);
                messages++;
            }
            position += result.encodedLength();
            envelopeFlagged[i] = 0;
            final int outOfScope = scope == null ? TokenScope.ALLOWED :
                scope.check(scratch, messageOffsets, envelopeFirstMessage[i], n);
            if (outOfScope != TokenScope.ALLOWED)
            {
                final RejectReason reason = TokenScope.reason(outOfScope);
                counters.rejected(reason);
                failures++;
                if (worstReason == null || rank(reason.status()) > rank(worstStatus))
                {
                    worstStatus = reason.status();
                    worstReason = reason;
                }
                if (report.details.size() < MAX_DETAILS)
                {
                    report.details.add(describeOutOfScope(i, reason, scope.describe(client, outOfScope, scratch,
                        messageOffsets[envelopeFirstMessage[i] + TokenScope.refusedFrame(outOfScope)], registry)));
                }
            }
            else if (tuningGate != null && !tuningGate.check(scratch, messageOffsets, envelopeFirstMessage[i], n))
            {
                counters.rejected(RejectReason.TUNING_LIMIT_EXCEEDED);
                failures++;
                if (worstReason == null)
                {
                    worstStatus = RejectReason.TUNING_LIMIT_EXCEEDED.status();
                    worstReason = RejectReason.TUNING_LIMIT_EXCEEDED;
                }
                if (report.details.size() < MAX_DETAILS)
                {
                    report.details.add(tuningGate.describeEnvelope(i, new UUID(eventMsb[i], eventLsb[i]).toString(),
                        scratch, messageOffsets, envelopeFirstMessage[i]));
                }
            }
            else if (tuningGate != null)
            {
                envelopeFlagged[i] = tuningGate.flagged();
            }
            if (i == 0)
            {
                report.hasFirstEventId = true;
                report.firstEventIdMsb = result.eventIdMsb();
                report.firstEventIdLsb = result.eventIdLsb();
            }
        }
        report.framesInRequest = messages;
        if (failures > 0)
        {
            final String message = failures + " of " + spans.count() + " envelope(s) refused; nothing of this " +
                "request was ingested" + (failures > MAX_DETAILS ? " (the first " + MAX_DETAILS + " are listed)" : "");
            report.refuse(worstStatus, worstReason, message);
            // All or nothing: the valid envelopes are refused with the request, each counted once as such.
            report.refused = failures;
            report.notAccepted = spans.count() - failures;
            return false;
        }
        return true;
    }

    /** Decodes one envelope into scratch at {@code position}, growing scratch to the decoder's bound if it must. */
    private boolean decode(final byte[] body, final int start, final int length, final int position)
    {
        scratch.checkLimit(position + Math.max(4 * length + 4096, 1 << 14));
        final boolean ok = decoder.decode(body, start, length, scratch, position);
        if (!ok && decoder.error().code() == DecodeErrorCode.OUTPUT_TOO_SMALL)
        {
            scratch.checkLimit(position + EnvelopeDecoder.maxOutputBytes(limits));
            return decoder.decode(body, start, length, scratch, position);
        }
        return ok;
    }

    private void publishAll(final int count, final IngestReport report)
    {
        final long nowNs = System.nanoTime();
        final IdempotencyWindow.Claim claim = this.claim;
        for (int i = 0; i < count; i++)
        {
            final int frames = envelopeMessages[i];
            final int first = envelopeFirstMessage[i];
            claimedFirst = first;
            claimedFrames = frames;
            // An entry restored from a journal written before the samples' order stopped counting holds the digest
            // of every byte in order: the window asks for that one only when the entry's is not this one.
            window.claim(eventMsb[i], eventLsb[i], EnvelopeDigest.of(scratch, messageOffsets, messageLengths, first,
                frames), orderedDigest, frames, nowNs, claim);
            // The rest of a partly journaled envelope carries the digest its first part has.
            final long digest = claim.digest;
            switch (claim.outcome)
            {
                case IdempotencyWindow.DUPLICATE:
                    report.duplicates++;
                    dependOn(report, claim);
                    continue;
                case IdempotencyWindow.CONFLICT:
                    counters.rejected(RejectReason.EVENT_ID_CONFLICT);
                    report.refuse(409, RejectReason.EVENT_ID_CONFLICT, "event_id " +
                        new UUID(eventMsb[i], eventLsb[i]) + " (envelope " + i + ") was already ingested with " +
                        "other content; nothing of it was ingested now: give a new envelope a new event_id");
                    // This envelope is refused for itself (a resend of it unchanged is 409 again): its entry says
                    // refused, not not_accepted ("resend it unchanged", as it said before); the rest are to be resent.
                    overloadDetails(report, count, i, 0, frames, true);
                    report.refused = 1;
                    report.notAccepted = count - i - 1; // publishing stops here: the rest are not in either
                    return;
                case IdempotencyWindow.IN_PROGRESS:
                    counters.rejected(RejectReason.IN_PROGRESS);
                    report.retryAfterS = 1;
                    report.refuse(503, RejectReason.IN_PROGRESS, "event_id " + new UUID(eventMsb[i], eventLsb[i]) +
                        " (envelope " + i + ") is being ingested by another request right now; resend it (same " +
                        "event_id) after " + report.retryAfterS + " s to learn its outcome");
                    overloadDetails(report, count, i, 0, frames);
                    report.notAccepted = count - i;
                    return;
                case IdempotencyWindow.FULL:
                    counters.rejected(RejectReason.IDEMPOTENCY_WINDOW_FULL);
                    report.retryAfterS = 1;
                    report.refuse(503, RejectReason.IDEMPOTENCY_WINDOW_FULL, "envelope " + i + ": the idempotency " +
                        "window is full of event_ids being ingested right now; resend it (same event_id) after " +
                        report.retryAfterS + " s");
                    overloadDetails(report, count, i, 0, frames);
                    report.notAccepted = count - i;
                    return;
                default:
                    break;
            }
            final int done = claim.framesDone;
            published = done;
            lastPublished = -1;
            refusal = 0;
            try
            {
                publishRest(i, first, frames, digest);
            }
            catch (final RuntimeException ex)
            {
                // Cannot happen for decoder output within the slot size the gateway configures, nor on an open
                // pipeline (a bug, or a pipeline closed under us): refuse loudly, as the binary path does, with the
                // frames that are in said and the queue places given back by the usual path.
                counters.rejected(RejectReason.INTERNAL_ERROR);
                LOG.error("publishing envelope {} (from frame {}) failed", i, published, ex);
                report.refuse(500, RejectReason.INTERNAL_ERROR, "envelope " + i + " (from frame " + published +
                    ") refused by the pipeline: " + ex.getMessage());
                overloadDetails(report, count, i, published, frames);
                stoppedAt(report, count, i, published, true);
                return;
            }
            finally
            {
                // Whatever happened, the id is no longer owned and says exactly which frames are in.
                window.release(claim.ticket, published, lastPublished);
            }
            final long last = lastPublished;
            final int published = this.published;
            final int newFrames = published - done;
            report.framesAccepted += newFrames;
            counters.framesAccepted.add(newFrames);
            if (last >= 0)
            {
                report.unindexedPosition = Math.max(report.unindexedPosition, last);
                report.addTicketToLearn(claim.ticket);
            }
            else
            {
                dependOn(report, claim);
            }
            if (published < frames && refusal == TelemetryPipeline.JOURNAL_REFUSED)
            {
                stoppedAt(report, count, i, published, false);
                admission.refuseForJournal(report, "envelope_status says which frames are in; resend the same " +
                    "envelopes (same event_id) once space returns and only the rest is ingested");
                overloadDetails(report, count, i, published, frames);
                return;
            }
            if (published < frames)
            {
                counters.rejected(RejectReason.RING_FULL);
                stoppedAt(report, count, i, published, false);
                report.retryAfterS = 1;
                report.refuse(503, RejectReason.RING_FULL, "the pipeline ring is full: envelope_status says which " +
                    "frames are in; resend the same envelopes (same event_id) after " + report.retryAfterS +
                    " s and only the rest is ingested");
                overloadDetails(report, count, i, published, frames);
                return;
            }
            report.accepted++;
            if (envelopeFlagged[i] > 0)
            {
                counters.tuningFlaggedSamples.add(envelopeFlagged[i]);
            }
        }
    }

    /**
     * Publishing stopped at envelope {@code i} with {@code framesIn} of its frames in: it is partial when some are
     * (as its {@code envelope_status} entry says, frames an earlier request published included), else refused for
     * itself ({@code itself}: the pipeline refused it) or with its request (the ring or the journal had no room);
     * the envelopes after it are not in either.
     */
    private static void stoppedAt(final IngestReport report, final int count, final int i, final int framesIn,
        final boolean itself)
    {
        if (framesIn > 0)
        {
            report.partial = 1;
        }
        else if (itself)
        {
            report.refused = 1;
        }
        else
        {
            report.notAccepted++;
        }
        report.notAccepted += count - i - 1;
    }

    /**
     * The request depends on frames an earlier request published ({@code claim}'s): where the window knows their
     * journal position, the answer names it; else it looks the position up from their ring position, and a 202
     * teaches it to the window (an original answered 503, an ack timeout or a partial accept, taught it nothing).
     */
    private static void dependOn(final IngestReport report, final IdempotencyWindow.Claim claim)
    {
        if (claim.journalIndex >= 0)
        {
            report.knownJournalIndex = Math.max(report.knownJournalIndex, claim.journalIndex);
            report.knownPosition = Math.max(report.knownPosition, claim.lastPosition);
        }
        else if (claim.lastPosition >= 0)
        {
            report.unindexedPosition = Math.max(report.unindexedPosition, claim.lastPosition);
            if (claim.outcome == IdempotencyWindow.DUPLICATE)
            {
                report.addTicketToLearn(claim.ticket);
            }
        }
    }

    /**
     * Publishes envelope {@code i}'s frames from {@link #published} on, stamped with its identity, advancing
     * {@link #published} and {@link #lastPublished} (the ring position of the last one) as they go in, so both
     * are right even when this throws. Stops early when the ring is full.
     */
    private void publishRest(final int i, final int first, final int frames, final long digest)
    {
        // An envelope's frames go in all at once or not at all (a retry after an older partial publish sends
        // only the rest); an envelope larger than the whole ring can only go frame by frame.
        final boolean whole = frames - published <= ringCapacity;
        while (published < frames)
        {
            final int n = whole ? frames - published : 1;
            // EnvelopeDecoder wrote these frames and its rule is the validator's: the pipeline does not re-check.
            final long position = pipeline.tryPublishValidatedBatch(scratch, messageOffsets, messageLengths,
                first + published, n, eventMsb[i], eventLsb[i], digest, published, frames);
            if (position < 0)
            {
                refusal = position;
                return;
            }
            lastPublished = position;
            published += n;
        }
    }

    // Which frames of which envelope are in the ring, for a 503 after a partial publish.
    private void overloadDetails(final IngestReport report, final int count, final int stoppedAt,
        final int framesIn, final int frames)
    {
        overloadDetails(report, count, stoppedAt, framesIn, frames, false);
    }

    // As above; refusedItself: the envelope it stopped at was refused for what it is (a 409), not with the request.
    private void overloadDetails(final IngestReport report, final int count, final int stoppedAt,
        final int framesIn, final int frames, final boolean refusedItself)
    {
        for (int i = stoppedAt; i < count && report.details.size() < MAX_DETAILS; i++)
        {
            final int in = i == stoppedAt ? framesIn : 0;
            final StringBuilder out = new StringBuilder(96).append('{');
            JsonText.key(out, "index").append(i).append(',');
            JsonText.key(out, "event_id");
            JsonText.quote(out, new UUID(eventMsb[i], eventLsb[i]).toString()).append(',');
            JsonText.key(out, "frames").append(i == stoppedAt ? frames : envelopeMessages[i]).append(',');
            JsonText.key(out, "frames_accepted").append(in).append(',');
            JsonText.key(out, "state");
            JsonText.quote(out, (in > 0 ? EnvelopeOutcome.PARTIAL : refusedItself && i == stoppedAt ?
                EnvelopeOutcome.REFUSED : EnvelopeOutcome.NOT_ACCEPTED).label());
            report.details.add(out.append('}').toString());
        }
        if (stoppedAt > 0)
        {
            report.message = report.message + "; envelopes 0.." + (stoppedAt - 1) + " were accepted in full";
        }
    }

    // An errors[] entry for an envelope outside its token's allow-lists, shaped as a decoder error's. Cold path.
    private String describeOutOfScope(final int index, final RejectReason reason, final String message)
    {
        final StringBuilder out = new StringBuilder(160).append('{');
        JsonText.key(out, "index").append(index).append(',');
        JsonText.key(out, "event_id");
        JsonText.quote(out, new UUID(eventMsb[index], eventLsb[index]).toString()).append(',');
        JsonText.key(out, "code");
        JsonText.quote(out, reason.name()).append(',');
        JsonText.key(out, "status").append(reason.status()).append(',');
        JsonText.key(out, "message");
        JsonText.quote(out, message);
        return out.append('}').toString();
    }

    // 400 (not JSON) outranks 413 (too big), which outranks 403 (outside the token's allow-lists), then 422.
    private static int rank(final int status)
    {
        return status == 400 ? 4 : status == 413 ? 3 : status == 403 ? 2 : status == 422 ? 1 : 0;
    }

    private void ensureMessages(final int needed)
    {
        if (needed > messageOffsets.length)
        {
            final int size = Math.max(needed, messageOffsets.length * 2);
            messageOffsets = java.util.Arrays.copyOf(messageOffsets, size);
            messageLengths = java.util.Arrays.copyOf(messageLengths, size);
        }
    }
}
