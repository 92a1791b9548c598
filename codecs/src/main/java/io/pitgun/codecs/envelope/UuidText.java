package io.pitgun.codecs.envelope;

/**
 * Parses the canonical 8-4-4-4-12 hexadecimal UUID form in place into its two 64-bit halves, the way
 * {@link java.util.UUID} holds them. Allocation-free; the halves are left in {@link #mostSigBits} and
 * {@link #leastSigBits}.
 */
final class UuidText
{
    static final int LENGTH = 36;

    long mostSigBits;
    long leastSigBits;

    boolean parse(final byte[] buffer, final int offset, final int length)
    {
        if (length != LENGTH)
        {
            return false;
        }
        long high = 0;
        long low = 0;
        int nibbles = 0;
        for (int i = 0; i < LENGTH; i++)
        {
            final byte b = buffer[offset + i];
            if (i == 8 || i == 13 || i == 18 || i == 23)
            {
                if (b != '-')
                {
                    return false;
                }
                continue;
            }
            final int digit = JsonCursor.hexDigit(b);
            if (digit < 0)
            {
                return false;
            }
            if (nibbles < 16)
            {
                high = high << 4 | digit;
            }
            else
            {
                low = low << 4 | digit;
            }
            nibbles++;
        }
        mostSigBits = high;
        leastSigBits = low;
        return true;
    }
}
