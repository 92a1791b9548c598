package io.pitgun.codecs.envelope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight ASCII digits at a time, in one 64-bit word (SIMD within a register); and eight bytes of a JSON string at
 * a time ({@link #isPlainText}). Numbers in telemetry are short runs
 * of digits whose lengths vary from value to value; a byte loop mispredicts its exit branch on almost every one,
 * while this classifies and converts a whole word with a few shifts and multiplies.
 * <pre>
 *   bytes  '7' '2' '5' '.' '1' '2' '5' ','        load little-endian, XOR 0x30 in every byte
 *   word   07  02  05  1e  01  02  05  1c        (first character in the lowest byte)
 *   count  3 leading digit bytes                 (non-digit bytes get their high bit set, then tzcnt)
 *   value  725                                   (shift the digits to the top, fold pairs, quads, octets)
 * </pre>
 */
final class SwarDigits
{
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** 0x01 in every byte. */
    private static final long ONES = 0x0101010101010101L;
    /** The high bit of every byte: where the tests below leave their answer for each byte. */
    private static final long HIGH_BITS = 0x8080808080808080L;

    private SwarDigits()
    {
    }

    /** The eight bytes at {@code at}, the first in the lowest byte; needs {@code at + 8 <= bytes.length}. */
    static long word(final byte[] bytes, final int at)
    {
        return (long)LONG_LE.get(bytes, at);
    }

    /**
     * True when none of the word's bytes ends or escapes a JSON string or needs a look of its own: no {@code "},
     * no {@code \}, no control character (below 0x20) and no byte of a multi-byte UTF-8 sequence (0x80 and up).
     */
    static boolean isPlainText(final long word)
    {
        // A byte is zero after the XOR exactly where it matched; "has a zero byte" and "has a byte below 0x20" are
        // the classic exact tests (a borrow only disturbs bytes after one that is found), and a high bit set in any
        // byte of the word itself is a non-ASCII byte.
        final long quote = word ^ ONES * '"';
        final long backslash = word ^ ONES * '\\';
        final long found = (quote - ONES) & ~quote
            | (backslash - ONES) & ~backslash
            | (word - ONES * 0x20) & ~word
            | word;
        return (found & HIGH_BITS) == 0;
    }

    /** The eight bytes at {@code at} as digit values (each byte XOR '0'); needs {@code at + 8 <= bytes.length}. */
    static long load(final byte[] bytes, final int at)
    {
        return (long)LONG_LE.get(bytes, at) ^ ONES * '0';
    }

    /** How many of the word's bytes, from the first, are digits (0 to 8). */
    static int count(final long word)
    {
        // A byte is a digit when its value is below 10: adding 0x76 sets its high bit otherwise. A carry out of a
        // non-digit byte only disturbs the bytes after it, which are not counted.
        return Long.numberOfTrailingZeros(((word + ONES * 0x76) | word) & HIGH_BITS) >>> 3;
    }

    /** The number formed by the first {@code count} (1 to 8) digit bytes of the word. */
    static long value(final long word, final int count)
    {
        // Shifting left drops the bytes after the digits and fills the first places with zero digits.
        long v = word << ((8 - count) << 3);
        v = (v * 10 + (v >>> 8)) & 0x00FF00FF00FF00FFL;
        v = (v * 100 + (v >>> 16)) & 0x0000FFFF0000FFFFL;
        return (v * 10000 + (v >>> 32)) & 0x00000000FFFFFFFFL;
    }
}
