package io.pitgun.codecs.frame;

import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.pitgun.codecs.frame.FrameDescriptor.BLOCK_LENGTH_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.FRAME_BLOCK_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_BLOCK_LENGTH_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_COUNT_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_HEADER_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.HEADER_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_ID;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_QUALITY;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE_TYPE;
import static io.pitgun.codecs.frame.FrameDescriptor.VERSION_OFFSET;

/**
 * Reads one received Pitgun SBE message at its <em>acting</em> lengths, as an SBE decoder wrapped with
 * {@code wrap(buffer, offset, actingBlockLength, actingVersion)} does: the header's block length places the
 * samples group (or the var-data of a session marker), the group header's block length is the stride between
 * samples, and the fields this build knows are read at {@link FrameDescriptor}'s offsets within each block, so
 * bytes a newer schema appended to a block are skipped. Wrap only messages that passed {@link FrameValidator}
 * (every read here trusts the structure). Re-wrap per message; not thread-safe; allocation-free.
 * <p>
 * <b>What is kept of the extra bytes.</b> {@link #copyNormalised} turns a message into this build's layout (this
 * build's block lengths and version, the appended bytes dropped) when it is copied into a ring slot, so every slot
 * and journal entry is in one layout: the engine's stages and the journal tools read at fixed offsets, and a
 * replay of the journal is byte for byte what the engine processed. Fields this build does not know mean nothing
 * to its engine; a producer that needs them stored needs a Pitgun built from the newer schema. A message already in
 * this build's lengths is copied byte for byte, whatever its version.
 */
public final class FrameFlyweight
{
    private DirectBuffer buffer;
    private int offset;
    private int actingBlockLength;
    private int actingVersion;
    private int templateId;
    private int groupHeader;
    private int actingSampleLength;

    /**
     * Wraps the validated message at {@code offset}.
     *
     * @return this flyweight.
     */
    public FrameFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        actingBlockLength = FrameDescriptor.blockLength(buffer, offset);
        actingVersion = FrameDescriptor.version(buffer, offset);
        templateId = FrameDescriptor.templateId(buffer, offset);
        groupHeader = HEADER_LENGTH + actingBlockLength;
        actingSampleLength = templateId == TelemetryFrameDecoder.TEMPLATE_ID ?
            buffer.getShort(offset + groupHeader + GROUP_BLOCK_LENGTH_OFFSET, ORDER) & 0xFFFF : 0;
        return this;
    }

    /** The message's template id. */
    public int templateId()
    {
        return templateId;
    }

    /** The root block length the message was written with. */
    public int actingBlockLength()
    {
        return actingBlockLength;
    }

    /** The schema version the message was written with. */
    public int actingVersion()
    {
        return actingVersion;
    }

    /** Offset from the message start of what follows the root block: a frame's group header, a marker's label. */
    public int afterRootBlock()
    {
        return groupHeader;
    }

    /** A frame's sample block length as written (0 for other messages). */
    public int actingSampleLength()
    {
        return actingSampleLength;
    }

    /** A frame's number of samples. */
    public int sampleCount()
    {
        return buffer.getShort(offset + groupHeader + GROUP_COUNT_OFFSET, ORDER) & 0xFFFF;
    }

    /** Offset from the message start of a frame's sample {@code i}. */
    public int sampleOffset(final int i)
    {
        return groupHeader + GROUP_HEADER_LENGTH + i * actingSampleLength;
    }

    /** A root block field of {@code Long.BYTES} at a {@link FrameDescriptor} offset (session, sequence, time). */
    public long longField(final int fieldOffset)
    {
        return buffer.getLong(offset + fieldOffset, ORDER);
    }

    /** A root block field of two bytes, unsigned, at a {@link FrameDescriptor} offset (source id, lap number). */
    public int shortField(final int fieldOffset)
    {
        return buffer.getShort(offset + fieldOffset, ORDER) & 0xFFFF;
    }

    /** A root block field of one byte, unsigned, at a {@link FrameDescriptor} offset (sector, flags). */
    public int byteField(final int fieldOffset)
    {
        return buffer.getByte(offset + fieldOffset) & 0xFF;
    }

    /** Sample {@code i}'s value bits. */
    public long sampleValue(final int i)
    {
        return buffer.getLong(offset + sampleOffset(i) + SAMPLE_VALUE, ORDER);
    }

    /** Sample {@code i}'s parameter id. */
    public int sampleParameterId(final int i)
    {
        return buffer.getShort(offset + sampleOffset(i) + SAMPLE_ID, ORDER) & 0xFFFF;
    }

    /** Sample {@code i}'s ValueType code. */
    public int sampleValueType(final int i)
    {
        return buffer.getByte(offset + sampleOffset(i) + SAMPLE_VALUE_TYPE) & 0xFF;
    }

    /** Sample {@code i}'s SignalQuality code. */
    public int sampleQuality(final int i)
    {
        return buffer.getByte(offset + sampleOffset(i) + SAMPLE_QUALITY) & 0xFF;
    }

    /** Sample {@code i}'s value as a double, whatever its ValueType ({@link FrameDescriptor#doubleValue}). */
    public double sampleDoubleValue(final int i)
    {
        final int sample = offset + sampleOffset(i);
        return FrameDescriptor.doubleValue(buffer.getByte(sample + SAMPLE_VALUE_TYPE) & 0xFF,
            buffer.getLong(sample + SAMPLE_VALUE, ORDER));
    }

    /**
     * Sets sample {@code i}'s SignalQuality code in place: the wrapped buffer must be a {@link MutableDirectBuffer}
     * (a received message the caller may change, e.g. to flag a sample).
     */
    public void sampleQuality(final int i, final int quality)
    {
        ((MutableDirectBuffer)buffer).putByte(offset + sampleOffset(i) + SAMPLE_QUALITY, (byte)quality);
    }

    /**
     * Copies the validated message {@code src[srcOffset, srcOffset + length)} to {@code dst} at {@code dstOffset}
     * in this build's layout: byte for byte when its acting lengths are this build's (the usual case: one
     * {@code putBytes}), else with this build's block lengths and version and without the bytes appended to each
     * block. {@code dst} may be {@code src} at the same offset (a slot normalised in place): every byte moves
     * toward the start, read before it is overwritten. Stateless and allocation-free: any thread.
     *
     * @return the length of the copy, at most {@code length}.
     */
    public static int copyNormalised(final DirectBuffer src, final int srcOffset, final int length,
        final MutableDirectBuffer dst, final int dstOffset)
    {
        final int templateId = FrameDescriptor.templateId(src, srcOffset);
        final int ownBlockLength = FrameStructure.blockLengthOf(templateId);
        final int blockLength = FrameDescriptor.blockLength(src, srcOffset);
        final int ownRootEnd = HEADER_LENGTH + ownBlockLength;
        final int rootEnd = HEADER_LENGTH + blockLength;
        if (templateId == TelemetryFrameDecoder.TEMPLATE_ID)
        {
            final int sampleLength = src.getShort(srcOffset + rootEnd + GROUP_BLOCK_LENGTH_OFFSET, ORDER) & 0xFFFF;
            if (blockLength == FRAME_BLOCK_LENGTH && sampleLength == SAMPLE_LENGTH)
            {
                copy(src, srcOffset, dst, dstOffset, length);
                return length;
            }
            final int count = src.getShort(srcOffset + rootEnd + GROUP_COUNT_OFFSET, ORDER) & 0xFFFF;
            copy(src, srcOffset, dst, dstOffset, ownRootEnd);
            writeOwnHeader(dst, dstOffset);
            dst.putShort(dstOffset + ownRootEnd + GROUP_BLOCK_LENGTH_OFFSET, (short)SAMPLE_LENGTH, ORDER);
            dst.putShort(dstOffset + ownRootEnd + GROUP_COUNT_OFFSET, (short)count, ORDER);
            int from = srcOffset + rootEnd + GROUP_HEADER_LENGTH;
            int to = dstOffset + ownRootEnd + GROUP_HEADER_LENGTH;
            for (int i = 0; i < count; i++, from += sampleLength, to += SAMPLE_LENGTH)
            {
                moveTowardStart(src, from, dst, to, SAMPLE_LENGTH);
            }
            return to - dstOffset;
        }
        if (blockLength == ownBlockLength ||
            FrameStructure.isManifestLoadedWithoutDictionaryDigest(templateId, blockLength))
        {
            // The second: an entry older than its digest field is kept as it is; there is no digest to give it.
            copy(src, srcOffset, dst, dstOffset, length);
            return length;
        }
        // Session markers, ManifestLoaded, PolicyLoaded and PipelineDrained: the root block, then var-data (none in
        // PipelineDrained) that has no block length of its own.
        copy(src, srcOffset, dst, dstOffset, ownRootEnd);
        writeOwnHeader(dst, dstOffset);
        moveTowardStart(src, srcOffset + rootEnd, dst, dstOffset + ownRootEnd, length - rootEnd);
        return length - (rootEnd - ownRootEnd);
    }

    private static void writeOwnHeader(final MutableDirectBuffer dst, final int dstOffset)
    {
        final int ownBlockLength = FrameStructure.blockLengthOf(FrameDescriptor.templateId(dst, dstOffset));
        dst.putShort(dstOffset + BLOCK_LENGTH_OFFSET, (short)ownBlockLength, ORDER);
        dst.putShort(dstOffset + VERSION_OFFSET, (short)MessageHeaderDecoder.SCHEMA_VERSION, ORDER);
    }

    private static void copy(final DirectBuffer src, final int from, final MutableDirectBuffer dst, final int to,
        final int length)
    {
        if (src != dst || from != to)
        {
            dst.putBytes(to, src, from, length);
        }
    }

    // Within one buffer `to` <= `from`: a forward byte loop never overwrites a byte before reading it, which a bulk
    // copy of overlapping ranges does not promise. Only grown messages come here.
    private static void moveTowardStart(final DirectBuffer src, final int from, final MutableDirectBuffer dst,
        final int to, final int length)
    {
        if (src != dst)
        {
            dst.putBytes(to, src, from, length);
            return;
        }
        for (int i = 0; i < length; i++)
        {
            dst.putByte(to + i, src.getByte(from + i));
        }
    }
}
