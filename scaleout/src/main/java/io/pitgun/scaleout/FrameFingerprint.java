package io.pitgun.scaleout;

import org.agrona.DirectBuffer;

import java.util.zip.CRC32C;

/**
 * A 64-bit fingerprint of one journaled frame: the CRC-32C of its SBE bytes in the high half, a mix of its event
 * identity (event id, content digest, ordinal) in the low half. The hive sends the fingerprint of the frame it holds
 * last with every ACK ({@link ShippingDescriptor#HELD_FINGERPRINT_OFFSET}); an edge that resumes after that position
 * first checks that its own frame there has the same fingerprint. Positions alone cannot tell an edge journal that
 * lost its tail (a power loss) and journaled new frames at the same positions from the one the hive copied.
 * Cold path: once per batch at the hive, once per rewind at the edge. Not cryptographic: it catches divergence, not
 * forgery (a false match for two different frames is a 2^-64-ish coincidence of CRC and identity).
 */
final class FrameFingerprint
{
    /** The fingerprint when the hive holds nothing of the edge. */
    static final long NONE = 0;

    private final CRC32C crc = new CRC32C();
    private byte[] scratch = new byte[4096];

    /** The fingerprint of the SBE message at {@code buffer[offset, offset + length)} with this identity. */
    long of(final DirectBuffer buffer, final int offset, final int length, final long eventIdMsb,
        final long eventIdLsb, final long contentDigest, final int frameOrdinal)
    {
        if (scratch.length < length)
        {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        buffer.getBytes(offset, scratch, 0, length);
        crc.reset();
        crc.update(scratch, 0, length);
        final long identity = eventIdMsb ^ Long.rotateLeft(eventIdLsb, 21) ^ Long.rotateLeft(contentDigest, 42) ^
            ((long)frameOrdinal << 7);
        final long fingerprint = (crc.getValue() << 32) | (Long.hashCode(identity) & 0xFFFF_FFFFL);
        return fingerprint == NONE ? 1 : fingerprint; // NONE means "nothing held"
    }
}
