package io.pitgun.replay;

/** JSON's number grammar (RFC 8259 §6), so CSV values that already are JSON numbers are sent exactly as written. */
final class JsonNumbers
{
    private JsonNumbers()
    {
    }

    static boolean isJsonNumber(final String text)
    {
        final int n = text.length();
        int i = 0;
        if (i < n && text.charAt(i) == '-')
        {
            i++;
        }
        if (i >= n)
        {
            return false;
        }
        if (text.charAt(i) == '0')
        {
            i++;
        }
        else if (isDigit(text.charAt(i)))
        {
            while (i < n && isDigit(text.charAt(i)))
            {
                i++;
            }
        }
        else
        {
            return false;
        }
        if (i < n && text.charAt(i) == '.')
        {
            i++;
            final int start = i;
            while (i < n && isDigit(text.charAt(i)))
            {
                i++;
            }
            if (i == start)
            {
                return false;
            }
        }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E'))
        {
            i++;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-'))
            {
                i++;
            }
            final int start = i;
            while (i < n && isDigit(text.charAt(i)))
            {
                i++;
            }
            if (i == start)
            {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }
}
