package io.pitgun.schemas;

/**
 * Renders one line of a source text with a caret under a column, the way compilers point at errors. Public for
 * reports whose problems carry only a location ({@code line:column}), not a {@link ParsedDocument}.
 */
public final class SourceExcerpt
{
    private SourceExcerpt()
    {
    }

    /**
     * @param text   the whole source text
     * @param line   1-based line number
     * @return that line without its line terminator, or {@code ""} when the text has no such line
     */
    static String line(final String text, final int line)
    {
        int start = 0;
        for (int current = 1; current < line; current++)
        {
            final int next = nextLineStart(text, start);
            if (next < 0)
            {
                return "";
            }
            start = next;
        }
        int end = start;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r')
        {
            end++;
        }
        return text.substring(start, end);
    }

    /**
     * Builds the caret line. Tabs before the column are kept so that the caret lines up however
     * wide the reader's terminal draws a tab.
     *
     * @param sourceLine the line the caret points into
     * @param column     1-based column of the caret
     * @return spaces (and tabs) followed by {@code ^}
     */
    static String caret(final String sourceLine, final int column)
    {
        final StringBuilder caret = new StringBuilder(column);
        for (int i = 0; i < column - 1; i++)
        {
            caret.append(i < sourceLine.length() && sourceLine.charAt(i) == '\t' ? '\t' : ' ');
        }
        return caret.append('^').toString();
    }

    /**
     * @param text     the whole source text
     * @param location a position in it
     * @return the source line, a line break and the caret line
     */
    public static String render(final String text, final TextLocation location)
    {
        final String sourceLine = line(text, location.line());
        return sourceLine + System.lineSeparator() + caret(sourceLine, location.column());
    }

    private static int nextLineStart(final String text, final int from)
    {
        for (int i = from; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '\n')
            {
                return i + 1;
            }
            if (c == '\r')
            {
                return i + 1 < text.length() && text.charAt(i + 1) == '\n' ? i + 2 : i + 1;
            }
        }
        return -1;
    }
}
