package io.pitgun.scaleout;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The hive's nonce for each edge connection: the first 8 bytes of SHA-256 over a key drawn at random when the hive
 * starts, the edge id and the Aeron image's correlation id (unique per connection within a media driver's run). So
 * a nonce is fresh per connection and per hive run, costs no state per connection, and cannot be guessed without
 * the key. The hive sends it in its ACKs; a signed edge's batches carry and sign it
 * ({@link ShippingDescriptor#AUTHENTICATED_TRAILER_LENGTH}), so a batch captured from one connection and sent again
 * from another (or to a restarted hive) fails, while every batch of the connection it belongs to passes.
 * <p>
 * <b>Threading:</b> the hive writer's thread. Allocation-free.
 */
final class EdgeSessionNonces
{
    private static final int KEY_LENGTH = 32;

    private final MessageDigest sha256;
    private final byte[] input = new byte[KEY_LENGTH + 3 * Long.BYTES];
    private final byte[] digest = new byte[32];
    // The last connection asked about: batches of one connection come in runs, so the digest runs once per run.
    private long lastMsb;
    private long lastLsb;
    private long lastImage;
    private long lastNonce = ShippingDescriptor.NO_NONCE;

    EdgeSessionNonces()
    {
        try
        {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is not available", ex); // every Java runtime has it
        }
        final byte[] key = new byte[KEY_LENGTH];
        new SecureRandom().nextBytes(key);
        System.arraycopy(key, 0, input, 0, KEY_LENGTH);
    }

    /** The nonce of the connection (image) {@code imageCorrelationId} of edge {@code msb}/{@code lsb}; never
     *  {@link ShippingDescriptor#NO_NONCE}. */
    long of(final long msb, final long lsb, final long imageCorrelationId)
    {
        if (lastNonce != ShippingDescriptor.NO_NONCE && msb == lastMsb && lsb == lastLsb &&
            imageCorrelationId == lastImage)
        {
            return lastNonce;
        }
        lastMsb = msb;
        lastLsb = lsb;
        lastImage = imageCorrelationId;
        lastNonce = digest(msb, lsb, imageCorrelationId);
        return lastNonce;
    }

    private long digest(final long msb, final long lsb, final long imageCorrelationId)
    {
        putLong(KEY_LENGTH, msb);
        putLong(KEY_LENGTH + Long.BYTES, lsb);
        putLong(KEY_LENGTH + 2 * Long.BYTES, imageCorrelationId);
        sha256.reset();
        sha256.update(input);
        try
        {
            sha256.digest(digest, 0, digest.length);
        }
        catch (final DigestException ex)
        {
            throw new IllegalStateException(ex); // the array is the digest's length: cannot happen
        }
        long nonce = 0;
        for (int i = 0; i < Long.BYTES; i++)
        {
            nonce |= (digest[i] & 0xFFL) << (8 * i);
        }
        return nonce == ShippingDescriptor.NO_NONCE ? 1 : nonce;
    }

    private void putLong(final int at, final long value)
    {
        for (int i = 0; i < Long.BYTES; i++)
        {
            input[at + i] = (byte)(value >>> (8 * i));
        }
    }
}
