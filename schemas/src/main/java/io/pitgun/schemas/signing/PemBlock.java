package io.pitgun.schemas.signing;

import java.util.Base64;

/**
 * The DER bytes inside a PEM block ({@code -----BEGIN LABEL-----}, base64, {@code -----END LABEL-----}, RFC 7468),
 * the form OpenSSL writes keys in. JDK 17 has no public PEM reader for keys (its {@code CertificateFactory} reads PEM
 * certificates only), so the one place Pitgun takes a block apart is here, for the signing keys and the gateway's
 * TLS key alike; what the bytes mean is left to the JDK's {@code KeyFactory}.
 */
public final class PemBlock
{
    private PemBlock()
    {
    }

    /**
     * The first block labelled {@code label}, decoded.
     *
     * @param text  the PEM text (anything before or after the block is ignored, as OpenSSL does; a second block of
     *              the label is refused).
     * @param label the label, e.g. {@code PRIVATE KEY}.
     * @return the DER bytes.
     * @throws IllegalArgumentException naming the label when there is no such block or it is not base64.
     */
    public static byte[] der(final String text, final String label)
    {
        final String begin = "-----BEGIN " + label + "-----";
        final String end = "-----END " + label + "-----";
        final int from = text.indexOf(begin);
        final int to = from < 0 ? -1 : text.indexOf(end, from);
        if (from < 0 || to < 0)
        {
            throw new IllegalArgumentException("no '" + begin + "' block");
        }
        if (text.indexOf(begin, to) >= 0)
        {
            // Two keys in one file: only the first would count, silently (a trust file of two keys trusted one).
            throw new IllegalArgumentException("more than one '" + begin + "' block: one key per file");
        }
        try
        {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("the '" + begin + "' block is not base64: " + ex.getMessage(), ex);
        }
    }
}
