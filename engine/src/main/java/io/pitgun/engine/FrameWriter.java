package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.dictionary.ParameterTable;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameFlyweight;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SessionEndEncoder;
import io.pitgun.codecs.sbe.SessionStartEncoder;
import io.pitgun.engine.tuning.ChannelLimitTable;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.UUID;

import static io.pitgun.codecs.frame.FrameDescriptor.FLAGS;
import static io.pitgun.codecs.frame.FrameDescriptor.FRAME_HEADER_WORD;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_COUNT_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_HEADER;
import static io.pitgun.codecs.frame.FrameDescriptor.LAP_NUMBER;
import static io.pitgun.codecs.frame.FrameDescriptor.NULL_LAP;
import static io.pitgun.codecs.frame.FrameDescriptor.NULL_SECTOR;
import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;
import static io.pitgun.codecs.frame.FrameDescriptor.PRODUCER_LSB;
import static io.pitgun.codecs.frame.FrameDescriptor.PRODUCER_MSB;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLES;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_ID;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE;
import static io.pitgun.codecs.frame.FrameDescriptor.SECTOR;
import static io.pitgun.codecs.frame.FrameDescriptor.SEQUENCE;
import static io.pitgun.codecs.frame.FrameDescriptor.SESSION_LSB;
import static io.pitgun.codecs.frame.FrameDescriptor.SESSION_MSB;
import static io.pitgun.codecs.frame.FrameDescriptor.SOURCE_ID;
import static io.pitgun.codecs.frame.FrameDescriptor.TIMESTAMP_US;
import static io.pitgun.codecs.frame.FrameDescriptor.TYPE_BOOL;

/**
 * Writes frames of one (session, producer, source) straight into ring slots — the embedded producer's hot path.
 * One writer per producing thread; not thread-safe. Allocation-free per frame:
 *
 * <pre>{@code
 * FrameWriter writer = pipeline.newFrameWriter(sessionId, producerId, sourceId);
 * writer.sessionStart(t0, "practice");
 * writer.begin(sequence, timestampUs).lapNumber(lap)
 *       .putDouble(SPEED_ID, 212.5).putLong(RPM_ID, 11_250)
 * long position = writer.commit();            // the frame's ring sequence
 * pipeline.awaitJournaled(position, timeoutNs); // only when the producer needs the durable acknowledgement
 * }</pre>
 *
 * <p>{@link #begin} claims a slot (waiting while the ring is full; {@link #tryBegin} does not wait) and writes the
 * header there; each {@code put} appends one sample in the slot; {@link #commit} publishes it. Between begin and
 * commit the slot holds up the stages, so fill it without delay. A sample's value type is the dictionary's; with
 * {@code validate_parameters} an unknown id or a value outside the dictionary range refuses the whole frame, and
 * so does a frame that would outgrow the slot — {@link FrameRejectedException}, never truncation. With a tuning
 * policy ({@link TelemetryPipelineBuilder#tuningPolicy}) {@link #commit} refuses a frame with a sample outside a
 * reject limit ({@code DROPPED_TUNING_LIMIT}) and marks samples outside a flag limit {@code DEGRADED}
 * ({@code SAMPLES_TUNING_FLAGGED}).
 */
public final class FrameWriter
{
    private final RingPublisher publisher;
    private final ParameterRegistry dictionary;
    private final long sessionMsb;
    private final long sessionLsb;
    private final long producerMsb;
    private final long producerLsb;
    private final int sourceId;
    private final int maxSamples;
    private final boolean validate;
    private final ParameterTable parameters;
    private final ChannelLimitTable tuningLimits;
    /** Reads the written frame for the tuning limits (the table is shared; the flyweight is this writer's). */
    private final FrameFlyweight limitView = new FrameFlyweight();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final SessionStartEncoder sessionStartEncoder = new SessionStartEncoder();
    private final SessionEndEncoder sessionEndEncoder = new SessionEndEncoder();
    private long claimed = -1;
    private FrameSlot slot;
    private UnsafeBuffer buffer;
    private int sampleCount;

    FrameWriter(final RingPublisher publisher, final ParameterRegistry dictionary, final ParameterTable parameters,
        final ChannelLimitTable tuningLimits, final UUID sessionId, final UUID producerId, final int sourceId)
    {
        if (sourceId < 0 || sourceId > 65_535)
        {
            throw new IllegalArgumentException("sourceId: must be between 0 and 65535, got " + sourceId);
        }
        this.publisher = publisher;
        this.dictionary = dictionary;
        this.sessionMsb = sessionId.getMostSignificantBits();
        this.sessionLsb = sessionId.getLeastSignificantBits();
        this.producerMsb = producerId.getMostSignificantBits();
        this.producerLsb = producerId.getLeastSignificantBits();
        this.sourceId = sourceId;
        this.maxSamples = (publisher.frameCapacity() - SAMPLES) / SAMPLE_LENGTH;
        this.validate = publisher.config().validateParameters();
        this.parameters = parameters;
        this.tuningLimits = tuningLimits;
    }

    /** Samples a frame can hold in this pipeline's slots. */
    public int maxSamples()
    {
        return maxSamples;
    }

    /** Claims a slot (waiting while the ring is full) and starts a frame. */
    public FrameWriter begin(final long sequence, final long timestampUs)
    {
        requireNoOpenFrame();
        start(publisher.claim(true), sequence, timestampUs);
        return this;
    }

    /** Like {@link #begin} but returns false at once, counted as {@code DROPPED_RING_FULL}, when the ring is full. */
    public boolean tryBegin(final long sequence, final long timestampUs)
    {
        requireNoOpenFrame();
        final long position = publisher.claim(false);
        if (position < 0)
        {
            return false;
        }
        start(position, sequence, timestampUs);
        return true;
    }

    /**
     * Checked before claiming: a slot claimed and then refused would hold a ring sequence nobody publishes, and the
     * stages would wait for it for ever. The open frame stays open, to be committed or aborted.
     */
    private void requireNoOpenFrame()
    {
        if (claimed >= 0)
        {
            throw new IllegalStateException("begin() while a frame is open: commit() or abort() it first");
        }
    }

    private void start(final long position, final long sequence, final long timestampUs)
    {
        claimed = position;
        slot = publisher.slot(position);
        buffer = slot.buffer();
        sampleCount = 0;
        final int o = SlotDescriptor.FRAME_OFFSET;
        final UnsafeBuffer b = buffer;
        b.putLong(o, FRAME_HEADER_WORD, ORDER);
        b.putLong(o + SESSION_MSB, sessionMsb, ORDER);
        b.putLong(o + SESSION_LSB, sessionLsb, ORDER);
        b.putLong(o + PRODUCER_MSB, producerMsb, ORDER);
        b.putLong(o + PRODUCER_LSB, producerLsb, ORDER);
        b.putLong(o + SEQUENCE, sequence, ORDER);
        b.putLong(o + TIMESTAMP_US, timestampUs, ORDER);
        b.putShort(o + SOURCE_ID, (short)sourceId, ORDER);
        b.putShort(o + LAP_NUMBER, (short)NULL_LAP, ORDER);
        b.putByte(o + SECTOR, (byte)NULL_SECTOR);
        b.putByte(o + FLAGS, (byte)0);
        b.putShort(o + GROUP_HEADER, (short)SAMPLE_LENGTH, ORDER);
    }

    /** Sets the lap number (0..65534) of the open frame. */
    public FrameWriter lapNumber(final int lapNumber)
    {
        requireOpen();
        if (lapNumber < 0 || lapNumber >= NULL_LAP)
        {
            throw refuse(PipelineCounter.DROPPED_INVALID_PARAMETER, "lap_number: must be between 0 and 65534, got " +
                lapNumber);
        }
        buffer.putShort(SlotDescriptor.FRAME_OFFSET + LAP_NUMBER, (short)lapNumber, ORDER);
        return this;
    }

    /** Sets the sector (0..254) of the open frame. */
    public FrameWriter sector(final int sector)
    {
        requireOpen();
        if (sector < 0 || sector >= NULL_SECTOR)
        {
            throw refuse(PipelineCounter.DROPPED_INVALID_PARAMETER, "sector: must be between 0 and 254, got " + sector);
        }
        buffer.putByte(SlotDescriptor.FRAME_OFFSET + SECTOR, (byte)sector);
        return this;
    }

    /** Appends a sample, stored in the channel's dictionary type (integers must be whole numbers). */
    public FrameWriter putDouble(final int parameterId, final double value)
    {
        final int type = typeOf(parameterId, FrameDescriptor.TYPE_F64);
        if (validate && !parameters.inRange(parameterId, value))
        {
            throw outOfRange(parameterId, value);
        }
        final long bits;
        if (type == FrameDescriptor.TYPE_F64)
        {
            bits = Double.doubleToRawLongBits(value);
        }
        else if (type == FrameDescriptor.TYPE_F32)
        {
            bits = Double.doubleToRawLongBits((double)(float)value);
        }
        else if (type == TYPE_BOOL)
        {
            bits = value != 0 ? 1 : 0;
        }
        else
        {
            if (validate && value != Math.rint(value))
            {
                throw refuse(PipelineCounter.DROPPED_INVALID_PARAMETER, "parameter " + parameterId +
                    ": an integer channel cannot hold " + value);
            }
            bits = (long)value;
        }
        return append(parameterId, type, bits);
    }

    /** Appends a sample, stored in the channel's dictionary type. */
    public FrameWriter putLong(final int parameterId, final long value)
    {
        final int type = typeOf(parameterId, FrameDescriptor.TYPE_I64);
        if (validate && !parameters.inRange(parameterId, (double)value))
        {
            throw outOfRange(parameterId, value);
        }
        final long bits = type == FrameDescriptor.TYPE_F64 ? Double.doubleToRawLongBits((double)value) :
            type == FrameDescriptor.TYPE_F32 ? Double.doubleToRawLongBits((double)(float)value) :
            type == TYPE_BOOL ? (value != 0 ? 1 : 0) : value;
        return append(parameterId, type, bits);
    }

    /** Appends a boolean sample (1 or 0 in a numeric channel). */
    public FrameWriter putBoolean(final int parameterId, final boolean value)
    {
        final int type = typeOf(parameterId, TYPE_BOOL);
        final long v = value ? 1 : 0;
        final long bits = type == FrameDescriptor.TYPE_F64 || type == FrameDescriptor.TYPE_F32 ?
            Double.doubleToRawLongBits((double)v) : v;
        return append(parameterId, type, bits);
    }

    /**
     * Publishes the open frame.
     *
     * @return the frame's ring sequence, for {@link TelemetryPipeline#awaitJournaled} and
     *         {@link TelemetryPipeline#isJournaled}.
     * @throws IllegalStateException with {@code producer: single}, while a slot claimed before this one is
     *                               unpublished (nothing changes: publish that one first).
     */
    public long commit()
    {
        return commit(System.nanoTime());
    }

    /**
     * Publishes the open frame with an ingest time the caller read: a producer that timestamps at the source (a paced
     * producer's intended send time, a frame's arrival time) makes the pipeline's publish → journaled and
     * publish → processed latencies ({@link TelemetryPipeline#latency()}) start there instead of at this call, so a
     * producer that fell behind its schedule is charged for the delay (no coordinated omission).
     *
     * @param ingestTimeNs a {@link System#nanoTime()} reading, at or before now.
     * @return the frame's ring sequence, as {@link #commit()}.
     * @throws IllegalStateException with {@code producer: single}, while a slot claimed before this one is
     *                               unpublished (nothing changes: publish that one first).
     */
    public long commit(final long ingestTimeNs)
    {
        publisher.requireProducer();
        requireOpen();
        publisher.requireNextToPublish(claimed);
        buffer.putShort(SlotDescriptor.FRAME_OFFSET + GROUP_HEADER + GROUP_COUNT_OFFSET, (short)sampleCount, ORDER);
        if (tuningLimits != null)
        {
            checkTuningLimits();
        }
        final long position = claimed;
        claimed = -1;
        publisher.publishReady(position, slot, SAMPLES + sampleCount * SAMPLE_LENGTH, ingestTimeNs);
        return position;
    }

    /**
     * Drops the open frame (its slot is published as rejected, which every stage skips).
     *
     * @throws IllegalStateException with {@code producer: single}, while a slot claimed before this one is
     *                               unpublished (nothing changes: publish that one first).
     */
    public void abort()
    {
        publisher.requireProducer();
        if (claimed >= 0)
        {
            publisher.requireNextToPublish(claimed);
            final long position = claimed;
            claimed = -1;
            publisher.publishRejected(position);
        }
    }

    /**
     * Publishes a {@code SessionStart} for this writer's session and source. Cold path (encodes the label).
     *
     * @throws FrameRejectedException if the label does not fit (the schema's 1,024 bytes, or the slot).
     * @throws IllegalStateException  as {@link TelemetryPipeline#publish}, for instance while a frame is open.
     */
    public long sessionStart(final long timestampUs, final String label)
    {
        final long position = publisher.claimToPublishNow(true);
        final FrameSlot s = publisher.slot(position);
        try
        {
            sessionStartEncoder.wrapAndApplyHeader(s.buffer(), SlotDescriptor.FRAME_OFFSET, headerEncoder);
            sessionStartEncoder.sessionId().mostSigBits(sessionMsb).leastSigBits(sessionLsb);
            sessionStartEncoder.producerId().mostSigBits(producerMsb).leastSigBits(producerLsb);
            sessionStartEncoder.timestampUs(timestampUs).sourceId(sourceId).label(label == null ? "" : label);
        }
        catch (final RuntimeException ex)
        {
            throw refuseSessionMessage(position, "SessionStart", ex);
        }
        publisher.publishReady(position, s, MessageHeaderEncoder.ENCODED_LENGTH + sessionStartEncoder.encodedLength());
        return position;
    }

    /**
     * Publishes a {@code SessionEnd} for this writer's session and source. Cold path.
     *
     * @throws FrameRejectedException if the label does not fit (the schema's 1,024 bytes, or the slot).
     * @throws IllegalStateException  as {@link TelemetryPipeline#publish}, for instance while a frame is open.
     */
    public long sessionEnd(final long timestampUs, final String label)
    {
        final long position = publisher.claimToPublishNow(true);
        final FrameSlot s = publisher.slot(position);
        try
        {
            sessionEndEncoder.wrapAndApplyHeader(s.buffer(), SlotDescriptor.FRAME_OFFSET, headerEncoder);
            sessionEndEncoder.sessionId().mostSigBits(sessionMsb).leastSigBits(sessionLsb);
            sessionEndEncoder.producerId().mostSigBits(producerMsb).leastSigBits(producerLsb);
            sessionEndEncoder.timestampUs(timestampUs).sourceId(sourceId).label(label == null ? "" : label);
        }
        catch (final RuntimeException ex)
        {
            throw refuseSessionMessage(position, "SessionEnd", ex);
        }
        publisher.publishReady(position, s, MessageHeaderEncoder.ENCODED_LENGTH + sessionEndEncoder.encodedLength());
        return position;
    }

    /**
     * A label longer than the schema's 1,024 bytes or the slot: the claimed sequence is still published (as rejected),
     * or no later claim could be published after it.
     */
    private FrameRejectedException refuseSessionMessage(final long position, final String kind,
        final RuntimeException ex)
    {
        publisher.publishRejected(position);
        publisher.count(PipelineCounter.DROPPED_FRAME_TOO_LARGE);
        return new FrameRejectedException(PipelineCounter.DROPPED_FRAME_TOO_LARGE, kind + " refused: its label does " +
            "not fit (max_frame_bytes " + publisher.config().maxFrameBytes() + "): " + ex.getMessage());
    }

    private FrameWriter append(final int parameterId, final int type, final long bits)
    {
        requireOpen();
        if (sampleCount == maxSamples)
        {
            throw refuse(PipelineCounter.DROPPED_FRAME_TOO_LARGE, "frame refused: more than " + maxSamples +
                " samples do not fit a slot (max_frame_bytes " + publisher.config().maxFrameBytes() +
                "); it was not truncated");
        }
        final int p = SlotDescriptor.FRAME_OFFSET + SAMPLES + sampleCount * SAMPLE_LENGTH;
        buffer.putLong(p + SAMPLE_VALUE, bits, ORDER);
        buffer.putInt(p + SAMPLE_ID, (parameterId & 0xFFFF) | (type << 16), ORDER); // quality GOOD (0)
        sampleCount++;
        return this;
    }

    private int typeOf(final int parameterId, final int undeclaredType)
    {
        if (parameterId < 0 || parameterId > 65_535)
        {
            throw refuse(PipelineCounter.DROPPED_INVALID_PARAMETER, "parameter id " + parameterId +
                " is outside 0..65535");
        }
        final int type = parameters.valueType(parameterId);
        if (type >= 0)
        {
            return type;
        }
        if (validate)
        {
            throw refuse(PipelineCounter.DROPPED_INVALID_PARAMETER, "parameter id " + parameterId +
                " is not in dictionary " + dictionary.name());
        }
        return undeclaredType;
    }

    private FrameRejectedException outOfRange(final int parameterId, final double value)
    {
        return refuse(PipelineCounter.DROPPED_INVALID_PARAMETER, "parameter " + parameterId + " (" +
            dictionary.byId(parameterId).name() + "): " + value + " is outside the dictionary range [" +
            parameters.min(parameterId) + ", " + parameters.max(parameterId) + "]");
    }

    // The frame is complete in its slot: one pass for the reject limits, one for the flag limits (if any).
    private void checkTuningLimits()
    {
        final FrameFlyweight frame = limitView.wrap(buffer, SlotDescriptor.FRAME_OFFSET);
        final int rejected = tuningLimits.firstRejected(frame);
        if (rejected != ChannelLimitTable.WITHIN_LIMITS)
        {
            throw refuse(PipelineCounter.DROPPED_TUNING_LIMIT, "frame refused: " +
                tuningLimits.violation(frame, rejected).describe());
        }
        final int flagged = tuningLimits.flag(frame);
        if (flagged > 0)
        {
            publisher.count(PipelineCounter.SAMPLES_TUNING_FLAGGED, flagged);
        }
    }

    private void requireOpen()
    {
        if (claimed < 0)
        {
            throw new IllegalStateException("no open frame: call begin() first");
        }
    }

    /**
     * Drops the open frame and counts why. While a claim taken before it is unpublished ({@code producer: single}),
     * dropping it would publish past that claim: it stays open then, for {@link #abort()} once that one is published.
     */
    private FrameRejectedException refuse(final PipelineCounter reason, final String message)
    {
        if (claimed >= 0 && !publisher.isNextToPublish(claimed))
        {
            publisher.count(reason);
            return new FrameRejectedException(reason, message + "; the frame stays open until the claim taken " +
                "before it is published: abort() it then");
        }
        abort();
        publisher.count(reason);
        return new FrameRejectedException(reason, message);
    }
}
