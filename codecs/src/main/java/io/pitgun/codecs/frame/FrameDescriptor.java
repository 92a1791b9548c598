package io.pitgun.codecs.frame;

import io.pitgun.codecs.sbe.FrameFlagsEncoder;
import io.pitgun.codecs.sbe.GroupSizeEncodingDecoder;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.codecs.sbe.ValueType;
import io.pitgun.codecs.sbe.VarStringEncodingDecoder;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The one statement of where the fields of a Pitgun SBE message lie, in the layout of the schema this build was
 * generated from (every offset below derives from the generated codecs' constants, none is typed in). Offsets are
 * from the start of the message, its 8-byte header included, so hot loops read and patch fields without decoder
 * objects.
 * <pre>
 *   0               2               4               6               8
 *   +---------------+---------------+---------------+---------------+
 *   | blockLength   | templateId    | schemaId 7301 | version       |  message header (HEADER_LENGTH)
 *   +---------------+---------------+---------------+---------------+
 *   |                 sessionId  (msb 8, lsb 8)                     |  8   TelemetryFrame root block
 *   |                 producerId (msb 8, lsb 8)                     | 24   (FRAME_BLOCK_LENGTH = 54)
 *   |                 sequence u64                                  | 40
 *   |                 timestampUs i64                               | 48
 *   | sourceId u16  | lapNumber u16 |sector u8|flags u8|            | 56, 58, 60, 61
 *   +---------------+---------------+---------------+---------------+
 *   | blockLength=12| numInGroup    |                                  62   samples group header (GROUP_HEADER)
 *   +---------------+---------------+-------------------------------+
 *   |                 value i64 (raw bits)                          | 66   SAMPLES: numInGroup x SAMPLE_LENGTH
 *   | parameterId   |valueType|quality|                             |      (+0 value, +8 id, +10 type, +11 quality)
 *   +---------------+---------------+-------------------------------+
 *   SessionStart / SessionEnd: header, root block (sessionId, producerId, timestampUs, sourceId), label
 *   ManifestLoaded: header, root block (timestampUs, manifestDigest), manifestName, dictionaryName, signerKeyId
 *   PolicyLoaded: header, root block (timestampUs, policyDigest), policyName, signerKeyId
 *   PipelineDrained: header, root block (timestampUs)
 *   var-data: length u16 (at most MAX_VAR_DATA_BYTES), then that many UTF-8 bytes
 * </pre>
 * A received message may be laid out by a newer schema that appended fields to the root block or to a sample:
 * its header's block length and its group header's block length (the <em>acting</em> lengths) say so, and
 * {@link FrameFlyweight} reads it at them. Every message in a ring slot or a journal entry is in this build's
 * layout ({@link FrameFlyweight#copyNormalised}), so the engine and the journal tools read at the constants here.
 */
public final class FrameDescriptor
{
    /** Byte order of every field. */
    public static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /** Bytes of the SBE message header. */
    public static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    /** Offset of the header's root block length. */
    public static final int BLOCK_LENGTH_OFFSET = MessageHeaderDecoder.blockLengthEncodingOffset();
    /** Offset of the header's template id. */
    public static final int TEMPLATE_ID_OFFSET = MessageHeaderDecoder.templateIdEncodingOffset();
    /** Offset of the header's schema id. */
    public static final int SCHEMA_ID_OFFSET = MessageHeaderDecoder.schemaIdEncodingOffset();
    /** Offset of the header's schema version. */
    public static final int VERSION_OFFSET = MessageHeaderDecoder.versionEncodingOffset();

    /** Root block length of a {@code TelemetryFrame} in this build. */
    public static final int FRAME_BLOCK_LENGTH = TelemetryFrameDecoder.BLOCK_LENGTH;
    /**
     * This build's {@code TelemetryFrame} message header (block length, template id, schema id, version) as the one
     * little-endian long its eight bytes form, so a writer puts the whole header with one store.
     */
    public static final long FRAME_HEADER_WORD =
        (FRAME_BLOCK_LENGTH & 0xFFFFL) << (BLOCK_LENGTH_OFFSET * Byte.SIZE) |
        (TelemetryFrameDecoder.TEMPLATE_ID & 0xFFFFL) << (TEMPLATE_ID_OFFSET * Byte.SIZE) |
        (TelemetryFrameDecoder.SCHEMA_ID & 0xFFFFL) << (SCHEMA_ID_OFFSET * Byte.SIZE) |
        (TelemetryFrameDecoder.SCHEMA_VERSION & 0xFFFFL) << (VERSION_OFFSET * Byte.SIZE);
    /** A frame's session id, most significant half. */
    public static final int SESSION_MSB = HEADER_LENGTH + TelemetryFrameDecoder.sessionIdEncodingOffset();
    /** A frame's session id, least significant half. */
    public static final int SESSION_LSB = SESSION_MSB + Long.BYTES;
    /** A frame's producer id, most significant half. */
    public static final int PRODUCER_MSB = HEADER_LENGTH + TelemetryFrameDecoder.producerIdEncodingOffset();
    /** A frame's producer id, least significant half. */
    public static final int PRODUCER_LSB = PRODUCER_MSB + Long.BYTES;
    /** A frame's sequence. */
    public static final int SEQUENCE = HEADER_LENGTH + TelemetryFrameDecoder.sequenceEncodingOffset();
    /** A frame's capture time. */
    public static final int TIMESTAMP_US = HEADER_LENGTH + TelemetryFrameDecoder.timestampUsEncodingOffset();
    /** A frame's source id. */
    public static final int SOURCE_ID = HEADER_LENGTH + TelemetryFrameDecoder.sourceIdEncodingOffset();
    /** A frame's lap number ({@link #NULL_LAP} when absent). */
    public static final int LAP_NUMBER = HEADER_LENGTH + TelemetryFrameDecoder.lapNumberEncodingOffset();
    /** A frame's sector ({@link #NULL_SECTOR} when absent). */
    public static final int SECTOR = HEADER_LENGTH + TelemetryFrameDecoder.sectorEncodingOffset();
    /** A frame's flags ({@link #FLAG_REPLAYED}, {@link #FLAG_MERGED}, {@link #FLAG_DERIVED}). */
    public static final int FLAGS = HEADER_LENGTH + TelemetryFrameDecoder.flagsEncodingOffset();

    /** Bytes of the samples group header. */
    public static final int GROUP_HEADER_LENGTH = TelemetryFrameDecoder.SamplesDecoder.HEADER_SIZE;
    /** Offset of the samples group header in this build's layout. */
    public static final int GROUP_HEADER = HEADER_LENGTH + FRAME_BLOCK_LENGTH;
    /** Offset of the group header's block length, from the group header. */
    public static final int GROUP_BLOCK_LENGTH_OFFSET = GroupSizeEncodingDecoder.blockLengthEncodingOffset();
    /** Offset of the group header's sample count, from the group header. */
    public static final int GROUP_COUNT_OFFSET = GroupSizeEncodingDecoder.numInGroupEncodingOffset();
    /** Offset of the first sample in this build's layout. */
    public static final int SAMPLES = GROUP_HEADER + GROUP_HEADER_LENGTH;
    /** Bytes of one sample in this build. */
    public static final int SAMPLE_LENGTH = TelemetryFrameDecoder.SamplesDecoder.sbeBlockLength();
    /** A sample's value bits, from the sample. */
    public static final int SAMPLE_VALUE = TelemetryFrameDecoder.SamplesDecoder.valueEncodingOffset();
    /** A sample's parameter id, from the sample; valueType and quality follow it (one int holds all three). */
    public static final int SAMPLE_ID = TelemetryFrameDecoder.SamplesDecoder.parameterIdEncodingOffset();
    /** A sample's value type, from the sample. */
    public static final int SAMPLE_VALUE_TYPE = TelemetryFrameDecoder.SamplesDecoder.valueTypeEncodingOffset();
    /** A sample's quality, from the sample. */
    public static final int SAMPLE_QUALITY = TelemetryFrameDecoder.SamplesDecoder.qualityEncodingOffset();

    /** A session marker's session id, most significant half ({@code SessionStart} and {@code SessionEnd} alike). */
    public static final int MARKER_SESSION_MSB = HEADER_LENGTH + SessionStartDecoder.sessionIdEncodingOffset();
    /** A session marker's session id, least significant half. */
    public static final int MARKER_SESSION_LSB = MARKER_SESSION_MSB + Long.BYTES;
    /** A session marker's time. */
    public static final int MARKER_TIMESTAMP_US = HEADER_LENGTH + SessionStartDecoder.timestampUsEncodingOffset();
    /** A session marker's source id. */
    public static final int MARKER_SOURCE_ID = HEADER_LENGTH + SessionStartDecoder.sourceIdEncodingOffset();
    /** Bytes of a var-data length. */
    public static final int VAR_LENGTH_BYTES = VarStringEncodingDecoder.lengthEncodingLength();
    /** Largest var-data length the schema allows. */
    public static final int MAX_VAR_DATA_BYTES = VarStringEncodingDecoder.lengthMaxValue();

    /** The lap number of a frame without one. */
    public static final int NULL_LAP = TelemetryFrameDecoder.lapNumberNullValue();
    /** The sector of a frame without one. */
    public static final int NULL_SECTOR = TelemetryFrameDecoder.sectorNullValue();
    /** FrameFlags: published by a journal replay. */
    public static final int FLAG_REPLAYED = FrameFlagsEncoder.replayed((byte)0, true);
    /** FrameFlags: built by the merge stage from several sources. */
    public static final int FLAG_MERGED = FrameFlagsEncoder.merged((byte)0, true);
    /** FrameFlags: holds manifest output. */
    public static final int FLAG_DERIVED = FrameFlagsEncoder.derived((byte)0, true);
    /** ValueType codes the hot paths branch on. */
    public static final int TYPE_I64 = ValueType.I64.value();
    /** ValueType F32. */
    public static final int TYPE_F32 = ValueType.F32.value();
    /** ValueType F64. */
    public static final int TYPE_F64 = ValueType.F64.value();
    /** ValueType BOOL. */
    public static final int TYPE_BOOL = ValueType.BOOL.value();
    /** SignalQuality GOOD: measured and within the dictionary range (what JSON frames carry). */
    public static final int QUALITY_GOOD = SignalQuality.GOOD.value();
    /** SignalQuality DEGRADED: measured but flagged (by the producer, or by a tuning policy in flag mode). */
    public static final int QUALITY_DEGRADED = SignalQuality.DEGRADED.value();
    /** SignalQuality ESTIMATED (what derived channels carry). */
    public static final int QUALITY_ESTIMATED = SignalQuality.ESTIMATED.value();
    /** SignalQuality INVALID: such a sample is journaled but neither fed to formulas nor aggregated. */
    public static final int QUALITY_INVALID = SignalQuality.INVALID.value();

    private FrameDescriptor()
    {
    }

    /** The header's root block length: the acting one of a received message. */
    public static int blockLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + BLOCK_LENGTH_OFFSET, ORDER) & 0xFFFF;
    }

    /** The header's template id. */
    public static int templateId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + TEMPLATE_ID_OFFSET, ORDER) & 0xFFFF;
    }

    /** The header's schema id. */
    public static int schemaId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + SCHEMA_ID_OFFSET, ORDER) & 0xFFFF;
    }

    /** The header's schema version: the acting version of a received message. */
    public static int version(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + VERSION_OFFSET, ORDER) & 0xFFFF;
    }

    /** Number of samples of a frame in this build's layout (a slot's, a journal entry's). */
    public static int sampleCount(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + GROUP_HEADER + GROUP_COUNT_OFFSET, ORDER) & 0xFFFF;
    }

    /**
     * The value a sample of {@code valueType} holds when {@code value} is written to it: an F32 sample holds the
     * nearest float (widened back to a double, its stored bits), any other type the value itself. The dictionary range
     * is checked on this stored value, not on the value given: {@code EnvelopeDecoder} narrows a JSON number for an
     * f32 channel first and then checks, and embedded writers ({@code FrameWriter}) do the same, so a number is
     * accepted or refused alike whichever way it comes in (Speed, f32 in [0, 400]: 400.00001 is the float 400.0, in
     * range; 400.0001 is 400.0000916, out of it).
     */
    public static double storedValue(final int valueType, final double value)
    {
        return valueType == TYPE_F32 ? (double)(float)value : value;
    }

    /** A sample's value as a double, by its value type. */
    public static double doubleValue(final int valueType, final long bits)
    {
        return valueType == TYPE_F32 || valueType == TYPE_F64 ? Double.longBitsToDouble(bits) : (double)bits;
    }

    /** A sample's value as a long (floating-point values truncated toward zero). */
    public static long longValue(final int valueType, final long bits)
    {
        return valueType == TYPE_F32 || valueType == TYPE_F64 ? (long)Double.longBitsToDouble(bits) : bits;
    }
}
