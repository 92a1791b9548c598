package io.pitgun.gateway;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of a token secret given as characters, into scratch arrays owned by one thread (an event loop): checking
 * a token allocates nothing for the secret. Secrets are 256 random bits, so a plain hash suffices (no salt or slow
 * KDF: those defend guessable passwords, not random keys).
 */
final class TokenHasher
{
    private final MessageDigest sha256 = newSha256();
    private final byte[] input = new byte[256];
    private final byte[] output = new byte[32];

    /**
     * The SHA-256 of the ASCII characters {@code text[start, end)}, in an array this hasher reuses, or null if one is
     * not ASCII or there are too many.
     */
    byte[] sha256(final CharSequence text, final int start, final int end)
    {
        final int length = end - start;
        if (length > input.length)
        {
            return null;
        }
        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(start + i);
            if (c > 0x7e || c < 0x21)
            {
                return null;
            }
            input[i] = (byte)c;
        }
        sha256.update(input, 0, length);
        try
        {
            sha256.digest(output, 0, output.length);
        }
        catch (final DigestException ex)
        {
            throw new IllegalStateException("SHA-256 output is 32 bytes", ex);
        }
        return output;
    }

    /** A new SHA-256 (every Java platform has it). */
    static MessageDigest newSha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every Java platform implements SHA-256", ex);
        }
    }
}
