package io.pitgun.manifest;

import io.pitgun.schemas.TextLocation;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a character of a string value (a formula) is in the manifest's text. The parser says only where the value
 * starts; the value's characters are found again in the source lines, each line's share of them (a
 * {@link Segment}) with its columns, style by style:
 * <ul>
 *   <li>block scalars ({@code |}, {@code >}, with chomping): the content lines after the header, less the block's
 *   indentation (a more-indented line's extra spaces are part of the value), however the lines were joined;</li>
 *   <li>quoted scalars (YAML or JSON): the characters after the opening quote, escapes ({@code \t},
 *   {@code \u00e9}, {@code ''}) decoded, so that one value character may take several columns; over several lines
 *   when the string does, a line ending in {@code \} (an escaped line break) joined to the next as it is;</li>
 *   <li>plain scalars: the rest of the line, then following lines as long as they continue the value.</li>
 * </ul>
 * A segment counts only where the value has it next (after the white space folding put between lines), so a line
 * that is not part of the value is never pointed at. Cold path: used when reporting a problem.
 */
final class ScalarPositions
{
    /** One source line's share of the value: its characters as they are in the value, and their columns. */
    private record Segment(int line, String text, int[] columns, int endColumn)
    {
    }

    private ScalarPositions()
    {
    }

    /**
     * @param lines  the source, one entry per line.
     * @param start  where the value starts (its first character, quote or block indicator).
     * @param value  the value as parsed.
     * @param offset a character offset into {@code value}, at most its length (the end).
     * @return the line and column of that character, or just past the value's last one for the end.
     */
    static TextLocation locate(final String[] lines, final TextLocation start, final String value, final int offset)
    {
        int position = 0;
        TextLocation end = start;
        for (final Segment segment : segments(lines, start))
        {
            final int at = align(value, position, segment.text());
            if (at < 0)
            {
                break;
            }
            final int length = Math.min(segment.text().length(), value.length() - at);
            if (offset < at + length)
            {
                return new TextLocation(segment.line(), segment.columns()[Math.max(0, offset - at)]);
            }
            position = at + length;
            if (length < segment.text().length())
            {
                // The line goes on past the value (a flow collection's ", ...}"): the end is after its last character.
                return new TextLocation(segment.line(), segment.columns()[length - 1] + 1);
            }
            end = new TextLocation(segment.line(), segment.endColumn());
        }
        return end;
    }

    // Where text (or, at the value's end, its beginning) is in value at from or after white space only; else -1.
    private static int align(final String value, final int from, final String text)
    {
        for (int at = from; at <= value.length(); at++)
        {
            final int length = Math.min(text.length(), value.length() - at);
            if (length > 0 && value.regionMatches(at, text, 0, length) || text.isEmpty())
            {
                return at;
            }
            if (at == value.length() || !Character.isWhitespace(value.charAt(at)))
            {
                return -1;
            }
        }
        return -1;
    }

    private static List<Segment> segments(final String[] lines, final TextLocation start)
    {
        final String first = line(lines, start.line());
        final int index = start.column() - 1;
        final char c = index < first.length() ? first.charAt(index) : ' ';
        if (c == '|' || c == '>')
        {
            return block(lines, start.line());
        }
        if (c == '"' || c == '\'')
        {
            return quoted(lines, start.line(), index, c);
        }
        return plain(lines, start.line(), index);
    }

    // The block's indentation is its first non-empty content line's; it ends at a line indented less.
    private static List<Segment> block(final String[] lines, final int header)
    {
        final List<Segment> segments = new ArrayList<>();
        int indentation = -1;
        for (int number = header + 1; number <= lines.length; number++)
        {
            final String line = line(lines, number);
            if (line.isBlank())
            {
                continue;
            }
            final int indent = indentation(line);
            if (indentation < 0)
            {
                indentation = indent;
            }
            if (indent < indentation || indent == 0)
            {
                break;
            }
            segments.add(verbatim(number, line, indentation, line.length()));
        }
        return segments;
    }

    private static List<Segment> plain(final String[] lines, final int first, final int index)
    {
        final List<Segment> segments = new ArrayList<>();
        for (int number = first; number <= lines.length; number++)
        {
            final String line = line(lines, number);
            if (line.isBlank())
            {
                break;
            }
            final int from = number == first ? index : indentation(line);
            int end = line.indexOf(" #", from);
            end = end < 0 ? line.length() : end;
            while (end > from && Character.isWhitespace(line.charAt(end - 1)))
            {
                end--;
            }
            segments.add(verbatim(number, line, from, end));
        }
        return segments;
    }

    private static List<Segment> quoted(final String[] lines, final int first, final int quoteIndex, final char quote)
    {
        final List<Segment> segments = new ArrayList<>();
        for (int number = first; number <= lines.length; number++)
        {
            final String line = line(lines, number);
            final StringBuilder text = new StringBuilder();
            final List<Integer> columns = new ArrayList<>();
            int i = number == first ? quoteIndex + 1 : indentation(line);
            boolean closed = false;
            boolean escapedBreak = false;
            while (i < line.length())
            {
                final char c = line.charAt(i);
                if (c == '\\' && quote == '"' && i + 1 == line.length())
                {
                    escapedBreak = true; // a '\' ending the line joins the next one without folding or trimming
                    break;
                }
                if (c == quote && quote == '\'' && i + 1 < line.length() && line.charAt(i + 1) == '\'')
                {
                    append(text, columns, "'", i);
                    i += 2;
                }
                else if (c == quote)
                {
                    closed = true;
                    break;
                }
                else if (c == '\\' && quote == '"' && i + 1 < line.length())
                {
                    final int width = escapeWidth(line.charAt(i + 1));
                    append(text, columns, unescape(line, i, width), i);
                    i += width;
                }
                else
                {
                    append(text, columns, String.valueOf(c), i);
                    i++;
                }
            }
            int kept = text.length();
            final boolean folded = !closed && !escapedBreak;
            while (folded && kept > 0 && (text.charAt(kept - 1) == ' ' || text.charAt(kept - 1) == '\t'))
            {
                kept--; // folding drops a line's trailing white space
            }
            segments.add(segment(number, text.substring(0, kept), columns.subList(0, kept),
                closed || kept == 0 ? i + 1 : columns.get(kept - 1) + 1));
            if (closed)
            {
                break;
            }
        }
        return segments;
    }

    private static int escapeWidth(final char kind)
    {
        switch (kind)
        {
            case 'x':
                return 4;
            case 'u':
                return 6;
            case 'U':
                return 10;
            default:
                return 2;
        }
    }

    // The character(s) an escape stands for; what is not recognised stands for itself (alignment then ends there).
    private static String unescape(final String line, final int at, final int width)
    {
        final char kind = line.charAt(at + 1);
        if (width > 2)
        {
            try
            {
                return new String(Character.toChars(Integer.parseInt(line.substring(at + 2, at + width), 16)));
            }
            catch (final RuntimeException ex)
            {
                return String.valueOf(kind);
            }
        }
        switch (kind)
        {
            case 't':
                return "\t";
            case 'n':
                return "\n";
            case 'r':
                return "\r";
            case '0':
                return "\0";
            case 'b':
                return "\b";
            case 'f':
                return "\f";
            case 'a':
                return "\u0007";
            case 'v':
                return "\u000b";
            case 'e':
                return "\u001b";
            case 'N':
                return "\u0085";
            case '_':
                return "\u00a0";
            case 'L':
                return "\u2028";
            case 'P':
                return "\u2029";
            default:
                return String.valueOf(kind);
        }
    }

    // Every character of decoded stands at the escape's (or the character's) column.
    private static void append(final StringBuilder text, final List<Integer> columns, final String decoded,
        final int index)
    {
        text.append(decoded);
        for (int k = 0; k < decoded.length(); k++)
        {
            columns.add(index + 1);
        }
    }

    private static Segment verbatim(final int number, final String line, final int from, final int to)
    {
        final int[] columns = new int[Math.max(0, to - from)];
        for (int i = 0; i < columns.length; i++)
        {
            columns[i] = from + i + 1;
        }
        return new Segment(number, line.substring(from, Math.max(from, to)), columns, Math.max(from, to) + 1);
    }

    private static Segment segment(final int number, final String text, final List<Integer> columns,
        final int endColumn)
    {
        return new Segment(number, text, columns.stream().mapToInt(Integer::intValue).toArray(), endColumn);
    }

    private static int indentation(final String line)
    {
        int indent = 0;
        while (indent < line.length() && line.charAt(indent) == ' ')
        {
            indent++;
        }
        return indent;
    }

    private static String line(final String[] lines, final int number)
    {
        return number >= 1 && number <= lines.length ? lines[number - 1] : "";
    }
}
