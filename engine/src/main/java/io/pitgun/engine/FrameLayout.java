package io.pitgun.engine;

import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
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
     * The template id of a well-formed Pitgun message in {@code buffer[offset, offset + length)}, or
     * {@link #UNDECODABLE}: another schema, an unknown template, a block length other than this build's (frames),
     * or fewer bytes than the header and fixed fields (and, for frames, the samples) need.
     */
    static int check(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER)
        {
            return UNDECODABLE;
        }
        final int blockLength = buffer.getShort(offset, ORDER) & 0xFFFF;
        final int templateId = buffer.getShort(offset + 2, ORDER) & 0xFFFF;
        final int schemaId = buffer.getShort(offset + 4, ORDER) & 0xFFFF;
        if (schemaId != TelemetryFrameDecoder.SCHEMA_ID)
        {
            return UNDECODABLE;
        }
        switch (templateId)
        {
            case TelemetryFrameDecoder.TEMPLATE_ID:
            {
                if (blockLength != TelemetryFrameDecoder.BLOCK_LENGTH || length < SAMPLES)
                {
                    return UNDECODABLE;
                }
                final int groupBlock = buffer.getShort(offset + GROUP_HEADER, ORDER) & 0xFFFF;
                final int count = buffer.getShort(offset + GROUP_HEADER + 2, ORDER) & 0xFFFF;
                return groupBlock == SAMPLE_BYTES && SAMPLES + count * SAMPLE_BYTES <= length ? templateId :
                    UNDECODABLE;
            }
            case SessionStartDecoder.TEMPLATE_ID:
            case SessionEndDecoder.TEMPLATE_ID:
                return length >= HEADER + blockLength && blockLength >= SessionStartDecoder.BLOCK_LENGTH ?
                    templateId : UNDECODABLE;
            case ManifestLoadedDecoder.TEMPLATE_ID:
                return length >= HEADER + blockLength ? templateId : UNDECODABLE;
            default:
                return UNDECODABLE;
        }
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
