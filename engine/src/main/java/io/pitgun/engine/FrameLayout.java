package io.pitgun.engine;

import io.pitgun.codecs.frame.FrameStructure;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Fixed offsets of a {@code TelemetryFrame} message (SBE header included) of the schema version this engine was
 * built with, so that hot loops read and patch fields without decoder objects. {@link #check} validates a message
 * before any stage reads it this way: every frame in a slot passed it.
 */
final class FrameLayout
{
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    static final int HEADER = MessageHeaderDecoder.ENCODED_LENGTH;
    static final int SESSION_MSB = HEADER + TelemetryFrameDecoder.sessionIdEncodingOffset();
    static final int SESSION_LSB = SESSION_MSB + 8;
    static final int PRODUCER_MSB = HEADER + TelemetryFrameDecoder.producerIdEncodingOffset();
    static final int PRODUCER_LSB = PRODUCER_MSB + 8;
    static final int SEQUENCE = HEADER + TelemetryFrameDecoder.sequenceEncodingOffset();
    static final int TIMESTAMP_US = HEADER + TelemetryFrameDecoder.timestampUsEncodingOffset();
    static final int SOURCE_ID = HEADER + TelemetryFrameDecoder.sourceIdEncodingOffset();
    static final int LAP_NUMBER = HEADER + TelemetryFrameDecoder.lapNumberEncodingOffset();
    static final int SECTOR = HEADER + TelemetryFrameDecoder.sectorEncodingOffset();
    static final int FLAGS = HEADER + TelemetryFrameDecoder.flagsEncodingOffset();
    static final int GROUP_HEADER = HEADER + TelemetryFrameDecoder.BLOCK_LENGTH;
    static final int SAMPLES = GROUP_HEADER + 4;
    static final int SAMPLE_BYTES = TelemetryFrameDecoder.SamplesDecoder.sbeBlockLength();
    static final int SAMPLE_VALUE = TelemetryFrameDecoder.SamplesDecoder.valueEncodingOffset();
    static final int SAMPLE_ID = TelemetryFrameDecoder.SamplesDecoder.parameterIdEncodingOffset();
    static final int SAMPLE_TYPE = TelemetryFrameDecoder.SamplesDecoder.valueTypeEncodingOffset();
    static final int SAMPLE_QUALITY = TelemetryFrameDecoder.SamplesDecoder.qualityEncodingOffset();
    static final int NULL_LAP = TelemetryFrameDecoder.lapNumberNullValue();
    static final short NULL_SECTOR = TelemetryFrameDecoder.sectorNullValue();

    /** FrameFlags bits. */
    static final int FLAG_REPLAYED = 1;
    static final int FLAG_MERGED = 1 << 1;
    static final int FLAG_DERIVED = 1 << 2;

    /** Value types (SBE ValueType codes). */
    static final int TYPE_F32 = 7;
    static final int TYPE_F64 = 8;
    static final int TYPE_BOOL = 9;
    /** SignalQuality codes. */
    static final int QUALITY_ESTIMATED = 2;
    static final int QUALITY_INVALID = 3;

    static final int UNDECODABLE = -1;

    private FrameLayout()
    {
    }

    /**
     * The template id of the one well-formed Pitgun message that {@code buffer[offset, offset + length)} holds, or
     * {@link #UNDECODABLE}: the codecs' {@link FrameStructure} rule (this build's block lengths, every field
     * inside the bytes, enums defined, labels valid UTF-8, nothing left over), so that whatever a slot (and so the
     * journal) holds is readable at the offsets above and by every journal tool.
     */
    static int check(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = FrameStructure.checkExactly(buffer, offset, length);
        return FrameStructure.isReadable(result) ? FrameStructure.templateId(result) : UNDECODABLE;
    }

    /** Template id of a message that passed {@link #check} when it was published into its slot. */
    static int templateId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + 2, ORDER) & 0xFFFF;
    }

    /** Number of samples of a checked frame. */
    static int sampleCount(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + GROUP_HEADER + 2, ORDER) & 0xFFFF;
    }

    /** A sample's value as a double, by its value type. */
    static double doubleValue(final int valueType, final long bits)
    {
        return valueType == TYPE_F32 || valueType == TYPE_F64 ? Double.longBitsToDouble(bits) : (double)bits;
    }

    /** A sample's value as a long (floating-point values truncated toward zero). */
    static long longValue(final int valueType, final long bits)
    {
        return valueType == TYPE_F32 || valueType == TYPE_F64 ? (long)Double.longBitsToDouble(bits) : bits;
    }
}
