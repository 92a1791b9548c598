package io.pitgun.gateway;

/**
 * The body splitter as it was before it skipped bytes eight at a time: one byte per step, the plain statement of
 * the rule. The oracle {@link BeaconBodySplitterTest} holds {@link BeaconBodySplitter} to.
 */
final class BytewiseBodySplitter
{
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
    BytewiseBodySplitter(final int maxEnvelopes)
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
        while (i < end)
        {
            final byte b = body[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t')
            {
                break;
            }
            i++;
        }
        return i;
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
