package io.pitgun.codecs.dictionary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Suggests the dictionary names nearest to one that was not found, for error messages ("did you mean ...").
 * Cold path: only runs when a request is already being rejected. {@link #normalise} is also the form in which other
 * tools compare a name with the dictionary's (the CSV replay's column mapping), so that a name matched there and a
 * name suggested here are the same thing.
 */
public final class NameSuggester
{
    private NameSuggester()
    {
    }

    /**
     * Up to {@code max} candidates, closest first, among those close enough to be a plausible typo or a
     * separator/case variant (distance measured case-insensitively with '_', '-', ' ' and '.' ignored).
     */
    static List<String> nearest(final CharSequence unknown, final List<String> candidates, final int max)
    {
        final String wanted = normalise(unknown);
        final List<Scored> scored = new ArrayList<>();
        for (final String candidate : candidates)
        {
            final String normalised = normalise(candidate);
            int distance = distance(wanted, normalised);
            if (normalised.contains(wanted) || wanted.contains(normalised))
            {
                distance = Math.min(distance, Math.abs(normalised.length() - wanted.length()) / 2 + 1);
            }
            final int allowed = Math.max(2, wanted.length() / 3);
            if (distance <= allowed)
            {
                scored.add(new Scored(candidate, distance));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
        final List<String> result = new ArrayList<>();
        for (int i = 0; i < scored.size() && i < max; i++)
        {
            result.add(scored.get(i).name());
        }
        return result;
    }

    /**
     * The form two channel names are compared in: lower case (root locale) without {@code _}, {@code -}, space and
     * {@code .}, so that {@code "Tyre_Temp FL"} and {@code "tyre-temp-fl"} are the same name.
     *
     * @param name a channel name as written by a user or a dictionary.
     * @return the name in its comparable form.
     */
    public static String normalise(final CharSequence name)
    {
        final StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (c != '_' && c != '-' && c != ' ' && c != '.')
            {
                sb.append(c);
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    // Optimal string alignment distance: Levenshtein plus adjacent transpositions, the commonest typo.
    private static int distance(final String a, final String b)
    {
        final int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++)
        {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++)
        {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            for (int j = 1; j <= b.length(); j++)
            {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1))
                {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return d[a.length()][b.length()];
    }

    private record Scored(String name, int distance)
    {
    }
}
