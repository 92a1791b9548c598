package io.pitgun.gateway;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * A 64-bit digest of one envelope's content: of the SBE messages it decodes to, in order, so the same envelope
 * sent again (even with other JSON whitespace or member order) has the same digest and another one with the same
 * {@code event_id} almost surely not. It tells a retry from a conflicting reuse of an id (409); it is not a
 * cryptographic hash. Allocation-free; the journal stores it ({@code JournalEntryDescriptor}).
 */
final class EnvelopeDigest
{
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;

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
            final int offset = offsets[m];
            final int length = lengths[m];
            h = mix(h, length);
            int i = 0;
            for (; i + Long.BYTES <= length; i += Long.BYTES)
            {
                h = mix(h, buffer.getLong(offset + i, ByteOrder.LITTLE_ENDIAN));
            }
            for (; i < length; i++)
            {
                h = mix(h, buffer.getByte(offset + i));
            }
        }
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        return h;
    }

    private static long mix(final long h, final long value)
    {
        return Long.rotateLeft(h ^ value * P2, 31) * P1;
    }
}
