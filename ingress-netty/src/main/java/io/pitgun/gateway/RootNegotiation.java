package io.pitgun.gateway;

import io.netty.util.AsciiString;

/**
 * What {@code GET /} serves, chosen from the request's {@code Accept} (RFC 9110 12.5.1): the live page (HTML) or the
 * JSON list of endpoints. Each of the two gets the quality of the most specific media range that matches it
 * ({@code text/html} before {@code text/*} before {@code *}{@code /*}; names in any case), 0 when none does; the page
 * is served when its quality is above 0 and above the list's, or equal to it but named more specifically (a browser's
 * {@code text/html, *}{@code /*}). Otherwise, and without {@code Accept}, the list: what tools got before the page
 * was served at {@code /}. Before, any {@code Accept} containing {@code text/html} got the page, even
 * {@code text/html;q=0} (not acceptable at all), and {@code TEXT/HTML} did not. Cold path: once per {@code GET /}.
 */
final class RootNegotiation
{
    /** The {@code Vary} of both answers: the header the choice depends on, spelt as the RFC spells it. */
    static final AsciiString VARY = AsciiString.cached("Accept");
    /** No range matched. */
    private static final int NO_MATCH = 0;
    /** Specificity of {@code *}{@code /*}, {@code type/*} and {@code type/subtype}. */
    private static final int ANY = 1;
    private static final int TYPE = 2;
    private static final int EXACT = 3;

    private RootNegotiation()
    {
    }

    /** Whether a request with {@code accept} (null: none) is served the live page rather than the JSON list. */
    static boolean servesPage(final String accept)
    {
        if (accept == null)
        {
            return false;
        }
        final Preference html = preference(accept, "text", "html");
        final Preference json = preference(accept, "application", "json");
        return html.quality > 0 && (html.quality > json.quality ||
            html.quality == json.quality && html.specificity > json.specificity);
    }

    /** The quality {@code accept} gives {@code type/subtype}, and how specific the range that gave it is. */
    private record Preference(double quality, int specificity)
    {
    }

    private static Preference preference(final String accept, final String type, final String subtype)
    {
        double quality = 0;
        int specificity = NO_MATCH;
        for (final String element : accept.split(","))
        {
            final String[] parts = element.split(";");
            final String range = parts[0].strip();
            final int slash = range.indexOf('/');
            if (slash < 0)
            {
                continue; // not a media range: ignored
            }
            final String rangeType = range.substring(0, slash);
            final String rangeSubtype = range.substring(slash + 1);
            final int matched = rangeType.equals("*") && rangeSubtype.equals("*") ? ANY :
                !rangeType.equalsIgnoreCase(type) ? NO_MATCH :
                rangeSubtype.equals("*") ? TYPE : rangeSubtype.equalsIgnoreCase(subtype) ? EXACT : NO_MATCH;
            final double q = quality(parts);
            if (matched > specificity && q >= 0)
            {
                specificity = matched;
                quality = q;
            }
        }
        return new Preference(quality, specificity);
    }

    /** The {@code q} parameter among {@code parts}' (after the range), 1 without one, -1 when it is not a qvalue. */
    private static double quality(final String[] parts)
    {
        for (int i = 1; i < parts.length; i++)
        {
            final String parameter = parts[i].strip();
            if (parameter.length() > 2 && (parameter.charAt(0) == 'q' || parameter.charAt(0) == 'Q') &&
                parameter.charAt(1) == '=')
            {
                final String value = parameter.substring(2).strip();
                // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (RFC 9110 12.4.2)
                return value.matches("0(\\.\\d{0,3})?|1(\\.0{0,3})?") ? Double.parseDouble(value) : -1;
            }
        }
        return 1;
    }
}
