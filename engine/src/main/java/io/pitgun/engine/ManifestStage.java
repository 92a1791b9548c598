package io.pitgun.engine;

import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterTable;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.runtime.FrameValues;
import io.pitgun.manifest.runtime.ValueKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.pitgun.codecs.frame.FrameDescriptor.FLAGS;
import static io.pitgun.codecs.frame.FrameDescriptor.FLAG_DERIVED;
import static io.pitgun.codecs.frame.FrameDescriptor.FLAG_REPLAYED;
import static io.pitgun.codecs.frame.FrameDescriptor.FRAME_BLOCK_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.FRAME_HEADER_WORD;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_COUNT_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_HEADER;
import static io.pitgun.codecs.frame.FrameDescriptor.HEADER_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;
import static io.pitgun.codecs.frame.FrameDescriptor.PRODUCER_LSB;
import static io.pitgun.codecs.frame.FrameDescriptor.PRODUCER_MSB;
import static io.pitgun.codecs.frame.FrameDescriptor.QUALITY_ESTIMATED;
import static io.pitgun.codecs.frame.FrameDescriptor.QUALITY_INVALID;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLES;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_ID;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_QUALITY;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE_TYPE;
import static io.pitgun.codecs.frame.FrameDescriptor.SESSION_LSB;
import static io.pitgun.codecs.frame.FrameDescriptor.SESSION_MSB;
import static io.pitgun.codecs.frame.FrameDescriptor.SOURCE_ID;
import static io.pitgun.codecs.frame.FrameDescriptor.TIMESTAMP_US;
import static io.pitgun.codecs.frame.FrameDescriptor.TYPE_BOOL;

/**
 * The manifest stage: runs the compiled {@code FrameProgram} of the frame's (session, source) stream and writes the
 * derived frame into the slot's output area — the input samples the manifest keeps, then each present derived
 * channel as parameter {@code 32768 + index} with its declared type and quality {@code ESTIMATED} (an integer value
 * the type cannot hold was made absent by the program, and is counted here). Then it hands
 * the derived frame to the segment stage and, when the manifest outputs {@code pitgun-envelope/v1}, to the sinks.
 *
 * <p>Allocation-free per frame: the input table is filled straight from the SBE bytes through a {@link ParameterTable}
 * (per parameter id: the program's input slot and value kind, and whether the manifest keeps the sample).
 * Samples of quality {@code INVALID} are kept in the output but not given to the program.
 */
final class ManifestStage
{
    private static final byte KIND_NONE = 0;
    private static final byte KIND_DOUBLE = 1;
    private static final byte KIND_LONG = 2;
    private static final byte KIND_BOOLEAN = 3;

    private final StreamTable streams;
    private final SegmentStage segment;
    private final OutputFanout fanout;
    private final PipelineCounters counters;
    private final boolean emitFrames;
    private final FrameValues in;
    private final FrameValues out;
    /** Per parameter id: slot = program input, kind = KIND_*, selected = kept in the output. */
    private final ParameterTable inputs;
    private final int derivedCount;
    private final boolean[] derivedEmitted;
    private final byte[] derivedKind;
    private final int[] derivedValueType;
    private final int[] typeQualityBits;
    private final int outputOffset;

    ManifestStage(final CompiledManifest manifest, final SlotDescriptor descriptor, final StreamTable streams,
        final SegmentStage segment, final OutputFanout fanout, final PipelineCounters counters)
    {
        this.streams = streams;
        this.segment = segment;
        this.fanout = fanout;
        this.counters = counters;
        this.emitFrames = manifest.emitsFrames();
        this.in = manifest.newInputValues();
        this.out = manifest.newOutputValues();
        this.outputOffset = descriptor.outputOffset();
        final ParameterTable.Builder inputTable = ParameterTable.builder();
        for (final ProgramPlan.Input input : manifest.inputs())
        {
            inputTable.slot(input.parameterId(), input.slot(), kindCode(input.kind()));
        }
        for (final ParameterDefinition parameter : manifest.registry().parameters())
        {
            inputTable.select(parameter.id(), manifest.emits(parameter.name()));
        }
        this.inputs = inputTable.build();
        derivedCount = manifest.derivedChannels().size();
        derivedEmitted = new boolean[derivedCount];
        derivedKind = new byte[derivedCount];
        derivedValueType = new int[derivedCount];
        typeQualityBits = new int[derivedCount];
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            final int i = channel.index();
            derivedEmitted[i] = manifest.emits(channel.name());
            derivedKind[i] = kindCode(channel.kind());
            final DataType dataType = channel.dataType();
            derivedValueType[i] = dataType.valueType().value();
            // parameterId (u16), valueType (u8) and quality (u8) are adjacent: one little-endian int writes all three.
            typeQualityBits[i] = (channel.parameterId() & 0xFFFF) | (derivedValueType[i] << 16) |
                (QUALITY_ESTIMATED << 24);
        }
    }

    private static byte kindCode(final ValueKind kind)
    {
        return kind == ValueKind.DOUBLE ? KIND_DOUBLE : kind == ValueKind.LONG ? KIND_LONG : KIND_BOOLEAN;
    }

    /**
     * Runs the manifest over one checked TelemetryFrame.
     *
     * @param firstIndex first journal index the frame came from (a merged frame spans several).
     * @param lastIndex  last journal index the frame came from.
     */
    void onFrame(final FrameSlot slot, final DirectBuffer frame, final int offset, final long firstIndex,
        final long lastIndex)
    {
        final long timestampUs = frame.getLong(offset + TIMESTAMP_US, ORDER);
        final StreamState stream = streams.findOrCreate(
            frame.getLong(offset + SESSION_MSB, ORDER), frame.getLong(offset + SESSION_LSB, ORDER),
            frame.getShort(offset + SOURCE_ID, ORDER) & 0xFFFF,
            frame.getLong(offset + PRODUCER_MSB, ORDER), frame.getLong(offset + PRODUCER_LSB, ORDER), timestampUs);
        if (stream == null)
        {
            counters.increment(PipelineCounter.DROPPED_TOO_MANY_SOURCES);
            return;
        }
        counters.increment(PipelineCounter.FRAMES_PROCESSED);
        final MutableDirectBuffer output = slot.buffer();
        final int o = outputOffset;

        final int count = FrameDescriptor.sampleCount(frame, offset);
        // One check of everything written and read below, then unchecked access (UncheckedAccess says why).
        frame.boundsCheck(offset, SAMPLES + count * SAMPLE_LENGTH);
        output.boundsCheck(o, SAMPLES + (count + derivedCount) * SAMPLE_LENGTH);
        final byte[] frameArray = frame.byteArray();
        final byte[] outputArray = output.byteArray();
        final long frameStart = frame.addressOffset() + offset;
        final long outputStart = output.addressOffset() + o;

        // The message header in one store.
        UncheckedAccess.putLong(outputArray, outputStart, FRAME_HEADER_WORD);
        // The 54-byte fixed block as word moves: a copyMemory call (checks, stub) costs more than the copy.
        final int block = HEADER_LENGTH;
        int w = 0;
        for (; w + Long.BYTES <= FRAME_BLOCK_LENGTH; w += Long.BYTES)
        {
            UncheckedAccess.putLong(outputArray, outputStart + block + w,
                UncheckedAccess.getLong(frameArray, frameStart + block + w));
        }
        for (; w < FRAME_BLOCK_LENGTH; w++)
        {
            UncheckedAccess.putByte(outputArray, outputStart + block + w,
                UncheckedAccess.getByte(frameArray, frameStart + block + w));
        }
        final int flags = (UncheckedAccess.getByte(frameArray, frameStart + FLAGS) |
            FLAG_DERIVED) & ~FLAG_REPLAYED;
        UncheckedAccess.putByte(outputArray, outputStart + FLAGS, (byte)flags);
        UncheckedAccess.putShort(outputArray, outputStart + GROUP_HEADER, (short)SAMPLE_LENGTH);

        final FrameValues in = this.in;
        final ParameterTable inputs = this.inputs;
        in.clear();
        in.timestampUs(timestampUs);
        long s = frameStart + SAMPLES;
        long p = outputStart + SAMPLES;
        int written = 0;
        for (int i = 0; i < count; i++, s += SAMPLE_LENGTH)
        {
            final int id = UncheckedAccess.getUnsignedShort(frameArray, s + SAMPLE_ID);
            final int inputSlot = inputs.slot(id);
            if (inputSlot >= 0 &&
                UncheckedAccess.getByte(frameArray, s + SAMPLE_QUALITY) != QUALITY_INVALID)
            {
                final int valueType = UncheckedAccess.getByte(frameArray, s + SAMPLE_VALUE_TYPE);
                final long bits = UncheckedAccess.getLong(frameArray, s + SAMPLE_VALUE);
                switch (inputs.kind(id))
                {
                    case KIND_DOUBLE:
                        in.putDouble(inputSlot, FrameDescriptor.doubleValue(valueType, bits));
                        break;
                    case KIND_LONG:
                        in.putLong(inputSlot, FrameDescriptor.longValue(valueType, bits));
                        break;
                    default:
                        in.putBoolean(inputSlot, FrameDescriptor.doubleValue(valueType, bits) != 0);
                        break;
                }
            }
            if (inputs.isSelected(id))
            {
                // 12 bytes as one long and one int: a copyMemory call per sample costs more than the copy.
                UncheckedAccess.putLong(outputArray, p, UncheckedAccess.getLong(frameArray, s));
                UncheckedAccess.putInt(outputArray, p + 8, UncheckedAccess.getInt(frameArray, s + 8));
                p += SAMPLE_LENGTH;
                written++;
            }
        }

        if (!stream.program.onFrame(in, out))
        {
            counters.increment(PipelineCounter.FRAMES_FILTERED);
            slot.outputLength(0);
            return;
        }
        final FrameValues out = this.out;
        for (int i = 0; i < derivedCount; i++)
        {
            if (out.isPresent(i))
            {
                if (derivedEmitted[i])
                {
                    UncheckedAccess.putLong(outputArray, p + SAMPLE_VALUE, derivedBits(i, out));
                    UncheckedAccess.putInt(outputArray, p + SAMPLE_ID, typeQualityBits[i]);
                    p += SAMPLE_LENGTH;
                    written++;
                }
            }
            else if (out.isOutOfType(i))
            {
                counters.increment(PipelineCounter.DERIVED_SAMPLES_OUT_OF_TYPE);
            }
        }
        UncheckedAccess.putShort(outputArray, outputStart + GROUP_HEADER + GROUP_COUNT_OFFSET, (short)written);
        final int length = (int)(p - outputStart);
        slot.outputLength(length);
        segment.onDerivedFrame(stream, output, o, firstIndex, lastIndex);
        if (emitFrames)
        {
            fanout.onDerivedFrame(output, o, length, lastIndex);
        }
    }

    /** The 64 value bits of derived slot {@code i} in its declared data type. */
    private long derivedBits(final int i, final FrameValues out)
    {
        final int valueType = derivedValueType[i];
        switch (derivedKind[i])
        {
            case KIND_DOUBLE:
            {
                final double v = out.doubleValue(i);
                if (valueType == FrameDescriptor.TYPE_F64)
                {
                    return Double.doubleToRawLongBits(v);
                }
                if (valueType == FrameDescriptor.TYPE_F32)
                {
                    return Double.doubleToRawLongBits(v != v ? Double.NaN : (double)(float)v);
                }
                return valueType == TYPE_BOOL ? (v != 0 ? 1 : 0) : (long)v;
            }
            case KIND_LONG:
            {
                final long v = out.longValue(i);
                if (valueType == FrameDescriptor.TYPE_F64)
                {
                    return Double.doubleToRawLongBits((double)v);
                }
                if (valueType == FrameDescriptor.TYPE_F32)
                {
                    return Double.doubleToRawLongBits((double)(float)v);
                }
                return valueType == TYPE_BOOL ? (v != 0 ? 1 : 0) : v;
            }
            default:
            {
                final long v = out.longValue(i) != 0 ? 1 : 0;
                return valueType == FrameDescriptor.TYPE_F64 || valueType == FrameDescriptor.TYPE_F32 ?
                    Double.doubleToRawLongBits((double)v) : v;
            }
        }
    }
}
