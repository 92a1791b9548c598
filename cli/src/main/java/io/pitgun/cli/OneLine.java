package io.pitgun.cli;

/**
 * Text from a user's document (a channel name, a member name) made fit for one line of a {@code file:line:column:
 * pointer: reason} report: line breaks and other control characters written as escapes ({@code \n}, {@code \u0085}),
 * so a name such as {@code "Speed\n"} neither splits the line nor hides what is wrong with it.
 */
final class OneLine
{
    private OneLine()
    {
    }

    static String of(final String text)
    {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            final boolean control = c < 0x20 || c >= 0x7F && c <= 0x9F || c == 0x2028 || c == 0x2029;
            if (control && out == null)
            {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out == null)
            {
                continue;
            }
            if (!control)
            {
                out.append(c);
            }
            else if (c == '\n')
            {
                out.append("\\n");
            }
            else if (c == '\r')
            {
                out.append("\\r");
            }
            else if (c == '\t')
            {
                out.append("\\t");
            }
            else
            {
                out.append(String.format("\\u%04x", (int)c));
            }
        }
        return out == null ? text : out.toString();
    }
}
