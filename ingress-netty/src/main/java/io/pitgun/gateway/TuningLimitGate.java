package io.pitgun.gateway;

import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameFlyweight;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.engine.tuning.ChannelLimitTable;
import io.pitgun.engine.tuning.FrameLimits;
import io.pitgun.engine.tuning.SessionSourceLimit;
import org.agrona.MutableDirectBuffer;

/**
 * The tuning policy on the ingest path, after the dictionary check and before anything is published: an envelope
 * (or binary message) over a {@code frame_limits} bound, or with a sample outside a {@code reject} channel limit,
 * or with a frame of a source its session may not add ({@code max_sources_per_session}, state shared by every loop:
 * {@link SessionSourceLimit}), is refused with 422 {@link RejectReason#TUNING_LIMIT_EXCEEDED} naming the limit;
 * samples outside a {@code flag}
 * limit are marked {@code DEGRADED} in place and counted once their envelope is accepted. One per event loop (the
 * table is shared; the flyweight is this gate's); allocation-free but for the refusal's text.
 */
final class TuningLimitGate
{
    private static final int NONE = Integer.MAX_VALUE;
    /** (session, source) pairs each loop remembers as admitted without asking the shared state. */
    private static final int SOURCE_CACHE_SLOTS = 1024;

    /** The channel limits, or null when the policy has none worth checking. */
    private final ChannelLimitTable table;
    private final int maxFramesPerEnvelope;
    private final int maxSamplesPerFrame;
    private final int maxEnvelopeBytes;
    /** This loop's view of the shared {@code max_sources_per_session} state, or null when the policy sets none. */
    private final SessionSourceLimit.Cache sources;
    private final FrameFlyweight frame = new FrameFlyweight();
    /** What the last failed check found: a channel limit's violation, or a frame limit with its value. */
    private int refusedFrame = -1;
    private int refusedSample = -1;
    private String refusedFrameLimit;
    private long refusedValue;
    private long refusedBound;
    private int flagged;

    /**
     * @param sessionSources the gateway's one {@code max_sources_per_session} state, or null when the policy sets
     *                       none.
     */
    TuningLimitGate(final ChannelLimitTable table, final FrameLimits frameLimits,
        final SessionSourceLimit sessionSources)
    {
        this.table = table;
        this.sources = sessionSources == null ? null : sessionSources.newCache(SOURCE_CACHE_SLOTS);
        this.maxFramesPerEnvelope = orNone(frameLimits.maxFramesPerEnvelope());
        this.maxSamplesPerFrame = orNone(frameLimits.maxSamplesPerFrame());
        this.maxEnvelopeBytes = orNone(frameLimits.maxEnvelopeBytes());
    }

    private static int orNone(final Integer limit)
    {
        return limit == null ? NONE : limit;
    }

    /**
     * Whether an envelope (or binary message) of {@code bytes} is within {@code frame_limits.max_envelope_bytes}:
     * checked before it is decoded. When false, {@link #describe} and {@link #describeEnvelope} say why.
     */
    boolean checkBytes(final int bytes)
    {
        if (bytes <= maxEnvelopeBytes)
        {
            return true;
        }
        refuseFrameLimit(-1, FrameLimits.MAX_ENVELOPE_BYTES, bytes, maxEnvelopeBytes);
        return false;
    }

    /**
     * Checks the {@code count} validated messages at {@code offsets[first..]} of {@code buffer}: false when they
     * pass a frame limit or one is outside a reject limit ({@link #describe} says which), else true with the flagged
     * samples marked ({@link #flagged()} says how many). Nothing is marked when the answer is false.
     */
    boolean check(final MutableDirectBuffer buffer, final int[] offsets, final int first, final int count)
    {
        refusedFrame = -1;
        refusedFrameLimit = null;
        flagged = 0;
        int frames = 0;
        for (int m = 0; m < count; m++)
        {
            final FrameFlyweight frame = this.frame.wrap(buffer, offsets[first + m]);
            if (frame.templateId() != TelemetryFrameDecoder.TEMPLATE_ID)
            {
                continue;
            }
            if (++frames > maxFramesPerEnvelope)
            {
                refuseFrameLimit(m, FrameLimits.MAX_FRAMES_PER_ENVELOPE, countFrames(buffer, offsets, first, count),
                    maxFramesPerEnvelope);
                return false;
            }
            if (frame.sampleCount() > maxSamplesPerFrame)
            {
                refuseFrameLimit(m, FrameLimits.MAX_SAMPLES_PER_FRAME, frame.sampleCount(), maxSamplesPerFrame);
                return false;
            }
            if (table != null)
            {
                final int sample = table.firstRejected(frame);
                if (sample != ChannelLimitTable.WITHIN_LIMITS)
                {
                    refusedFrame = m;
                    refusedSample = sample;
                    return false;
                }
            }
        }
        // Last, so that an envelope refused for another reason records no source of its session.
        if (sources != null && !admitSources(buffer, offsets, first, count))
        {
            return false;
        }
        if (table != null && table.hasFlagLimits())
        {
            for (int m = 0; m < count; m++)
            {
                flagged += table.flag(frame.wrap(buffer, offsets[first + m]));
            }
        }
        return true;
    }

    private boolean admitSources(final MutableDirectBuffer buffer, final int[] offsets, final int first,
        final int count)
    {
        for (int m = 0; m < count; m++)
        {
            final FrameFlyweight frame = this.frame.wrap(buffer, offsets[first + m]);
            if (frame.templateId() == TelemetryFrameDecoder.TEMPLATE_ID &&
                !sources.admit(frame.longField(FrameDescriptor.SESSION_MSB), frame.longField(FrameDescriptor.SESSION_LSB),
                frame.shortField(FrameDescriptor.SOURCE_ID)))
            {
                refuseFrameLimit(m, FrameLimits.MAX_SOURCES_PER_SESSION, sources.limit() + 1L, sources.limit());
                return false;
            }
        }
        return true;
    }

    private int countFrames(final MutableDirectBuffer buffer, final int[] offsets, final int first, final int count)
    {
        int frames = 0;
        for (int m = 0; m < count; m++)
        {
            frames += frame.wrap(buffer, offsets[first + m]).templateId() == TelemetryFrameDecoder.TEMPLATE_ID ? 1 : 0;
        }
        return frames;
    }

    private void refuseFrameLimit(final int frameIndex, final String limit, final long value, final long bound)
    {
        refusedFrame = frameIndex;
        refusedFrameLimit = limit;
        refusedValue = value;
        refusedBound = bound;
    }

    /** Samples the last successful {@link #check} flagged. */
    int flagged()
    {
        return flagged;
    }

    /**
     * Index (among the checked messages) of the frame the last failed check refused; -1 when the refusal is of the
     * envelope as a whole ({@code max_envelope_bytes}).
     */
    int refusedFrame()
    {
        return refusedFrame;
    }

    /**
     * The refusal of the last failed check as a sentence naming the limit, e.g.
     * {@code Speed 150.5 is above 150, the tuning limit channels.Speed (reject)} or
     * {@code 40 samples, above the tuning limit frame_limits.max_samples_per_frame 32}. Cold path.
     */
    String describe(final MutableDirectBuffer buffer, final int[] offsets, final int first)
    {
        if (refusedFrameLimit != null)
        {
            if (refusedFrameLimit.equals(FrameLimits.MAX_SOURCES_PER_SESSION))
            {
                final FrameFlyweight frame = this.frame.wrap(buffer, offsets[first + refusedFrame]);
                return "source " + frame.shortField(FrameDescriptor.SOURCE_ID) + " would be source " + refusedValue +
                    " of session " + new java.util.UUID(frame.longField(FrameDescriptor.SESSION_MSB),
                    frame.longField(FrameDescriptor.SESSION_LSB)) + ", above the tuning limit " + refusedFrameLimit +
                    " " + refusedBound;
            }
            final String what = refusedFrameLimit.equals(FrameLimits.MAX_ENVELOPE_BYTES) ? " bytes" :
                refusedFrameLimit.equals(FrameLimits.MAX_FRAMES_PER_ENVELOPE) ? " frames" : " samples";
            return refusedValue + what + ", above the tuning limit " + refusedFrameLimit + " " + refusedBound;
        }
        return violation(buffer, offsets, first).describe();
    }

    private ChannelLimitTable.Violation violation(final MutableDirectBuffer buffer, final int[] offsets,
        final int first)
    {
        return table.violation(frame.wrap(buffer, offsets[first + refusedFrame]), refusedSample);
    }

    /**
     * The {@code errors[]} entry of an envelope refused by the last failed check, shaped as a decoder error's
     * ({@link DecodeProblemEncoder}) plus {@code limit}, {@code value}, {@code bound} and, for a channel limit,
     * {@code channel}. Cold path.
     */
    String describeEnvelope(final int index, final String eventId, final MutableDirectBuffer buffer,
        final int[] offsets, final int first)
    {
        final String message = (refusedFrame >= 0 ? "frame " + refusedFrame + ": " : "") +
            describe(buffer, offsets, first);
        if (refusedFrameLimit != null)
        {
            final String pointer = refusedFrameLimit.equals(FrameLimits.MAX_SAMPLES_PER_FRAME) ?
                "/payload/frames/" + refusedFrame + "/samples" :
                refusedFrameLimit.equals(FrameLimits.MAX_FRAMES_PER_ENVELOPE) ? "/payload/frames" :
                refusedFrameLimit.equals(FrameLimits.MAX_SOURCES_PER_SESSION) ? "/source_id" : "";
            return DecodeProblemEncoder.encodeLimit(index, eventId, RejectReason.TUNING_LIMIT_EXCEEDED, pointer,
                refusedFrameLimit, null, Long.toString(refusedValue), Long.toString(refusedBound), message);
        }
        final ChannelLimitTable.Violation violation = violation(buffer, offsets, first);
        return DecodeProblemEncoder.encodeLimit(index, eventId, RejectReason.TUNING_LIMIT_EXCEEDED,
            "/payload/frames/" + refusedFrame + "/samples/" + violation.limit().channel(), violation.limit().name(),
            violation.limit().channel(), ChannelLimitTable.number(violation.value()),
            ChannelLimitTable.number(violation.bound()), message);
    }
}
