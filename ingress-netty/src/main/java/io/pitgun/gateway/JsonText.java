package io.pitgun.gateway;

/** Writes JSON string literals into a {@link StringBuilder} (answers, audit lines: the cold path). */
final class JsonText
{
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText()
    {
    }

    /** Appends {@code value} as a quoted, escaped JSON string, or {@code null}. */
    static StringBuilder quote(final StringBuilder out, final CharSequence value)
    {
        if (value == null)
        {
            return out.append("null");
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c >= 0x7F && c <= 0x9F || c == 0x2028 || c == 0x2029)
                    {
                        // All four hex digits: U+2028/U+2029 (line separators JavaScript will not take raw in a
                        // string literal) need the high byte too. DEL and the C1 controls too: U+0085 (NEL, a
                        // header byte 0x85 read as Latin-1) ends a line for splitters that honour it, which would cut
                        // an audit line in two.
                        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                            .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        return out.append('"');
    }

    /** {@code "key":} */
    static StringBuilder key(final StringBuilder out, final String key)
    {
        return quote(out, key).append(':');
    }
}
