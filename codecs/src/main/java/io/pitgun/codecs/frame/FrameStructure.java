package io.pitgun.codecs.frame;

import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.codecs.sbe.VarStringEncodingDecoder;
import org.agrona.DirectBuffer;

import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_HEADER;
import static io.pitgun.codecs.frame.FrameDescriptor.HEADER_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.MAX_VAR_DATA_BYTES;
import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLES;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_QUALITY;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE_TYPE;
import static io.pitgun.codecs.frame.FrameDescriptor.VAR_LENGTH_BYTES;

/**
 * The structure rule of the Pitgun SBE schema, stated once: what makes bytes one message that this build can read
 * field by field at fixed offsets. Stateless, thread-safe, allocation-free and exception-free on any input (every
 * read is bounds-checked here first), so the engine's publish path, the gateway and the journal tools all call it.
 * <pre>
 *  0      2          4         6        8                      8+blockLength
 *  +------+----------+---------+--------+----------------------+-------------------------------------------+
 *  |block |templateId| schemaId| version| root block           | TelemetryFrame: samples group             |
 *  |Length|          |  (7301) |  (<=1) | (this build's length)|  blockLength u16 (=12) | numInGroup u16   |
 *  +------+----------+---------+--------+----------------------+  numInGroup x {value i64, parameterId u16, |
 *                                                              |               valueType u8, quality u8}   |
 *                                                              | Session*: label; ManifestLoaded: two names |
 *                                                              |  length u16 (<=1024), UTF-8 bytes          |
 *                                                              +-------------------------------------------+
 * </pre>
 * Block lengths must equal this build's: the engine reads frames at fixed offsets and the journal stores them byte
 * for byte, so a message written by a producer with a different block length is refused here rather than read
 * wrongly later ({@link FrameProblem#BLOCK_LENGTH}, {@link FrameProblem#GROUP_BLOCK_LENGTH}).
 * <p>
 * A result is one {@code long}: non-negative for a readable message ({@link #templateId(long)},
 * {@link #messageLength(long)}), negative for a problem ({@link #problem(long)} at byte
 * {@link #problemOffset(long)} of the message).
 */
public final class FrameStructure
{
    // ValueType 0..9 (U8..BOOL) and SignalQuality 0..3 (GOOD..INVALID): the schema's defined values, compared
    // as numbers because the generated get() throws on an undefined one.
    private static final int MAX_VALUE_TYPE = 9;
    private static final int MAX_QUALITY = 3;
    private static final long FAILED = Long.MIN_VALUE;

    private FrameStructure()
    {
    }

    /**
     * Checks the message that starts at {@code offset}, with {@code available} bytes from there on (it may be
     * followed by more messages).
     *
     * @return a result: {@link #isReadable(long)} and then its template id and length, or its problem.
     */
    public static long check(final DirectBuffer buffer, final int offset, final int available)
    {
        if (available < HEADER_LENGTH)
        {
            return fail(FrameProblem.TRUNCATED, 0);
        }
        final int blockLength = buffer.getShort(offset, ORDER) & 0xFFFF;
        final int templateId = buffer.getShort(offset + 2, ORDER) & 0xFFFF;
        final int schemaId = buffer.getShort(offset + 4, ORDER) & 0xFFFF;
        final int version = buffer.getShort(offset + 6, ORDER) & 0xFFFF;
        if (schemaId != MessageHeaderDecoder.SCHEMA_ID)
        {
            return fail(FrameProblem.WRONG_SCHEMA, 4);
        }
        if (version > MessageHeaderDecoder.SCHEMA_VERSION)
        {
            return fail(FrameProblem.UNSUPPORTED_VERSION, 6);
        }
        final int expectedBlockLength = blockLengthOf(templateId);
        if (expectedBlockLength < 0)
        {
            return fail(FrameProblem.UNKNOWN_TEMPLATE, 2);
        }
        if (blockLength != expectedBlockLength)
        {
            return fail(FrameProblem.BLOCK_LENGTH, 0);
        }
        final int position = HEADER_LENGTH + blockLength;
        if (position > available)
        {
            return fail(FrameProblem.TRUNCATED, HEADER_LENGTH);
        }
        final long end;
        switch (templateId)
        {
            case TelemetryFrameDecoder.TEMPLATE_ID:
                end = samples(buffer, offset, available);
                break;
            case SessionStartDecoder.TEMPLATE_ID:
            case SessionEndDecoder.TEMPLATE_ID:
                end = varString(buffer, offset, position, available);
                break;
            default: // ManifestLoaded: manifestName, dictionaryName
            {
                final long afterName = varString(buffer, offset, position, available);
                end = afterName < 0 ? afterName : varString(buffer, offset, (int)afterName, available);
                break;
            }
        }
        return end < 0 ? end : (long)templateId << 32 | end;
    }

    /**
     * Like {@link #check} for bytes that must hold exactly one message (a journal entry, a ring slot).
     */
    public static long checkExactly(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = check(buffer, offset, length);
        return isReadable(result) && messageLength(result) != length ?
            fail(FrameProblem.TRAILING_BYTES, messageLength(result)) : result;
    }

    /** True if the result is a readable message. */
    public static boolean isReadable(final long result)
    {
        return result >= 0;
    }

    /** Template id of a readable message. */
    public static int templateId(final long result)
    {
        return (int)(result >>> 32);
    }

    /** Length in bytes of a readable message, header included. */
    public static int messageLength(final long result)
    {
        return (int)result;
    }

    /** The problem of an unreadable message. */
    public static FrameProblem problem(final long result)
    {
        return FrameProblem.ofOrdinal((int)(result >>> 32) & 0xFF);
    }

    /** Byte offset, from the start of the message, of the field that has the problem. */
    public static int problemOffset(final long result)
    {
        return (int)result;
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

    static long fail(final FrameProblem problem, final int offsetInMessage)
    {
        return FAILED | (long)problem.ordinal() << 32 | offsetInMessage & 0xFFFF_FFFFL;
    }

    /** This build's root block length of a template, or -1 for an unknown template. */
    static int blockLengthOf(final int templateId)
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

    private static long samples(final DirectBuffer buffer, final int offset, final int available)
    {
        if (SAMPLES > available)
        {
            return fail(FrameProblem.TRUNCATED, GROUP_HEADER);
        }
        final int groupBlockLength = buffer.getShort(offset + GROUP_HEADER, ORDER) & 0xFFFF;
        final int count = buffer.getShort(offset + GROUP_HEADER + 2, ORDER) & 0xFFFF;
        if (groupBlockLength != SAMPLE_LENGTH)
        {
            return fail(FrameProblem.GROUP_BLOCK_LENGTH, GROUP_HEADER);
        }
        final int end = SAMPLES + count * SAMPLE_LENGTH; // at most 65535 * 12: no overflow
        if (end > available)
        {
            return fail(FrameProblem.TRUNCATED, GROUP_HEADER + 2);
        }
        for (int at = SAMPLES; at < end; at += SAMPLE_LENGTH)
        {
            if ((buffer.getByte(offset + at + SAMPLE_VALUE_TYPE) & 0xFF) > MAX_VALUE_TYPE)
            {
                return fail(FrameProblem.UNDEFINED_VALUE_TYPE, at + SAMPLE_VALUE_TYPE);
            }
            if ((buffer.getByte(offset + at + SAMPLE_QUALITY) & 0xFF) > MAX_QUALITY)
            {
                return fail(FrameProblem.UNDEFINED_QUALITY, at + SAMPLE_QUALITY);
            }
        }
        return end;
    }

    // A var-data string at `position`; returns the position after it.
    private static long varString(final DirectBuffer buffer, final int offset, final int position, final int available)
    {
        if (position + VAR_LENGTH_BYTES > available)
        {
            return fail(FrameProblem.TRUNCATED, position);
        }
        final int dataLength = buffer.getShort(offset + position, ORDER) & 0xFFFF;
        if (dataLength > MAX_VAR_DATA_BYTES)
        {
            return fail(FrameProblem.VAR_DATA_TOO_LONG, position);
        }
        final int start = position + VAR_LENGTH_BYTES;
        final int end = start + dataLength;
        if (end > available)
        {
            return fail(FrameProblem.TRUNCATED, position);
        }
        final int bad = Utf8.firstInvalid(buffer, offset + start, dataLength);
        return bad < 0 ? end : fail(FrameProblem.INVALID_UTF8, start + bad);
    }
}
