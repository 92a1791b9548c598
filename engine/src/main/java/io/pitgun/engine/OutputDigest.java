package io.pitgun.engine;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of the derived output stream: for every output, in order, one kind byte ({@code F} for a derived
 * frame, {@code I} for an insight), its length as a 4-byte little-endian integer, then its bytes (the SBE frame, or
 * the insight's UTF-8 JSON). A replay through the same manifest must produce the same digest.
 * Allocation-free per output after the scratch array has grown to the largest output.
 */
final class OutputDigest implements OutputSink
{
    private final MessageDigest digest;
    private byte[] scratch = new byte[4096];
    private long outputs;
    private volatile String hex;

    OutputDigest()
    {
        digest = newSha256();
    }

    /** The SHA-256 of {@code text}'s UTF-8 bytes, lower-case hex (the manifest's digest in insight provenance). */
    static String sha256Hex(final String text)
    {
        return HexFormat.of().formatHex(newSha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest newSha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("this JVM has no SHA-256", ex);
        }
    }

    @Override
    public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        update((byte)'F', buffer, offset, length);
    }

    @Override
    public void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
        update((byte)'I', buffer, offset, length);
    }

    private void update(final byte kind, final DirectBuffer buffer, final int offset, final int length)
    {
        if (scratch.length < length + 5)
        {
            scratch = new byte[Math.max(length + 5, scratch.length * 2)];
        }
        scratch[0] = kind;
        scratch[1] = (byte)length;
        scratch[2] = (byte)(length >>> 8);
        scratch[3] = (byte)(length >>> 16);
        scratch[4] = (byte)(length >>> 24);
        buffer.getBytes(offset, scratch, 5, length);
        digest.update(scratch, 0, length + 5);
        outputs++;
    }

    /** Finishes the digest; later outputs are ignored. */
    @Override
    public void close()
    {
        if (hex == null)
        {
            hex = HexFormat.of().formatHex(digest.digest());
        }
    }

    /** The digest in lower-case hex, once {@link #close()} ran; else null. */
    String hex()
    {
        return hex;
    }

    long outputs()
    {
        return outputs;
    }
}
