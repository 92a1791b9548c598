package io.pitgun.codecs.envelope;

/**
 * The path from the document root to the value being read, kept as positions of the key tokens in the input and
 * array indices (ints only), so tracking it costs nothing; it becomes an RFC 6901 JSON Pointer string only when an
 * error is reported.
 */
final class JsonPath
{
    private static final int ARRAY_ELEMENT = -1;

    private final int[] keyStart;
    private final int[] index;
    private int depth;

    JsonPath(final int maxDepth)
    {
        keyStart = new int[maxDepth + 1];
        index = new int[maxDepth + 1];
    }

    void clear()
    {
        depth = 0;
    }

    int depth()
    {
        return depth;
    }

    /** Enters the member whose key's opening quote is at {@code keyQuotePosition}. */
    void pushKey(final int keyQuotePosition)
    {
        keyStart[depth] = keyQuotePosition;
        depth++;
    }

    /** Enters array element {@code elementIndex}. */
    void pushIndex(final int elementIndex)
    {
        keyStart[depth] = ARRAY_ELEMENT;
        index[depth] = elementIndex;
        depth++;
    }

    void pop()
    {
        depth--;
    }

    /** The pointer, e.g. {@code /payload/frames/3/samples/Engine_RPM}. Allocates. */
    String render(final byte[] input, final int inputOffset, final int inputLength)
    {
        final StringBuilder pointer = new StringBuilder();
        final JsonCursor cursor = new JsonCursor(inputLength + 4);
        for (int i = 0; i < depth; i++)
        {
            pointer.append('/');
            if (keyStart[i] == ARRAY_ELEMENT)
            {
                pointer.append(index[i]);
                continue;
            }
            cursor.wrap(input, inputOffset, inputLength);
            cursor.pos = keyStart[i];
            if (cursor.readString() == 1)
            {
                final String key = cursor.stringValue();
                for (int c = 0; c < key.length(); c++)
                {
                    final char ch = key.charAt(c);
                    if (ch == '~')
                    {
                        pointer.append("~0");
                    }
                    else if (ch == '/')
                    {
                        pointer.append("~1");
                    }
                    else
                    {
                        pointer.append(ch);
                    }
                }
            }
        }
        return pointer.toString();
    }
}
