package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.dictionary.ParameterTable;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameFlyweight;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SessionEndEncoder;
import io.pitgun.codecs.sbe.SessionStartEncoder;
import io.pitgun.engine.tuning.ChannelLimitTable;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Objects;
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
 * commit the slot holds up the stages, so fill it without delay.
 *
 * <p>It writes only frames of the frame contract (docs/contracts.md, "What a valid message is"), the frames the
 * gateway would take, and refuses each breach with a {@link FrameRejectedException}, counted, at the call that makes
 * it: {@link #begin} a {@code sequence} or {@code timestampUs} outside [0, 2^53 - 1] (before claiming anything); a
 * {@code put} a parameter id already in the frame, a sample past {@link #maxSamples()} (the slot's room, at most the
 * contract's 256; never truncated) and, with {@code validate_parameters}, an id the dictionary lacks, a value of
 * another type than the dictionary's (a boolean for a number or the reverse) or a value outside the dictionary range
 * as stored (an f32 narrowed to float first, as the envelope decoder does); {@link #commit} a frame without samples.
 * A refused sample or commit drops the whole frame. With a tuning policy ({@link TelemetryPipelineBuilder#tuningPolicy})
 * {@link #commit} refuses a frame with a sample outside a reject limit ({@code DROPPED_TUNING_LIMIT}) and marks
 * samples outside a flag limit {@code DEGRADED} ({@code SAMPLES_TUNING_FLAGGED}).
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
    /** Whether {@link #maxSamples} is the slot's room (else the contract's 256), for the refusal's message. */
    private final boolean slotBoundsSamples;
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
    /**
     * The ids in the open frame, one bit per id of the 16-bit space (8 KiB), so that a repeated id is found with one
     * load per sample rather than a scan of the samples written so far (quadratic up to 256 samples). When the next
     * frame begins, only the words holding the last frame's ids ({@link #frameIds}) are cleared.
     */
    private final long[] idsInFrame = new long[ParameterTable.ID_COUNT >>> 6];
    /** The ids of the open (or last) frame in order, {@link #sampleCount} of them, to clear {@link #idsInFrame}. */
    private final int[] frameIds;

    FrameWriter(final RingPublisher publisher, final ParameterRegistry dictionary, final ParameterTable parameters,
        final ChannelLimitTable tuningLimits, final UUID sessionId, final UUID producerId, final int sourceId)
    {
        if (sourceId < 0 || sourceId > 65_535)
        {
            throw new IllegalArgumentException("sourceId: must be between 0 and 65535, got " + sourceId);
        }
        this.publisher = publisher;
        this.dictionary = dictionary;
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(producerId, "producerId");
        this.sessionMsb = sessionId.getMostSignificantBits();
        this.sessionLsb = sessionId.getLeastSignificantBits();
        this.producerMsb = producerId.getMostSignificantBits();
        this.producerLsb = producerId.getLeastSignificantBits();
        this.sourceId = sourceId;
        final int slotSamples = (publisher.frameCapacity() - SAMPLES) / SAMPLE_LENGTH;
        this.maxSamples = Math.min(slotSamples, DecoderLimits.SCHEMA_MAX_SAMPLES);
        this.slotBoundsSamples = slotSamples <= DecoderLimits.SCHEMA_MAX_SAMPLES;
        this.frameIds = new int[maxSamples];
        this.validate = publisher.config().validateParameters();
        this.parameters = parameters;
        this.tuningLimits = tuningLimits;
    }

    /** Samples a frame can hold: as many as this pipeline's slots have room for, at most the contract's 256. */
    public int maxSamples()
    {
        return maxSamples;
    }

    /**
     * Claims a slot (waiting while the ring is full) and starts a frame.
     *
     * @param sequence    the producer's frame sequence, in [0, 2^53 - 1].
     * @param timestampUs the frame's time in microseconds since the epoch, in [0, 2^53 - 1].
     * @throws FrameRejectedException if {@code sequence} or {@code timestampUs} is outside that range (nothing is
     *                                claimed; counted as {@code DROPPED_INVALID_PARAMETER}).
     * @throws IllegalStateException  while a frame is open, or once the pipeline is closed.
     */
    public FrameWriter begin(final long sequence, final long timestampUs)
    {
        requireNoOpenFrame();
        checkFrameHeader(sequence, timestampUs);
        start(publisher.claim(true), sequence, timestampUs);
        return this;
    }

    /**
     * Like {@link #begin} but returns false at once, counted as {@code DROPPED_RING_FULL}, when the ring is full.
     *
     * @throws FrameRejectedException as {@link #begin}.
     * @throws IllegalStateException  as {@link #begin}.
     */
    public boolean tryBegin(final long sequence, final long timestampUs)
    {
        requireNoOpenFrame();
        checkFrameHeader(sequence, timestampUs);
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

    /**
     * The envelope contract's bounds ({@link EnvelopeDecoder#MAX_SAFE_INTEGER}, as {@code FrameValidator} checks them):
     * a negative sequence would be exported as a 64-bit unsigned number, a negative or huge timestamp as a date no
     * tool can file. Checked before claiming, so a refusal strands no ring sequence (and leaves a frame that is open,
     * where a session message may be published, as it was).
     */
    private void checkFrameHeader(final long sequence, final long timestampUs)
    {
        if (sequence < 0 || sequence > EnvelopeDecoder.MAX_SAFE_INTEGER)
        {
            throw refuseUnclaimed("sequence: must be between 0 and 2^53 - 1, got " + sequence);
        }
        checkTimestamp(timestampUs);
    }

    private void checkTimestamp(final long timestampUs)
    {
        if (timestampUs < 0 || timestampUs > EnvelopeDecoder.MAX_SAFE_INTEGER)
        {
            throw refuseUnclaimed("timestamp_us: must be between 0 and 2^53 - 1, got " + timestampUs);
        }
    }

    /** The envelope contract's label bound, as the JSON decoder and {@code FrameValidator} check it. */
    private void checkLabel(final String label)
    {
        if (label != null && label.codePointCount(0, label.length()) > EnvelopeDecoder.MAX_LABEL_CODE_POINTS)
        {
            throw refuseUnclaimed("label: at most " + EnvelopeDecoder.MAX_LABEL_CODE_POINTS +
                " characters, got " + label.codePointCount(0, label.length()));
        }
    }

    private void start(final long position, final long sequence, final long timestampUs)
    {
        claimed = position;
        slot = publisher.slot(position);
        buffer = slot.buffer();
        // The last frame's ids only: at most its sample count of stores, whatever became of that frame.
        final long[] ids = idsInFrame;
        for (int i = 0; i < sampleCount; i++)
        {
            ids[frameIds[i] >>> 6] = 0;
        }
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

    /**
     * Appends a sample, stored in the channel's dictionary type (integers must be whole numbers; an f32 channel holds
     * the value narrowed to float, and its range is checked on that).
     *
     * @throws FrameRejectedException (the frame is dropped) for an id already in the frame or a sample past
     *                                {@link #maxSamples()}; with {@code validate_parameters} also for an id the
     *                                dictionary lacks, a bool channel, or a value outside the range as stored.
     * @throws IllegalStateException  when no frame is open ({@link #begin} first), whatever the sample: nothing
     *                                is counted.
     */
    public FrameWriter putDouble(final int parameterId, final double value)
    {
        requireOpen();
        final int type = typeOf(parameterId, FrameDescriptor.TYPE_F64);
        final double stored = FrameDescriptor.storedValue(type, value);
        if (validate)
        {
            requireNumeric(parameterId, type);
            if (!parameters.inRange(parameterId, stored))
            {
                throw outOfRange(parameterId, value);
            }
        }
        final long bits;
        if (type == FrameDescriptor.TYPE_F64 || type == FrameDescriptor.TYPE_F32)
        {
            bits = Double.doubleToRawLongBits(stored);
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

    /**
     * Appends a sample, stored in the channel's dictionary type (a floating channel holds it as a double, an f32
     * channel narrowed to float, and its range is checked on that).
     *
     * @throws FrameRejectedException as {@link #putDouble}.
     * @throws IllegalStateException  as {@link #putDouble}.
     */
    public FrameWriter putLong(final int parameterId, final long value)
    {
        requireOpen();
        final int type = typeOf(parameterId, FrameDescriptor.TYPE_I64);
        final boolean floating = type == FrameDescriptor.TYPE_F64 || type == FrameDescriptor.TYPE_F32;
        final double stored = floating ? FrameDescriptor.storedValue(type, (double)value) : (double)value;
        if (validate)
        {
            requireNumeric(parameterId, type);
            if (!parameters.inRange(parameterId, stored))
            {
                throw outOfRange(parameterId, value);
            }
        }
        final long bits = floating ? Double.doubleToRawLongBits(stored) : type == TYPE_BOOL ? (value != 0 ? 1 : 0) :
            value;
        return append(parameterId, type, bits);
    }

    /**
     * Appends a boolean sample to a bool channel (without {@code validate_parameters}, 1 or 0 in a numeric one).
     *
     * @throws FrameRejectedException (the frame is dropped) for an id already in the frame or a sample past
     *                                {@link #maxSamples()}; with {@code validate_parameters} also for an id the
     *                                dictionary lacks or a channel that is not a bool.
     * @throws IllegalStateException  as {@link #putDouble}.
     */
    public FrameWriter putBoolean(final int parameterId, final boolean value)
    {
        requireOpen();
        final int type = typeOf(parameterId, TYPE_BOOL);
        if (validate && type != TYPE_BOOL)
        {
            throw refuse(PipelineCounter.DROPPED_INVALID_PARAMETER, "parameter " + parameterId + " (" +
                dictionary.byId(parameterId).name() + ") is " + dictionary.byId(parameterId).dataType().symbol() +
                ": put a number, not a boolean");
        }
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
     * @throws FrameRejectedException a frame without samples (dropped), or one outside a tuning reject limit.
     * @throws IllegalStateException with {@code producer: single}, while a slot claimed before this one is
     *                               unpublished (nothing changes: publish that one first); once
     *                               {@link TelemetryPipeline#close} has stopped the stages with this frame open (it
     *                               was not taken: counted as {@code DROPPED_UNPROCESSED_AT_CLOSE}, and let go).
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
     * @throws FrameRejectedException as {@link #commit()}.
     * @throws IllegalStateException as {@link #commit()}.
     */
    public long commit(final long ingestTimeNs)
    {
        publisher.requireProducer();
        requireOpen();
        if (publisher.hasStoppedTakingClaims())
        {
            claimed = -1; // nothing to publish into: the stages are gone, and the journal may be closed
            throw publisher.claimLeftOpenAtClose("commit() of the FrameWriter frame");
        }
        publisher.requireNextToPublish(claimed);
        if (sampleCount == 0)
        {
            throw refuse(PipelineCounter.DROPPED_INVALID_PARAMETER, "frame refused: it has no samples (a frame " +
                "has 1 to " + DecoderLimits.SCHEMA_MAX_SAMPLES + ")");
        }
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
     * Drops the open frame (its slot is published as rejected, which every stage skips). Once
     * {@link TelemetryPipeline#close} has stopped the stages with the frame open, it only lets the frame go.
     *
     * @throws IllegalStateException with {@code producer: single}, while a slot claimed before this one is
     *                               unpublished (nothing changes: publish that one first).
     */
    public void abort()
    {
        publisher.requireProducer();
        if (claimed >= 0)
        {
            publisher.giveBack(claimed);
            claimed = -1;
        }
    }

    /**
     * Publishes a {@code SessionStart} for this writer's session and source. Cold path (encodes the label).
     *
     * @throws FrameRejectedException if the label is longer than {@link EnvelopeDecoder#MAX_LABEL_CODE_POINTS}
     *                                characters (code points) or {@code timestampUs} is outside [0, 2^53 - 1]
     *                                (nothing claimed), or the message does not fit the slot.
     * @throws IllegalStateException  as {@link TelemetryPipeline#publish}, for instance while a frame is open.
     */
    public long sessionStart(final long timestampUs, final String label)
    {
        checkTimestamp(timestampUs);
        checkLabel(label);
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
            throw refuseSessionMessage(position, "SessionStart", ex.getMessage());
        }
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + sessionStartEncoder.encodedLength();
        if (length > publisher.frameCapacity())
        {
            throw refuseSessionMessage(position, "SessionStart", length + " bytes");
        }
        publisher.publishReady(position, s, length);
        return position;
    }

    /**
     * Publishes a {@code SessionEnd} for this writer's session and source. Cold path.
     *
     * @throws FrameRejectedException as {@link #sessionStart}.
     * @throws IllegalStateException  as {@link TelemetryPipeline#publish}, for instance while a frame is open.
     */
    public long sessionEnd(final long timestampUs, final String label)
    {
        checkTimestamp(timestampUs);
        checkLabel(label);
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
            throw refuseSessionMessage(position, "SessionEnd", ex.getMessage());
        }
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + sessionEndEncoder.encodedLength();
        if (length > publisher.frameCapacity())
        {
            throw refuseSessionMessage(position, "SessionEnd", length + " bytes");
        }
        publisher.publishReady(position, s, length);
        return position;
    }

    /**
     * A session message larger than a slot's frame (max_frame_bytes), which the encoder, bounded by the whole slot,
     * does not always find: the claimed sequence is still published (as rejected), or no later claim could be
     * published after it.
     */
    private FrameRejectedException refuseSessionMessage(final long position, final String kind, final String why)
    {
        publisher.publishRejected(position);
        publisher.count(PipelineCounter.DROPPED_FRAME_TOO_LARGE);
        return new FrameRejectedException(PipelineCounter.DROPPED_FRAME_TOO_LARGE, kind + " refused: its label does " +
            "not fit (max_frame_bytes " + publisher.config().maxFrameBytes() + "): " + why);
    }

    /** Writes a sample into the open frame (each put checked {@link #requireOpen} before its value). */
    private FrameWriter append(final int parameterId, final int type, final long bits)
    {
        if (sampleCount == maxSamples)
        {
            throw refuse(PipelineCounter.DROPPED_FRAME_TOO_LARGE, "frame refused: more than " + maxSamples +
                (slotBoundsSamples ? " samples do not fit a slot (max_frame_bytes " +
                publisher.config().maxFrameBytes() + ")" : " samples, the most a frame may have") +
                "; it was not truncated");
        }
        final int id = parameterId & 0xFFFF;
        final long bit = 1L << id; // a shift takes its count mod 64: the id's bit in its word
        final long word = idsInFrame[id >>> 6];
        if ((word & bit) != 0)
        {
            throw refuse(PipelineCounter.DROPPED_INVALID_PARAMETER, "parameter " + parameterId +
                " appears twice in one frame (each id at most once)");
        }
        idsInFrame[id >>> 6] = word | bit;
        frameIds[sampleCount] = id;
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

    /** A number put into a bool channel: the gateway refuses it too (a JSON number for a bool). */
    private void requireNumeric(final int parameterId, final int type)
    {
        if (type == TYPE_BOOL)
        {
            throw refuse(PipelineCounter.DROPPED_INVALID_PARAMETER, "parameter " + parameterId + " (" +
                dictionary.byId(parameterId).name() + ") is a bool: put it with putBoolean");
        }
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

    /**
     * Every put checks this before its sample: with no frame open (none begun, or the one begun already refused and
     * counted) there is no frame to refuse, and its refusal would count a dropped frame that never was.
     */
    private void requireOpen()
    {
        if (claimed < 0)
        {
            throw new IllegalStateException("no open frame: call begin() first");
        }
    }

    /** Counts and refuses a message before anything is claimed for it: there is nothing to drop. */
    private FrameRejectedException refuseUnclaimed(final String message)
    {
        publisher.count(PipelineCounter.DROPPED_INVALID_PARAMETER);
        return new FrameRejectedException(PipelineCounter.DROPPED_INVALID_PARAMETER, message);
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
