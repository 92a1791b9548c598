package io.pitgun.journal;

import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.codecs.sbe.ValueType;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.VarStringEncodingDecoder;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Checks that bytes hold exactly one well-formed Pitgun SBE message: the schema id, a known template with its
 * block length, every group and variable-length field inside the bytes, enum fields holding defined values, and
 * nothing left over. Every read is bounds-checked here first, so damaged bytes yield a problem, never an
 * exception. Allocates only to describe a problem. Not thread-safe.
 */
public final class SbeMessageChecker
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int HEADER = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int SAMPLE_BLOCK_LENGTH = TelemetryFrameDecoder.SamplesDecoder.sbeBlockLength();
    private static final int VAR_HEADER = SessionStartDecoder.labelHeaderLength();

    private String problem;
    private int templateId;

    /**
     * Checks {@code buffer[offset, offset + length)}.
     *
     * @return true if it is a well-formed message; otherwise {@link #problem()} says what is wrong.
     */
    public boolean check(final DirectBuffer buffer, final int offset, final int length)
    {
        problem = null;
        templateId = -1;
        if (length < HEADER)
        {
            return fail(length + " bytes, fewer than the " + HEADER + "-byte SBE message header");
        }
        final int blockLength = buffer.getShort(offset, ORDER) & 0xFFFF;
        final int template = buffer.getShort(offset + 2, ORDER) & 0xFFFF;
        final int schemaId = buffer.getShort(offset + 4, ORDER) & 0xFFFF;
        final int version = buffer.getShort(offset + 6, ORDER) & 0xFFFF;
        if (schemaId != MessageHeaderDecoder.SCHEMA_ID)
        {
            return fail("schema id " + schemaId + ", expected " + MessageHeaderDecoder.SCHEMA_ID);
        }
        if (version > MessageHeaderDecoder.SCHEMA_VERSION)
        {
            return fail("schema version " + version + ", newer than " + MessageHeaderDecoder.SCHEMA_VERSION +
                " which this build reads");
        }
        final int expectedBlockLength = blockLengthOf(template);
        if (expectedBlockLength < 0)
        {
            return fail("unknown template id " + template);
        }
        templateId = template;
        if (blockLength != expectedBlockLength)
        {
            return fail(nameOf(template) + " with block length " + blockLength + ", expected " + expectedBlockLength);
        }
        int position = HEADER + blockLength;
        if (position > length)
        {
            return fail(nameOf(template) + " root block runs past the end (" + length + " bytes)");
        }
        switch (template)
        {
            case TelemetryFrameDecoder.TEMPLATE_ID:
                position = checkSamples(buffer, offset, position, length);
                break;
            case SessionStartDecoder.TEMPLATE_ID:
            case SessionEndDecoder.TEMPLATE_ID:
                position = checkVarString(buffer, offset, position, length, "label");
                break;
            case ManifestLoadedDecoder.TEMPLATE_ID:
                position = checkVarString(buffer, offset, position, length, "manifestName");
                if (position >= 0)
                {
                    position = checkVarString(buffer, offset, position, length, "dictionaryName");
                }
                break;
            default:
                break;
        }
        if (position < 0)
        {
            return false;
        }
        if (position != length)
        {
            return fail(nameOf(template) + " of " + position + " bytes followed by " + (length - position) +
                " unexpected bytes");
        }
        return true;
    }

    /** What the last failed {@link #check} found, or null after a successful one. */
    public String problem()
    {
        return problem;
    }

    /** Template id of the last checked message, or -1 if its header was unreadable or the template unknown. */
    public int templateId()
    {
        return templateId;
    }

    /** The message name of a template id ({@code TelemetryFrame}, ...), or {@code template N}. */
    public static String nameOf(final int templateId)
    {
        switch (templateId)
        {
            case TelemetryFrameDecoder.TEMPLATE_ID: return "TelemetryFrame";
            case SessionStartDecoder.TEMPLATE_ID: return "SessionStart";
            case SessionEndDecoder.TEMPLATE_ID: return "SessionEnd";
            case ManifestLoadedDecoder.TEMPLATE_ID: return "ManifestLoaded";
            default: return "template " + templateId;
        }
    }

    private static int blockLengthOf(final int templateId)
    {
        switch (templateId)
        {
            case TelemetryFrameDecoder.TEMPLATE_ID: return TelemetryFrameDecoder.BLOCK_LENGTH;
            case SessionStartDecoder.TEMPLATE_ID: return SessionStartDecoder.BLOCK_LENGTH;
            case SessionEndDecoder.TEMPLATE_ID: return SessionEndDecoder.BLOCK_LENGTH;
            case ManifestLoadedDecoder.TEMPLATE_ID: return ManifestLoadedDecoder.BLOCK_LENGTH;
            default: return -1;
        }
    }

    private int checkSamples(final DirectBuffer buffer, final int offset, final int position, final int length)
    {
        if (position + TelemetryFrameDecoder.SamplesDecoder.HEADER_SIZE > length)
        {
            return failAt("TelemetryFrame samples group header runs past the end (" + length + " bytes)");
        }
        final int groupBlockLength = buffer.getShort(offset + position, ORDER) & 0xFFFF;
        final int count = buffer.getShort(offset + position + 2, ORDER) & 0xFFFF;
        if (groupBlockLength != SAMPLE_BLOCK_LENGTH)
        {
            return failAt("TelemetryFrame samples with block length " + groupBlockLength + ", expected " +
                SAMPLE_BLOCK_LENGTH);
        }
        final int first = position + TelemetryFrameDecoder.SamplesDecoder.HEADER_SIZE;
        final long end = first + (long)count * SAMPLE_BLOCK_LENGTH;
        if (end > length)
        {
            return failAt("TelemetryFrame claims " + count + " samples (" + (end - HEADER) + " bytes), more than the " +
                length + "-byte message holds");
        }
        for (int i = 0; i < count; i++)
        {
            final int sample = offset + first + i * SAMPLE_BLOCK_LENGTH;
            final short valueType = (short)(buffer.getByte(
                sample + TelemetryFrameDecoder.SamplesDecoder.valueTypeEncodingOffset()) & 0xFF);
            if (ValueType.get(valueType) == ValueType.NULL_VAL)
            {
                return failAt("TelemetryFrame sample " + i + " has undefined valueType " + valueType);
            }
            final short quality = (short)(buffer.getByte(
                sample + TelemetryFrameDecoder.SamplesDecoder.qualityEncodingOffset()) & 0xFF);
            if (SignalQuality.get(quality) == SignalQuality.NULL_VAL)
            {
                return failAt("TelemetryFrame sample " + i + " has undefined quality " + quality);
            }
        }
        return (int)end;
    }

    private int checkVarString(
        final DirectBuffer buffer, final int offset, final int position, final int length, final String field)
    {
        if (position + VAR_HEADER > length)
        {
            return failAt(nameOf(templateId) + " " + field + " length runs past the end (" + length + " bytes)");
        }
        final int dataLength = buffer.getShort(offset + position, ORDER) & 0xFFFF;
        if (dataLength > VarStringEncodingDecoder.lengthMaxValue())
        {
            return failAt(nameOf(templateId) + " " + field + " of " + dataLength + " bytes, more than the " +
                VarStringEncodingDecoder.lengthMaxValue() + " allowed");
        }
        final int end = position + VAR_HEADER + dataLength;
        if (end > length)
        {
            return failAt(nameOf(templateId) + " " + field + " of " + dataLength + " bytes runs past the end (" +
                length + " bytes)");
        }
        return end;
    }

    private boolean fail(final String description)
    {
        problem = description;
        return false;
    }

    private int failAt(final String description)
    {
        problem = description;
        return -1;
    }
}
