package io.pitgun.gateway;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the envelopes in a {@code POST /beacon} body without parsing them: one envelope, a JSON array of
 * envelopes, or NDJSON (envelopes separated by newlines; any whitespace between top-level values works). One pass
 * over the bytes tracks string, escape and nesting state only, and records where each envelope starts and ends
 * in pre-sized arrays: nothing is allocated per envelope. Whether each span is a valid envelope is the decoder's
 * business; the splitter only refuses a body whose top-level structure is broken (unbalanced brackets, an
 * unterminated string, text after a closing {@code ]}, a top-level value that is not an object: {@code not json} is
 * one broken body, not two envelopes).
 * <p>
 * The pass is the one scan of the body besides the decoder's, so inside an envelope it reads eight bytes at a time
 * (SWAR over {@code long} words, no branch per byte): a word's string bytes are the parity of the quotes before
 * them, and its brackets outside strings move the depth. Measured with {@code IngestPathBenchmark.partSplit}.
 * <p>
 * Not thread-safe: one per event-loop thread.
 */
public final class BeaconBodySplitter
{
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    private static final long LOW_BITS = 0x7F7F_7F7F_7F7F_7F7FL;
    /** OR-ed into every byte, it turns the square brackets into the curly ones and no other byte into either. */
    private static final long CASE_BITS = 0x2020_2020_2020_2020L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';
    private static final long OPEN_BRACES = ONES * '{';
    private static final long CLOSE_BRACES = ONES * '}';

    private final int[] starts;
    private final int[] lengths;
    private int count;
    private int errorOffset;
    private String error;
    private boolean tooMany;
    /** Where the envelope being scanned starts (absolute), or -1 between envelopes. */
    private int envelopeStart = -1;
    private int errorEnvelopeOffset = -1;

    /** @param maxEnvelopes most envelopes one body may hold. */
    public BeaconBodySplitter(final int maxEnvelopes)
    {
        starts = new int[maxEnvelopes];
        lengths = new int[maxEnvelopes];
    }

    /**
     * Splits {@code body[offset, offset + length)}.
     *
     * @return true with {@link #count()} spans, or false with {@link #error()} and {@link #errorOffset()} (relative
     *         to {@code offset}); {@link #tooMany()} tells a body over the envelope limit apart.
     */
    public boolean split(final byte[] body, final int offset, final int length)
    {
        count = 0;
        error = null;
        errorOffset = 0;
        errorEnvelopeOffset = -1;
        envelopeStart = -1;
        tooMany = false;
        final int end = offset + length;
        int i = skipWhitespace(body, offset, end);
        if (i < end && body[i] == '[')
        {
            return splitArray(body, offset, i + 1, end);
        }
        while (i < end)
        {
            envelopeStart = i;
            if (body[i] != '{')
            {
                // Not an envelope, nor an array of them: a word such as `not json` is not two envelopes to refuse
                // one by one (400 counted twice), but a body broken at its top level, refused once.
                return fail(offset, i, "expected an envelope (a JSON object, '{') or an array of envelopes at the " +
                    "top level, found '" + (char)(body[i] & 0xFF) + "'");
            }
            final int valueEnd = valueEnd(body, offset, i, end, 0);
            if (valueEnd < 0 || !add(offset, i, valueEnd))
            {
                return false;
            }
            i = skipWhitespace(body, valueEnd, end);
        }
        return true;
    }

    /**
     * Records {@code body[start, start + length)} as the body's one envelope without a pass over it: for a caller
     * whose decoder has just accepted that span whole as one envelope, whitespace aside the whole body (so a split
     * would have found exactly this span).
     */
    void single(final int start, final int length)
    {
        count = 1;
        starts[0] = start;
        lengths[0] = length;
        error = null;
        errorOffset = 0;
        tooMany = false;
    }

    private boolean splitArray(final byte[] body, final int base, final int from, final int end)
    {
        int i = skipWhitespace(body, from, end);
        if (i < end && body[i] == ']')
        {
            return trailing(body, base, i + 1, end);
        }
        while (true)
        {
            if (i >= end)
            {
                return fail(base, end, "body ends inside the array of envelopes: expected an envelope and ']'");
            }
            envelopeStart = i;
            final int valueEnd = valueEnd(body, base, i, end, 1);
            if (valueEnd < 0 || !add(base, i, valueEnd))
            {
                return false;
            }
            i = skipWhitespace(body, valueEnd, end);
            if (i >= end)
            {
                return fail(base, end, "body ends inside the array of envelopes: expected ',' or ']'");
            }
            if (body[i] == ']')
            {
                return trailing(body, base, i + 1, end);
            }
            if (body[i] != ',')
            {
                return fail(base, i, "expected ',' or ']' between envelopes, found '" + (char)(body[i] & 0xFF) + "'");
            }
            i = skipWhitespace(body, i + 1, end);
        }
    }

    private boolean trailing(final byte[] body, final int base, final int from, final int end)
    {
        final int i = skipWhitespace(body, from, end);
        return i >= end || fail(base, i, "unexpected data after the closing ']' of the envelope array");
    }

    // The end (exclusive) of the value starting at i: an object or array ends at its matching bracket, a scalar
    // at whitespace or (inside an array) at ',' or ']'. Returns -1 after recording an error.
    private int valueEnd(final byte[] body, final int base, final int from, final int end, final int arrayDepth)
    {
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < end; i++)
        {
            // Inside an object or array, a whole word at a time, without a branch per byte: which of its bytes are
            // in a string (the parity of the quotes before them), how the brackets outside strings change the
            // depth. Byte by byte (below) only a word with a backslash, or one in which the value may end.
            while (depth > 0 && i + Long.BYTES <= end)
            {
                final long word = (long)LONG_LE.get(body, i);
                if (equalBytes(word, BACKSLASHES) != 0)
                {
                    break;
                }
                long inside = prefixXor(equalBytes(word, QUOTES));
                if (inString)
                {
                    inside = ~inside;
                }
                final long outside = ~inside & HIGH_BITS;
                final long folded = word | CASE_BITS;
                final int closes = Long.bitCount(equalBytes(folded, CLOSE_BRACES) & outside);
                if (closes >= depth)
                {
                    break;
                }
                depth += Long.bitCount(equalBytes(folded, OPEN_BRACES) & outside) - closes;
                inString = inside < 0; // the last byte's bit: after an opening quote, in a string
                i += Long.BYTES;
            }
            if (i >= end)
            {
                break;
            }
            final byte b = body[i];
            if (inString)
            {
                if (b == '\\')
                {
                    i++;
                }
                else if (b == '"')
                {
                    inString = false;
                }
                continue;
            }
            switch (b)
            {
                case '"':
                    inString = true;
                    break;
                case '{':
                case '[':
                    depth++;
                    break;
                case '}':
                case ']':
                    if (depth == 0)
                    {
                        if (arrayDepth > 0 && b == ']')
                        {
                            return i;
                        }
                        fail(base, i, "unbalanced '" + (char)b + "'");
                        return -1;
                    }
                    depth--;
                    if (depth == 0)
                    {
                        return i + 1;
                    }
                    break;
                case ' ':
                case '\t':
                case '\r':
                case '\n':
                case ',':
                    if (depth == 0)
                    {
                        if (b == ',' && arrayDepth == 0)
                        {
                            fail(base, i, "',' between top-level values: send a JSON array, or NDJSON with one " +
                                "envelope per line");
                            return -1;
                        }
                        return i;
                    }
                    break;
                default:
                    break;
            }
        }
        if (inString)
        {
            fail(base, end, "body ends inside a string of envelope " + count);
            return -1;
        }
        if (depth > 0)
        {
            fail(base, end, "body ends inside envelope " + count + " (" + depth + " unclosed brackets)");
            return -1;
        }
        return end;
    }

    // The high bit of each byte of `word` that equals the byte repeated in `pattern`, exactly (no borrow between
    // bytes: the low seven bits are added within each byte).
    private static long equalBytes(final long word, final long pattern)
    {
        final long x = word ^ pattern;
        return ~(((x & LOW_BITS) + LOW_BITS) | x | LOW_BITS);
    }

    // Each byte's high bit becomes the parity of the high bits of it and the bytes before it (lower addresses).
    private static long prefixXor(final long highBits)
    {
        long x = highBits;
        x ^= x << 8;
        x ^= x << 16;
        x ^= x << 32;
        return x;
    }

    private boolean add(final int base, final int start, final int end)
    {
        if (count == starts.length)
        {
            tooMany = true;
            return fail(base, start, "more than " + starts.length + " envelopes in one body");
        }
        starts[count] = start;
        lengths[count] = end - start;
        count++;
        envelopeStart = -1;
        return true;
    }

    private boolean fail(final int base, final int at, final String message)
    {
        error = message;
        errorOffset = at - base;
        errorEnvelopeOffset = envelopeStart < 0 ? -1 : envelopeStart - base;
        return false;
    }

    private static int skipWhitespace(final byte[] body, final int from, final int end)
    {
        int i = from;
        while (i < end && isWhitespace(body[i]))
        {
            i++;
        }
        return i;
    }

    /** JSON's whitespace between values (RFC 8259): space, tab, line feed, carriage return. */
    static boolean isWhitespace(final byte b)
    {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** Envelopes found by the last successful split. */
    public int count()
    {
        return count;
    }

    /** Where envelope {@code i} starts in the body array (absolute index). */
    public int start(final int i)
    {
        return starts[i];
    }

    /** Length in bytes of envelope {@code i}. */
    public int length(final int i)
    {
        return lengths[i];
    }

    /** Why the last split failed. */
    public String error()
    {
        return error;
    }

    /** Byte offset in the body of the problem. */
    public int errorOffset()
    {
        return errorOffset;
    }

    /**
     * Where the envelope the last failed split broke in starts, relative to the body's offset as
     * {@link #errorOffset()} is, or -1 when it broke between envelopes. The envelope is envelope {@link #count()}.
     */
    public int errorEnvelopeOffset()
    {
        return errorEnvelopeOffset;
    }

    /** True when the last split failed only because the body holds too many envelopes (413, not 400). */
    public boolean tooMany()
    {
        return tooMany;
    }
}
