package io.pitgun.codecs.frame;

import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.PipelineDrainedDecoder;
import io.pitgun.codecs.sbe.PolicyLoadedDecoder;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.codecs.sbe.ValueType;
import org.agrona.DirectBuffer;

import static io.pitgun.codecs.frame.FrameDescriptor.BLOCK_LENGTH_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_BLOCK_LENGTH_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_COUNT_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_HEADER_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.HEADER_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.MAX_VAR_DATA_BYTES;
import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_QUALITY;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE_TYPE;
import static io.pitgun.codecs.frame.FrameDescriptor.SCHEMA_ID_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.TEMPLATE_ID_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.VAR_LENGTH_BYTES;

/**
 * The structure rule of the Pitgun SBE schema, stated once: what makes bytes one message that this build can read
 * field by field. Stateless, thread-safe, allocation-free and exception-free on any input (every read is
 * bounds-checked here first). {@link FrameValidator} is the one entry point for callers; this is its first level.
 * <p>
 * Acting lengths, as SBE decoders and Aeron's adapters honour them: the header's block length and version and the
 * samples group's block length are the ones the message was written with. A block longer than this build's (a
 * newer schema appended fields) is read at this build's field offsets and its unknown trailing bytes are skipped;
 * a version newer than this build's is read the same way. A block shorter than this build's fixed fields cannot
 * hold them and is refused ({@link FrameProblem#BLOCK_LENGTH}, {@link FrameProblem#GROUP_BLOCK_LENGTH}). The
 * layout and its offsets are {@link FrameDescriptor}'s; {@link FrameFlyweight} reads a message at its acting
 * lengths and turns it into this build's layout.
 * <p>
 * A result is one {@code long}: non-negative for a readable message ({@link #templateId(long)},
 * {@link #messageLength(long)}, the length as received), negative for a problem ({@link #problem(long)} at byte
 * {@link #problemOffset(long)} of the message).
 */
public final class FrameStructure
{
    // The schema's defined ValueType and SignalQuality codes, looked up by number because the generated get()
    // throws on an undefined one.
    private static final boolean[] VALUE_TYPE_DEFINED = new boolean[256];
    private static final boolean[] QUALITY_DEFINED = new boolean[256];

    static
    {
        for (final ValueType type : ValueType.values())
        {
            if (type != ValueType.NULL_VAL)
            {
                VALUE_TYPE_DEFINED[type.value() & 0xFF] = true;
            }
        }
        for (final SignalQuality quality : SignalQuality.values())
        {
            if (quality != SignalQuality.NULL_VAL)
            {
                QUALITY_DEFINED[quality.value() & 0xFF] = true;
            }
        }
    }
    private static final long FAILED = Long.MIN_VALUE;
    /** ManifestLoaded's var-data fields after its root block: manifestName, dictionaryName, signerKeyId. */
    private static final int MANIFEST_LOADED_VAR_FIELDS = 3;
    /** PolicyLoaded's var-data fields after its root block: policyName, signerKeyId. */
    private static final int POLICY_LOADED_VAR_FIELDS = 2;

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
        final int blockLength = FrameDescriptor.blockLength(buffer, offset);
        final int templateId = FrameDescriptor.templateId(buffer, offset);
        if (FrameDescriptor.schemaId(buffer, offset) != MessageHeaderDecoder.SCHEMA_ID)
        {
            return fail(FrameProblem.WRONG_SCHEMA, SCHEMA_ID_OFFSET);
        }
        final int ownBlockLength = blockLengthOf(templateId);
        if (ownBlockLength < 0)
        {
            return fail(FrameProblem.UNKNOWN_TEMPLATE, TEMPLATE_ID_OFFSET);
        }
        if (blockLength < ownBlockLength && !isManifestLoadedWithoutDictionaryDigest(templateId, blockLength))
        {
            return fail(FrameProblem.BLOCK_LENGTH, BLOCK_LENGTH_OFFSET);
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
                end = samples(buffer, offset, position, available);
                break;
            case SessionStartDecoder.TEMPLATE_ID:
            case SessionEndDecoder.TEMPLATE_ID:
                end = varString(buffer, offset, position, available);
                break;
            case PipelineDrainedDecoder.TEMPLATE_ID:
                end = position; // its root block only
                break;
            default: // ManifestLoaded, PolicyLoaded: their var-data strings, one after another
            {
                final int fields = templateId == PolicyLoadedDecoder.TEMPLATE_ID ?
                    POLICY_LOADED_VAR_FIELDS : MANIFEST_LOADED_VAR_FIELDS;
                long after = varString(buffer, offset, position, available);
                for (int field = 1; field < fields && after >= 0; field++)
                {
                    after = varString(buffer, offset, (int)after, available);
                }
                end = after;
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
            case PolicyLoadedDecoder.TEMPLATE_ID: return "PolicyLoaded";
            case PipelineDrainedDecoder.TEMPLATE_ID: return "PipelineDrained";
            default: return "template " + templateId;
        }
    }

    static long fail(final FrameProblem problem, final int offsetInMessage)
    {
        return FAILED | (long)problem.ordinal() << 32 | offsetInMessage & 0xFFFF_FFFFL;
    }

    /**
     * Whether a message is a {@code ManifestLoaded} written before its root block grew by the dictionary's meaning
     * digest (in the same schema version: pitgun-frames.xml says why): such an entry is whole, only shorter, and is
     * read and copied as it is ({@link RecordedDictionary} finds no digest in it).
     */
    static boolean isManifestLoadedWithoutDictionaryDigest(final int templateId, final int blockLength)
    {
        return templateId == ManifestLoadedDecoder.TEMPLATE_ID &&
            blockLength == ManifestLoadedDecoder.dictionaryMeaningDigestEncodingOffset();
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
            case PolicyLoadedDecoder.TEMPLATE_ID: return PolicyLoadedDecoder.BLOCK_LENGTH;
            case PipelineDrainedDecoder.TEMPLATE_ID: return PipelineDrainedDecoder.BLOCK_LENGTH;
            default: return -1;
        }
    }

    // The samples group whose header is at `groupHeader`; returns the position after it.
    private static long samples(final DirectBuffer buffer, final int offset, final int groupHeader,
        final int available)
    {
        final int firstSample = groupHeader + GROUP_HEADER_LENGTH;
        if (firstSample > available)
        {
            return fail(FrameProblem.TRUNCATED, groupHeader);
        }
        final int sampleLength = buffer.getShort(offset + groupHeader + GROUP_BLOCK_LENGTH_OFFSET, ORDER) & 0xFFFF;
        final int count = buffer.getShort(offset + groupHeader + GROUP_COUNT_OFFSET, ORDER) & 0xFFFF;
        if (sampleLength < SAMPLE_LENGTH)
        {
            return fail(FrameProblem.GROUP_BLOCK_LENGTH, groupHeader + GROUP_BLOCK_LENGTH_OFFSET);
        }
        final long end = firstSample + (long)count * sampleLength; // up to 65535 * 65535: a long
        if (end > available)
        {
            return fail(FrameProblem.TRUNCATED, groupHeader + GROUP_COUNT_OFFSET);
        }
        for (int at = firstSample; at < end; at += sampleLength)
        {
            if (!VALUE_TYPE_DEFINED[buffer.getByte(offset + at + SAMPLE_VALUE_TYPE) & 0xFF])
            {
                return fail(FrameProblem.UNDEFINED_VALUE_TYPE, at + SAMPLE_VALUE_TYPE);
            }
            if (!QUALITY_DEFINED[buffer.getByte(offset + at + SAMPLE_QUALITY) & 0xFF])
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
