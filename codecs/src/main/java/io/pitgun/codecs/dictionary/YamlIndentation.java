package io.pitgun.codecs.dictionary;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Repairs YAML indented with no-break spaces (U+00A0), which YAML does not accept as indentation: text copied from
 * a web page or a formatted document (seed 000 prints its registry example that way) otherwise fails with an
 * unhelpful parse error or, worse, parses into the wrong structure. Only leading whitespace changes, and the repair
 * is reported as a warning. Cold path.
 */
final class YamlIndentation
{
    private static final Pattern LEADING_NO_BREAK = Pattern.compile("(?m)^[ \\t]*\\u00A0[ \\t\\u00A0]*");

    private YamlIndentation()
    {
    }

    /** {@code text} with every no-break space in a line's indentation replaced by a space. */
    static String normalise(final String text, final List<String> warnings)
    {
        final Matcher matcher = LEADING_NO_BREAK.matcher(text);
        int lines = 0;
        final StringBuilder out = new StringBuilder(text.length());
        while (matcher.find())
        {
            lines++;
            matcher.appendReplacement(out, Matcher.quoteReplacement(matcher.group().replace('\u00A0', ' ')));
        }
        if (lines == 0)
        {
            return text;
        }
        matcher.appendTail(out);
        warnings.add(lines + " lines indented with no-break spaces (U+00A0), read as spaces");
        return out.toString();
    }
}
