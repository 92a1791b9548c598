package io.pitgun.codecs.envelope;

import io.pitgun.codecs.dictionary.ChannelNameIndex;

import java.nio.charset.StandardCharsets;

/**
 * A position in a JSON document held in a {@code byte[]}, with allocation-free readers for the tokens the
 * envelope decoder needs. Readers return {@code false} on a problem and leave its description in
 * {@link #problem()}/{@link #problemOffset()}; nothing throws.
 * <p>
 * After {@link #readString} the string's UTF-8 bytes are at {@link #stringArray()} [{@link #stringOffset()},
 * + {@link #stringLength()}): the input itself when it had no escapes, otherwise an unescaped copy in a scratch
 * buffer that the next string overwrites. After {@link #readNumber} the number is held as a decimal
 * {@code mantissa × 10^exponent}, converted exactly on demand.
 */
final class JsonCursor
{
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22 };
    private static final long[] LONG_POWERS_OF_TEN = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
        10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L };
    /** Digits kept in the mantissa: 18 always fit a long, so the fast paths never overflow. */
    private static final int MANTISSA_DIGITS = 18;
    private static final long TWO_POW_53 = 1L << 53;

    private byte[] buf;
    private int start;
    int pos;
    int end;

    private final byte[] scratch;
    private final int maxStringBytes;

    private byte[] stringArray;
    private int stringOffset;
    private int stringLength;
    private int stringCodePoints;

    private int numberStart;
    private int numberEnd;
    private boolean numberNegative;
    private long mantissa;
    private int exponent;
    private boolean digitsDropped;
    private boolean lexicallyIntegral;

    private long longValue;
    private long swarMantissa;

    private String problem;
    private int problemOffset;

    JsonCursor(final int maxStringBytes)
    {
        this.maxStringBytes = maxStringBytes;
        this.scratch = new byte[maxStringBytes + 4];
    }

    void wrap(final byte[] buffer, final int offset, final int length)
    {
        buf = buffer;
        start = offset;
        pos = offset;
        end = offset + length;
        problem = null;
    }

    byte[] array()
    {
        return buf;
    }

    /** Offset of {@code absolutePosition} relative to the start of the document. */
    int relative(final int absolutePosition)
    {
        return absolutePosition - start;
    }

    String problem()
    {
        return problem;
    }

    int problemOffset()
    {
        return problemOffset;
    }

    boolean fail(final int absolutePosition, final String message)
    {
        problem = message;
        problemOffset = absolutePosition - start;
        return false;
    }

    /**
     * Fails at {@code position}, where ',' or {@code close} must follow an element; {@code after} names the element
     * in the message (" after a frame"), or is empty. Returns false, as {@link #fail}.
     */
    boolean failNoSeparator(final int position, final char close, final String after)
    {
        return fail(position, position >= end ? "document ends early: expected ',' or '" + close + "'" :
            "expected ',' or '" + close + "'" + after + ", found " + describe(position));
    }

    boolean atEnd()
    {
        return pos >= end;
    }

    /** The byte at the cursor, or -1 at the end. */
    int peek()
    {
        return pos < end ? buf[pos] & 0xFF : -1;
    }

    void skipWhitespace()
    {
        while (pos < end)
        {
            final byte b = buf[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t')
            {
                return;
            }
            pos++;
        }
    }

    /** Consumes {@code expected} after optional whitespace, or fails naming {@code what}. */
    boolean expect(final char expected, final String what)
    {
        skipWhitespace();
        if (pos < end && buf[pos] == expected)
        {
            pos++;
            return true;
        }
        return fail(pos, pos >= end ? "document ends early: expected " + what : "expected " + what + ", found " +
            describe(pos));
    }

    /** A short description of the byte at {@code position}, for error messages. */
    String describe(final int position)
    {
        if (position >= end)
        {
            return "end of input";
        }
        final int b = buf[position] & 0xFF;
        return b >= 0x20 && b < 0x7F ? "'" + (char)b + "'" : String.format("byte 0x%02x", b);
    }

    /** Reads {@code true}, {@code false} or {@code null} at the cursor; returns 1, 0 or 2, or -1 on failure. */
    int readLiteral()
    {
        final int b = peek();
        if (b == 't' && matches("true"))
        {
            pos += 4;
            return 1;
        }
        if (b == 'f' && matches("false"))
        {
            pos += 5;
            return 0;
        }
        if (b == 'n' && matches("null"))
        {
            pos += 4;
            return 2;
        }
        fail(pos, "invalid literal starting at " + describe(pos) + " (expected true, false or null)");
        return -1;
    }

    private boolean matches(final String literal)
    {
        if (end - pos < literal.length())
        {
            return false;
        }
        for (int i = 0; i < literal.length(); i++)
        {
            if (buf[pos + i] != literal.charAt(i))
            {
                return false;
            }
        }
        // A literal must not run on into letters ("truex").
        final int after = pos + literal.length();
        if (after < end)
        {
            final int next = buf[after];
            return !(next >= 'a' && next <= 'z' || next >= 'A' && next <= 'Z' || next >= '0' && next <= '9');
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------- strings

    byte[] stringArray()
    {
        return stringArray;
    }

    int stringOffset()
    {
        return stringOffset;
    }

    int stringLength()
    {
        return stringLength;
    }

    /** Hash of the string's bytes as {@link ChannelNameIndex} computes it. */
    int stringHash()
    {
        return ChannelNameIndex.hash(stringArray, stringOffset, stringLength);
    }

    /** Number of Unicode code points in the string (what JSON Schema's maxLength counts). */
    int stringCodePoints()
    {
        return stringCodePoints;
    }

    /** Whether the string is {@code expected} (the length first: most candidate field names differ in it). */
    boolean stringEquals(final byte[] expected)
    {
        return stringLength == expected.length &&
            java.util.Arrays.equals(stringArray, stringOffset, stringOffset + stringLength, expected, 0, expected.length);
    }

    /** The string whose opening quote is at {@code quotePosition}, read again. Allocates: error paths only. */
    String stringValueAt(final int quotePosition)
    {
        final int saved = pos;
        pos = quotePosition;
        final String value = readString() == 1 ? stringValue() : "";
        pos = saved;
        return value;
    }

    /** The current string as a Java String. Allocates: error paths and tests only. */
    String stringValue()
    {
        return new String(stringArray, stringOffset, stringLength, StandardCharsets.UTF_8);
    }

    /**
     * Reads a string starting at the opening quote under the cursor. Fails on unescaped control characters, bad
     * escapes, unpaired surrogates, invalid UTF-8, a missing closing quote or more than the configured bytes.
     * The returned code tells a limit failure (2) from a syntax failure (0); 1 is success.
     */
    int readString()
    {
        final int quote = pos;
        int p = pos + 1;
        int codePoints = 0;
        // Eight plain bytes at a time (printable ASCII but the quote and the backslash): one code point each. The
        // first word with anything else goes through the byte loop below, which finds what it is.
        while (p + Long.BYTES <= end && SwarDigits.isPlainText(SwarDigits.word(buf, p)))
        {
            p += Long.BYTES;
            codePoints += Long.BYTES;
        }
        // Fast path: no escapes, so the string can be referenced in place.
        while (p < end)
        {
            final int b = buf[p] & 0xFF;
            if (b == '"')
            {
                final int length = p - quote - 1;
                if (length > maxStringBytes)
                {
                    fail(quote, "string of " + length + " bytes is longer than the limit of " + maxStringBytes);
                    return 2;
                }
                stringArray = buf;
                stringOffset = quote + 1;
                stringLength = length;
                stringCodePoints = codePoints;
                pos = p + 1;
                return 1;
            }
            if (b == '\\')
            {
                return readEscapedString(quote, p, codePoints);
            }
            if (b < 0x20)
            {
                fail(p, "unescaped control character " + String.format("0x%02x", b) + " in string");
                return 0;
            }
            if (b < 0x80)
            {
                p++;
            }
            else
            {
                final int sequence = utf8SequenceLength(p);
                if (sequence < 0)
                {
                    return 0;
                }
                p += sequence;
            }
            codePoints++;
        }
        fail(quote, "string is not closed before the end of the document");
        return 0;
    }

    private int readEscapedString(final int quote, final int firstEscape, final int codePointsSoFar)
    {
        int length = firstEscape - quote - 1;
        if (length > maxStringBytes)
        {
            fail(quote, "string is longer than the limit of " + maxStringBytes + " bytes");
            return 2;
        }
        System.arraycopy(buf, quote + 1, scratch, 0, length);
        int codePoints = codePointsSoFar;
        int p = firstEscape;
        while (p < end)
        {
            final int b = buf[p] & 0xFF;
            if (b == '"')
            {
                stringArray = scratch;
                stringOffset = 0;
                stringLength = length;
                stringCodePoints = codePoints;
                pos = p + 1;
                return 1;
            }
            int codePoint;
            int consumed;
            if (b == '\\')
            {
                if (p + 1 >= end)
                {
                    fail(p, "string is not closed before the end of the document");
                    return 0;
                }
                final int e = buf[p + 1] & 0xFF;
                consumed = 2;
                switch (e)
                {
                    case '"': codePoint = '"'; break;
                    case '\\': codePoint = '\\'; break;
                    case '/': codePoint = '/'; break;
                    case 'b': codePoint = '\b'; break;
                    case 'f': codePoint = '\f'; break;
                    case 'n': codePoint = '\n'; break;
                    case 'r': codePoint = '\r'; break;
                    case 't': codePoint = '\t'; break;
                    case 'u':
                        codePoint = hex4(p + 2);
                        consumed = 6;
                        if (codePoint < 0)
                        {
                            fail(p, "invalid \\u escape: expected four hexadecimal digits");
                            return 0;
                        }
                        if (codePoint >= 0xD800 && codePoint <= 0xDBFF)
                        {
                            final int low = p + 7 < end && buf[p + 6] == '\\' && buf[p + 7] == 'u' ?
                                hex4(p + 8) : -1;
                            if (low < 0xDC00 || low > 0xDFFF)
                            {
                                fail(p, "invalid \\u escape: high surrogate without a low surrogate");
                                return 0;
                            }
                            codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
                            consumed = 12;
                        }
                        else if (codePoint >= 0xDC00 && codePoint <= 0xDFFF)
                        {
                            fail(p, "invalid \\u escape: low surrogate without a high surrogate");
                            return 0;
                        }
                        break;
                    default:
                        fail(p, "invalid escape '\\" + (e >= 0x20 && e < 0x7F ? String.valueOf((char)e) : "?") + "'");
                        return 0;
                }
            }
            else if (b < 0x20)
            {
                fail(p, "unescaped control character " + String.format("0x%02x", b) + " in string");
                return 0;
            }
            else if (b < 0x80)
            {
                codePoint = b;
                consumed = 1;
            }
            else
            {
                consumed = utf8SequenceLength(p);
                if (consumed < 0)
                {
                    return 0;
                }
                if (length + consumed > maxStringBytes)
                {
                    fail(quote, "string is longer than the limit of " + maxStringBytes + " bytes");
                    return 2;
                }
                for (int i = 0; i < consumed; i++)
                {
                    scratch[length++] = buf[p + i];
                }
                codePoints++;
                p += consumed;
                continue;
            }
            final int encodedLength = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (length + encodedLength > maxStringBytes)
            {
                fail(quote, "string is longer than the limit of " + maxStringBytes + " bytes");
                return 2;
            }
            length = putUtf8(length, codePoint);
            codePoints++;
            p += consumed;
        }
        fail(quote, "string is not closed before the end of the document");
        return 0;
    }

    private int putUtf8(final int at, final int codePoint)
    {
        int i = at;
        if (codePoint < 0x80)
        {
            scratch[i++] = (byte)codePoint;
        }
        else if (codePoint < 0x800)
        {
            scratch[i++] = (byte)(0xC0 | codePoint >> 6);
            scratch[i++] = (byte)(0x80 | codePoint & 0x3F);
        }
        else if (codePoint < 0x10000)
        {
            scratch[i++] = (byte)(0xE0 | codePoint >> 12);
            scratch[i++] = (byte)(0x80 | codePoint >> 6 & 0x3F);
            scratch[i++] = (byte)(0x80 | codePoint & 0x3F);
        }
        else
        {
            scratch[i++] = (byte)(0xF0 | codePoint >> 18);
            scratch[i++] = (byte)(0x80 | codePoint >> 12 & 0x3F);
            scratch[i++] = (byte)(0x80 | codePoint >> 6 & 0x3F);
            scratch[i++] = (byte)(0x80 | codePoint & 0x3F);
        }
        return i;
    }

    private int hex4(final int at)
    {
        if (at + 4 > end)
        {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            final int digit = hexDigit(buf[at + i]);
            if (digit < 0)
            {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }

    static int hexDigit(final int c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f')
        {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F')
        {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Length of the well-formed UTF-8 sequence at {@code p} (RFC 3629: no overlongs, no surrogates), or -1. */
    private int utf8SequenceLength(final int p)
    {
        final int b0 = buf[p] & 0xFF;
        final int length;
        final int min;
        if (b0 >= 0xC2 && b0 <= 0xDF)
        {
            length = 2;
            min = 0x80;
        }
        else if (b0 >= 0xE0 && b0 <= 0xEF)
        {
            length = 3;
            min = 0x800;
        }
        else if (b0 >= 0xF0 && b0 <= 0xF4)
        {
            length = 4;
            min = 0x10000;
        }
        else
        {
            fail(p, "invalid UTF-8 byte " + String.format("0x%02x", b0));
            return -1;
        }
        if (p + length > end)
        {
            fail(p, "truncated UTF-8 sequence");
            return -1;
        }
        int codePoint = b0 & (0xFF >> (length + 1));
        for (int i = 1; i < length; i++)
        {
            final int b = buf[p + i] & 0xFF;
            if ((b & 0xC0) != 0x80)
            {
                fail(p, "invalid UTF-8 sequence");
                return -1;
            }
            codePoint = codePoint << 6 | b & 0x3F;
        }
        if (codePoint < min || codePoint > 0x10FFFF || codePoint >= 0xD800 && codePoint <= 0xDFFF)
        {
            fail(p, "invalid UTF-8 sequence (overlong, surrogate or beyond U+10FFFF)");
            return -1;
        }
        return length;
    }

    // ---------------------------------------------------------------------------------------------- numbers

    /**
     * Reads a number under the cursor, strictly by RFC 8259's grammar (no leading zeros, no '+', no bare '.').
     */
    boolean readNumber()
    {
        numberStart = pos;
        int p = pos;
        numberNegative = false;
        mantissa = 0;
        exponent = 0;
        digitsDropped = false;
        lexicallyIntegral = true;
        if (p < end && buf[p] == '-')
        {
            numberNegative = true;
            p++;
        }
        if (p >= end)
        {
            return fail(p, "number ends early");
        }
        // Integer and fraction digits feed one mantissa of at most 18 digits (always exact in a long); digits
        // beyond that are dropped and flagged, which routes the conversion to the exact slow path.
        int budget = MANTISSA_DIGITS;
        swarMantissa = 0;
        final int first = buf[p];
        if (first == '0')
        {
            p++;
            if (p < end && isDigit(buf[p]))
            {
                return fail(p, "numbers may not have leading zeros");
            }
        }
        else if (first >= '1' && first <= '9')
        {
            final int kept = appendDigits(p, budget);
            budget -= kept - p;
            p = kept;
            while (p < end && isDigit(buf[p]))
            {
                exponent++;
                digitsDropped = true;
                p++;
            }
        }
        else
        {
            return fail(p, "invalid number: expected a digit, found " + describe(p));
        }
        if (p < end && buf[p] == '.')
        {
            lexicallyIntegral = false;
            p++;
            if (p >= end || !isDigit(buf[p]))
            {
                return fail(p, "invalid number: a digit must follow the decimal point");
            }
            final int kept = appendDigits(p, budget);
            exponent -= kept - p;
            p = kept;
            while (p < end && isDigit(buf[p]))
            {
                digitsDropped = true;
                p++;
            }
        }
        mantissa = swarMantissa;
        if (p < end && (buf[p] == 'e' || buf[p] == 'E'))
        {
            lexicallyIntegral = false;
            p++;
            boolean negativeExponent = false;
            if (p < end && (buf[p] == '+' || buf[p] == '-'))
            {
                negativeExponent = buf[p] == '-';
                p++;
            }
            if (p >= end || !isDigit(buf[p]))
            {
                return fail(p, "invalid number: the exponent needs at least one digit");
            }
            int exponentValue = 0;
            int b;
            while (p < end && isDigit(b = buf[p]))
            {
                if (exponentValue < 100_000)
                {
                    exponentValue = exponentValue * 10 + (b - '0');
                }
                p++;
            }
            exponent += negativeExponent ? -exponentValue : exponentValue;
        }
        if (mantissa == 0 && !digitsDropped)
        {
            exponent = 0;
        }
        numberEnd = p;
        pos = p;
        return true;
    }

    /**
     * Appends up to {@code budget} decimal digits found at {@code p} to {@link #swarMantissa}, eight at a time while
     * there is room for a word and one by one near the end; returns the position after the last digit taken.
     */
    private int appendDigits(final int from, final int budget)
    {
        int p = from;
        int left = budget;
        int n;
        while (p + 8 <= end && left > 0 && (n = swarDigits(p, left)) > 0)
        {
            p += n;
            left -= n;
            if (n < 8)
            {
                return p;
            }
        }
        int d;
        while (left > 0 && p < end && (d = buf[p] - '0') >= 0 && d <= 9)
        {
            swarMantissa = swarMantissa * 10 + d;
            p++;
            left--;
        }
        return p;
    }

    /**
     * Appends up to {@code budget} decimal digits found at {@code p} to {@link #swarMantissa} and returns how many
     * it consumed, eight at a time ({@link SwarDigits}). Needs {@code p + 8 <= end}.
     */
    private int swarDigits(final int p, final int budget)
    {
        final long word = SwarDigits.load(buf, p);
        final int count = Math.min(SwarDigits.count(word), budget);
        if (count == 0)
        {
            return 0;
        }
        swarMantissa = swarMantissa * LONG_POWERS_OF_TEN[count] + SwarDigits.value(word, count);
        return count;
    }

    private static boolean isDigit(final int b)
    {
        return b >= '0' && b <= '9';
    }

    int numberStart()
    {
        return numberStart;
    }

    /** True when the number has no fraction part and no exponent (written as plain digits). */
    boolean numberIsLexicallyIntegral()
    {
        return lexicallyIntegral;
    }

    /**
     * Converts the number to a long if its value is a whole number in [min, max]; the result is in
     * {@link #longValue()}. Returns 0 on success, 1 when the value is not a whole number, 2 when it is out of range.
     */
    int toLong(final long min, final long max)
    {
        if (mantissa == 0 && !digitsDropped)
        {
            longValue = 0;
            return min <= 0 && 0 <= max ? 0 : 2;
        }
        if (!digitsDropped && exponent <= 0 && exponent >= -MANTISSA_DIGITS)
        {
            final long power = LONG_POWERS_OF_TEN[-exponent];
            if (mantissa % power != 0)
            {
                return 1;
            }
            final long value = numberNegative ? -(mantissa / power) : mantissa / power;
            longValue = value;
            return value >= min && value <= max ? 0 : 2;
        }
        if (!digitsDropped && exponent > 0 && exponent < MANTISSA_DIGITS &&
            mantissa <= Long.MAX_VALUE / LONG_POWERS_OF_TEN[exponent])
        {
            final long value = mantissa * LONG_POWERS_OF_TEN[exponent];
            longValue = numberNegative ? -value : value;
            return longValue >= min && longValue <= max ? 0 : 2;
        }
        return toLongSlow(min, max);
    }

    /**
     * Rare: more than 18 significant digits or a large exponent. Exact, and linear in the token: the number is
     * reduced to its significant digits {@code S} and a power of ten {@code E} (value = S x 10^E, S without leading
     * or trailing zeros), which answer most cases outright: 0, not whole ({@code E < 0}), or too large
     * ({@code digits(S) + E > 19}); only a value of at most 19 digits is built, as a {@code BigInteger}. Before, a
     * {@code BigDecimal} of the whole token was stripped of its trailing zeros one division at a time: a sample of 1
     * and 80,000 zeros held an event loop for 2 s (quadratic; about a minute at the 1 MiB envelope limit), and an
     * exponent beyond an int threw ({@code 1e2147483648}: 500 over HTTP, a silent WebSocket close).
     */
    private int toLongSlow(final long min, final long max)
    {
        final byte[] b = buf;
        int p = numberStart;
        final boolean negative = b[p] == '-';
        if (negative)
        {
            p++;
        }
        int firstSignificant = -1;
        int lastSignificant = -1;
        int digits = 0;
        int fractionDigits = 0;
        int trailingZeros = 0;
        boolean point = false;
        for (; p < numberEnd && b[p] != 'e' && b[p] != 'E'; p++)
        {
            final byte c = b[p];
            if (c == '.')
            {
                point = true;
                continue;
            }
            if (c != '0')
            {
                if (firstSignificant < 0)
                {
                    firstSignificant = p;
                }
                lastSignificant = p;
                trailingZeros = 0;
            }
            else if (firstSignificant >= 0)
            {
                trailingZeros++;
            }
            digits += firstSignificant >= 0 ? 1 : 0;
            fractionDigits += point ? 1 : 0;
        }
        final long exponent = p < numberEnd ? saturatedExponent(b, p + 1, numberEnd) : 0;
        if (firstSignificant < 0)
        {
            longValue = 0; // all zeros, whatever the exponent
            return min <= 0 && max >= 0 ? 0 : 2;
        }
        final int significant = digits - trailingZeros;
        final long powerOfTen = exponent - fractionDigits + trailingZeros;
        if (powerOfTen < 0)
        {
            return 1;
        }
        if (significant + powerOfTen > 19)
        {
            return 2; // at least 10^19: beyond a long
        }
        final StringBuilder text = new StringBuilder(20);
        for (int q = firstSignificant; q <= lastSignificant; q++)
        {
            if (b[q] != '.')
            {
                text.append((char)b[q]);
            }
        }
        for (long z = 0; z < powerOfTen; z++)
        {
            text.append('0');
        }
        final java.math.BigInteger value = new java.math.BigInteger(negative ? "-" + text : text.toString());
        if (value.compareTo(java.math.BigInteger.valueOf(min)) < 0 || value.compareTo(java.math.BigInteger.valueOf(max)) > 0)
        {
            return 2;
        }
        longValue = value.longValueExact();
        return 0;
    }

    /** The exponent's digits from {@code from} to {@code end} (a sign first), saturated far beyond any use. */
    private static long saturatedExponent(final byte[] b, final int from, final int end)
    {
        int p = from;
        final boolean negative = b[p] == '-';
        if (b[p] == '-' || b[p] == '+')
        {
            p++;
        }
        long value = 0;
        for (; p < end; p++)
        {
            value = Math.min(value * 10 + (b[p] - '0'), 1L << 40);
        }
        return negative ? -value : value;
    }

    long longValue()
    {
        return longValue;
    }

    /**
     * The number as the nearest float (correctly rounded, like {@link Float#parseFloat}), widened. Rounding to the
     * nearest double first and then to a float is wrong only where the double lands exactly halfway between two
     * floats ({@link #isFloatMidpoint}): {@code 1.00000017881393432617187499}, just below such a point, became the
     * float above it. Those, and the float subnormal range, are converted from the text (rare, allocating).
     */
    double toFloat()
    {
        final double nearest = toDouble();
        return isFloatMidpoint(nearest) ? Float.parseFloat(tokenText()) : (float)nearest;
    }

    /**
     * Whether rounding {@code value} to a float may differ from rounding the exact decimal it came from: it lies
     * exactly halfway between two normal floats (the 29 bits a float drops are 1 then zeros), or below the least
     * normal float, where a float keeps fewer bits. Zero, infinities and NaN are not.
     */
    static boolean isFloatMidpoint(final double value)
    {
        final double magnitude = Math.abs(value);
        return (Double.doubleToRawLongBits(value) & 0x1FFF_FFFFL) == 0x1000_0000L ||
            magnitude < Float.MIN_NORMAL && magnitude != 0;
    }

    /** The number as the nearest double (correctly rounded, like {@link Double#parseDouble}). */
    double toDouble()
    {
        if (mantissa == 0 && !digitsDropped)
        {
            return numberNegative ? -0.0 : 0.0;
        }
        // Clinger's fast path: both operands exact, so one IEEE operation rounds correctly.
        if (!digitsDropped && mantissa < TWO_POW_53 && exponent >= -22 && exponent <= 22)
        {
            final double value = exponent >= 0 ? (double)mantissa * POWERS_OF_TEN[exponent] :
                (double)mantissa / POWERS_OF_TEN[-exponent];
            return numberNegative ? -value : value;
        }
        return Double.parseDouble(tokenText());
    }

    private String tokenText()
    {
        return new String(buf, numberStart, numberEnd - numberStart, StandardCharsets.US_ASCII);
    }

    static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
