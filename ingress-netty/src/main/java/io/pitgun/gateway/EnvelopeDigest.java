package io.pitgun.gateway;

import io.pitgun.codecs.frame.FrameDescriptor;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * A 64-bit digest of one envelope's content: of the SBE messages it decodes to, in order, each frame's samples taken
 * as a set. So the same envelope sent again, with other JSON whitespace, member order or number spelling, even with
 * the members of a frame's {@code samples} object in another order (a JSON object's members have none; the decoder
 * writes the samples in the order they came and refuses a channel twice), has the same digest, and another one with
 * the same {@code event_id} almost surely not. It tells a retry from a conflicting reuse of an id (409); it is not a
 * cryptographic hash. Allocation-free; the journal stores it ({@code JournalEntryDescriptor}).
 *
 * <p>The messages are chained in order. A telemetry frame is chained as two sums of well-mixed terms: one per 8
 * bytes of its head (header, root block, group header), each mixed with its place, and one per sample (its 12
 * bytes), mixed with nothing else, so that the samples' order does not count. The terms are independent of each
 * other, so the CPU computes them side by side; the digest costs what chaining every byte did. Any other message
 * (session markers) is chained byte by byte.
 *
 * <p>Journals written before this digest hold {@link #orderedOf}'s (every byte in order): an entry restored from one
 * ({@link IdempotencyWindowLoader}) is matched against that digest when the set digest differs, so a retry of an
 * envelope acknowledged before an upgrade is still a duplicate.
 */
final class EnvelopeDigest
{
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private EnvelopeDigest()
    {
    }

    /** The digest of messages {@code [first, first + count)} of {@code buffer} at {@code offsets}/{@code lengths}. */
    static long of(final DirectBuffer buffer, final int[] offsets, final int[] lengths, final int first,
        final int count)
    {
        long h = P3 ^ count;
        for (int m = first; m < first + count; m++)
        {
            h = mix(h, lengths[m]);
            h = message(h, buffer, offsets[m], lengths[m]);
        }
        return finish(h);
    }

    /**
     * The digest of every byte in order, which journals written before {@link #of} hold: only to match an entry
     * restored from one. Cold path.
     */
    static long orderedOf(final DirectBuffer buffer, final int[] offsets, final int[] lengths, final int first,
        final int count)
    {
        long h = P3 ^ count;
        for (int m = first; m < first + count; m++)
        {
            h = mix(h, lengths[m]);
            h = chain(h, buffer, offsets[m], 0, lengths[m]);
        }
        return finish(h);
    }

    /** Chains one message into {@code h}: a telemetry frame as its head and its samples (a set), else byte by byte. */
    private static long message(final long h, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length >= FrameDescriptor.SAMPLES &&
            buffer.getLong(offset, ORDER) == FrameDescriptor.FRAME_HEADER_WORD &&
            (buffer.getShort(offset + FrameDescriptor.GROUP_HEADER + FrameDescriptor.GROUP_BLOCK_LENGTH_OFFSET, ORDER)
                & 0xFFFF) == FrameDescriptor.SAMPLE_LENGTH)
        {
            // The envelope decoder writes every frame in this build's layout; anything else is taken byte by byte.
            final int samplesEnd = FrameDescriptor.SAMPLES +
                FrameDescriptor.sampleCount(buffer, offset) * FrameDescriptor.SAMPLE_LENGTH;
            if (samplesEnd <= length)
            {
                // One term per sample, summed: independent of each other (the CPU computes them side by side) and
                // of their order. A sample's 12 bytes: its value, then its channel id, value type and quality.
                long samples = 0;
                final int end = offset + samplesEnd;
                for (int s = offset + FrameDescriptor.SAMPLES; s < end; s += FrameDescriptor.SAMPLE_LENGTH)
                {
                    samples += fmix(buffer.getLong(s + FrameDescriptor.SAMPLE_VALUE, ORDER) ^
                        (buffer.getInt(s + FrameDescriptor.SAMPLE_ID, ORDER) & 0xFFFF_FFFFL) * P2);
                }
                // The head's words too are terms of their own, each mixed with its place: no chain within a frame.
                long head = 0;
                int i = 0;
                for (; i + Long.BYTES <= FrameDescriptor.SAMPLES; i += Long.BYTES)
                {
                    head += fmix(buffer.getLong(offset + i, ORDER) ^ P1 * (i + 1));
                }
                if (i < FrameDescriptor.SAMPLES)
                {
                    // The head's last bytes: the 8 that end it, shifted past those already taken.
                    head += fmix(buffer.getLong(offset + FrameDescriptor.SAMPLES - Long.BYTES, ORDER) >>>
                        (Long.BYTES - (FrameDescriptor.SAMPLES - i)) * Byte.SIZE ^ P1 * (i + 1));
                }
                return chain(mix(mix(h, head), samples), buffer, offset, samplesEnd, length);
            }
        }
        return chain(h, buffer, offset, 0, length);
    }

    /** Chains bytes {@code [from, to)} of the message at {@code offset} into {@code h}: 8 at a time, then singly. */
    private static long chain(final long h, final DirectBuffer buffer, final int offset, final int from, final int to)
    {
        long result = h;
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES)
        {
            result = mix(result, buffer.getLong(offset + i, ORDER));
        }
        for (; i < to; i++)
        {
            result = mix(result, buffer.getByte(offset + i));
        }
        return result;
    }

    private static long mix(final long h, final long value)
    {
        return Long.rotateLeft(h ^ value * P2, 31) * P1;
    }

    private static long finish(final long value)
    {
        long h = value;
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        return h;
    }

    /** MurmurHash3's 64-bit finalizer: every input bit moves about half the output bits. */
    private static long fmix(final long value)
    {
        long h = value;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
