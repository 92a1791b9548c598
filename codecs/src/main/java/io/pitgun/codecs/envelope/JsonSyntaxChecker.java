package io.pitgun.codecs.envelope;

/**
 * Checks that a whole document is well-formed JSON within a nesting limit, without building anything. The
 * envelope decoder stops at the first contract problem it meets; it then asks this checker whether the document
 * is even JSON, so that a malformed document is always reported as malformed (HTTP 400) and not as whichever
 * contract problem happened to come first.
 */
final class JsonSyntaxChecker
{
    private final JsonCursor cursor;
    private final JsonPath path;
    private final int maxDepth;
    private boolean depthExceeded;

    /**
     * @param maxDocumentBytes largest document it will see: no string inside can be longer, so the checker never
     *                         mistakes a long string for a syntax error (string limits are the decoder's job).
     * @param maxDepth         deepest nesting accepted.
     */
    JsonSyntaxChecker(final int maxDocumentBytes, final int maxDepth)
    {
        this.cursor = new JsonCursor(maxDocumentBytes);
        this.path = new JsonPath(maxDepth + 1);
        this.maxDepth = maxDepth;
    }

    /**
     * Returns true when {@code buffer[offset, offset + length)} is one well-formed JSON value, optionally surrounded
     * by whitespace, nested no deeper than the limit. Otherwise {@link #problem()} and friends describe the first
     * problem in document order.
     */
    boolean check(final byte[] buffer, final int offset, final int length)
    {
        cursor.wrap(buffer, offset, length);
        path.clear();
        depthExceeded = false;
        cursor.skipWhitespace();
        if (cursor.atEnd())
        {
            return cursor.fail(cursor.pos, "the document is empty");
        }
        if (!value(0))
        {
            return false;
        }
        cursor.skipWhitespace();
        if (!cursor.atEnd())
        {
            return cursor.fail(cursor.pos, "unexpected " + cursor.describe(cursor.pos) + " after the end of the document");
        }
        return true;
    }

    String problem()
    {
        return cursor.problem();
    }

    int problemOffset()
    {
        return cursor.problemOffset();
    }

    /** True when the failure was the nesting limit rather than bad syntax. */
    boolean depthExceeded()
    {
        return depthExceeded;
    }

    String pointer(final byte[] buffer, final int offset, final int length)
    {
        return path.render(buffer, offset, length);
    }

    private boolean value(final int depth)
    {
        cursor.skipWhitespace();
        final int b = cursor.peek();
        switch (b)
        {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return cursor.readString() == 1;
            case -1:
                return cursor.fail(cursor.pos, "document ends early: expected a value");
            default:
                if (b == '-' || b >= '0' && b <= '9')
                {
                    return cursor.readNumber();
                }
                return cursor.readLiteral() >= 0;
        }
    }

    private boolean object(final int depth)
    {
        if (depth > maxDepth)
        {
            depthExceeded = true;
            return cursor.fail(cursor.pos, "nesting deeper than the limit of " + maxDepth);
        }
        cursor.pos++;
        cursor.skipWhitespace();
        if (cursor.peek() == '}')
        {
            cursor.pos++;
            return true;
        }
        while (true)
        {
            cursor.skipWhitespace();
            if (cursor.peek() != '"')
            {
                return cursor.fail(cursor.pos, cursor.atEnd() ? "document ends early: expected a field name" :
                    "expected a field name in double quotes, found " + cursor.describe(cursor.pos));
            }
            final int keyStart = cursor.pos;
            if (cursor.readString() != 1)
            {
                return false;
            }
            if (!cursor.expect(':', "':' after the field name"))
            {
                return false;
            }
            path.pushKey(keyStart);
            if (!value(depth))
            {
                return false;
            }
            path.pop();
            cursor.skipWhitespace();
            final int b = cursor.peek();
            if (b == ',')
            {
                cursor.pos++;
            }
            else if (b == '}')
            {
                cursor.pos++;
                return true;
            }
            else
            {
                return cursor.failNoSeparator(cursor.pos, '}', "");
            }
        }
    }

    private boolean array(final int depth)
    {
        if (depth > maxDepth)
        {
            depthExceeded = true;
            return cursor.fail(cursor.pos, "nesting deeper than the limit of " + maxDepth);
        }
        cursor.pos++;
        cursor.skipWhitespace();
        if (cursor.peek() == ']')
        {
            cursor.pos++;
            return true;
        }
        int index = 0;
        while (true)
        {
            path.pushIndex(index++);
            if (!value(depth))
            {
                return false;
            }
            path.pop();
            cursor.skipWhitespace();
            final int b = cursor.peek();
            if (b == ',')
            {
                cursor.pos++;
            }
            else if (b == ']')
            {
                cursor.pos++;
                return true;
            }
            else
            {
                return cursor.failNoSeparator(cursor.pos, ']', "");
            }
        }
    }
}
