package io.pitgun.schemas;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;

import java.util.regex.Pattern;

/**
 * Compiles schema {@code pattern}s with {@link java.util.regex} but gives {@code $} its ECMA-262 meaning.
 *
 * <p>JSON Schema patterns are ECMA-262 regular expressions, where {@code $} (without the {@code m} flag) matches
 * only at the end of the input. In Java {@code $} also matches before a final line terminator, so
 * {@code ^[A-Za-z][A-Za-z0-9_]{0,63}$} would accept {@code "Power\n"}. Each {@code $} that is an anchor (not
 * escaped, not in a character class) is therefore compiled as {@code \z}. The validator's ECMA engines (Joni,
 * GraalJS) are optional dependencies Pitgun does not ship.
 */
final class EcmaAnchoredRegularExpressionFactory implements RegularExpressionFactory
{
    static final EcmaAnchoredRegularExpressionFactory INSTANCE = new EcmaAnchoredRegularExpressionFactory();

    private EcmaAnchoredRegularExpressionFactory()
    {
    }

    @Override
    public RegularExpression getRegularExpression(final String regex)
    {
        final Pattern pattern = Pattern.compile(anchorAtEndOfInput(regex));
        // A JSON Schema pattern is not implicitly anchored: it matches if it matches anywhere (find, not matches).
        return value -> pattern.matcher(value).find();
    }

    /**
     * @param regex an ECMA-262 pattern
     * @return the pattern with every anchor {@code $} replaced by {@code \z}
     */
    static String anchorAtEndOfInput(final String regex)
    {
        final StringBuilder java = new StringBuilder(regex.length() + 4);
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++)
        {
            final char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length())
            {
                java.append(c).append(regex.charAt(++i));
            }
            else if (inClass)
            {
                inClass = c != ']';
                java.append(c);
            }
            else if (c == '[')
            {
                inClass = true;
                java.append(c);
            }
            else if (c == '$')
            {
                java.append("\\z");
            }
            else
            {
                java.append(c);
            }
        }
        return java.toString();
    }
}
