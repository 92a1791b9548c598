package io.pitgun.scaleout;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA256 (RFC 2104) of a batch under one edge's shared secret: one MAC per batch, not per frame, computed
 * without allocating ({@code javax.crypto.Mac.doFinal} returns a new array each time; this keeps its digests and
 * scratch buffer and writes the MAC into the caller's buffer). The edge signs each batch and hello
 * ({@link ShippingDescriptor#TYPE_BATCH_AUTHENTICATED}); the hive checks it before anything in the batch is used.
 * <p>
 * <b>Threading:</b> one instance per thread (the edge's shipper, the hive's writer).
 */
final class BatchAuthenticator
{
    /** Bytes of the MAC that trails an authenticated batch. */
    static final int MAC_LENGTH = 32;
    private static final int BLOCK_LENGTH = 64;

    private final MessageDigest inner;
    private final MessageDigest outer;
    private final byte[] innerPad = new byte[BLOCK_LENGTH];
    private final byte[] outerPad = new byte[BLOCK_LENGTH];
    private final byte[] scratch = new byte[4096];
    private final byte[] innerHash = new byte[MAC_LENGTH];
    private final byte[] mac = new byte[MAC_LENGTH];

    BatchAuthenticator(final byte[] secret)
    {
        try
        {
            inner = MessageDigest.getInstance("SHA-256");
            outer = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is not available", ex); // every Java runtime has it
        }
        final byte[] key = secret.length > BLOCK_LENGTH ? inner.digest(secret) : secret;
        for (int i = 0; i < BLOCK_LENGTH; i++)
        {
            final byte k = i < key.length ? key[i] : 0;
            innerPad[i] = (byte)(k ^ 0x36);
            outerPad[i] = (byte)(k ^ 0x5c);
        }
    }

    /** Writes the MAC of {@code buffer[offset, offset + length)} at {@code destination[at, at + MAC_LENGTH)}. */
    void sign(final DirectBuffer buffer, final int offset, final int length, final MutableDirectBuffer destination,
        final int at)
    {
        compute(buffer, offset, length);
        destination.putBytes(at, mac);
    }

    /** Whether {@code buffer[macAt, macAt + MAC_LENGTH)} is the MAC of {@code buffer[offset, offset + length)};
     *  compared in constant time. */
    boolean verify(final DirectBuffer buffer, final int offset, final int length, final int macAt)
    {
        compute(buffer, offset, length);
        int difference = 0;
        for (int i = 0; i < MAC_LENGTH; i++)
        {
            difference |= mac[i] ^ buffer.getByte(macAt + i);
        }
        return difference == 0;
    }

    private void compute(final DirectBuffer buffer, final int offset, final int length)
    {
        inner.reset();
        inner.update(innerPad);
        for (int done = 0; done < length; )
        {
            final int chunk = Math.min(scratch.length, length - done);
            buffer.getBytes(offset + done, scratch, 0, chunk);
            inner.update(scratch, 0, chunk);
            done += chunk;
        }
        try
        {
            inner.digest(innerHash, 0, MAC_LENGTH);
            outer.reset();
            outer.update(outerPad);
            outer.update(innerHash);
            outer.digest(mac, 0, MAC_LENGTH);
        }
        catch (final DigestException ex)
        {
            throw new IllegalStateException(ex); // the arrays are the digest's length: cannot happen
        }
    }
}
