package io.pitgun.codecs.envelope;

/**
 * Parses the canonical 8-4-4-4-12 hexadecimal UUID form in place into its two 64-bit halves, the way
 * {@link java.util.UUID} holds them. Allocation-free; the halves are left in {@link #mostSigBits} and
 * {@link #leastSigBits}.
 */
final class UuidText
{
    static final int LENGTH = 36;

    /** Where the 32 hexadecimal digits are, in order (the dashes sit at 8, 13, 18 and 23). */
    private static final int[] DIGIT_AT = {
        0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17,
        19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35};
    /** Each byte's hexadecimal value, -1 for a byte that is not a hexadecimal digit. */
    private static final byte[] HEX = new byte[256];

    static
    {
        for (int b = 0; b < HEX.length; b++)
        {
            HEX[b] = (byte)JsonCursor.hexDigit(b);
        }
    }

    long mostSigBits;
    long leastSigBits;

    /** Parses the 36 bytes at {@code offset}; false (halves untouched) when they are not a canonical UUID. */
    boolean parse(final byte[] buffer, final int offset, final int length)
    {
        if (length != LENGTH || buffer[offset + 8] != '-' || buffer[offset + 13] != '-' ||
            buffer[offset + 18] != '-' || buffer[offset + 23] != '-')
        {
            return false;
        }
        // No branch per digit: a bad digit's -1 sets the sign of `bad`, looked at once at the end.
        long high = 0;
        long low = 0;
        int bad = 0;
        for (int i = 0; i < 16; i++)
        {
            final int high4 = HEX[buffer[offset + DIGIT_AT[i]] & 0xFF];
            final int low4 = HEX[buffer[offset + DIGIT_AT[i + 16]] & 0xFF];
            bad |= high4 | low4;
            high = high << 4 | (high4 & 0xF);
            low = low << 4 | (low4 & 0xF);
        }
        if (bad < 0)
        {
            return false;
        }
        mostSigBits = high;
        leastSigBits = low;
        return true;
    }
}
