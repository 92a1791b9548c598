package io.pitgun.manifest.formula;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Finds the names closest to a misspelt one (case-insensitive edit distance), for "did you mean" hints. */
public final class Suggestions
{
    private Suggestions()
    {
    }

    /**
     * @return at most {@code max} candidates within a distance of a third of the name's length (at least 2),
     * nearest first, ties in the candidates' order.
     */
    public static List<String> nearest(final String name, final Collection<String> candidates, final int max)
    {
        final String wanted = name.toLowerCase(Locale.ROOT);
        final int limit = Math.max(2, wanted.length() / 3);
        final List<String> found = new ArrayList<>();
        final List<Integer> distances = new ArrayList<>();
        for (final String candidate : candidates)
        {
            final int distance = distance(wanted, candidate.toLowerCase(Locale.ROOT));
            if (distance > limit || found.contains(candidate))
            {
                continue;
            }
            int at = 0;
            while (at < distances.size() && distances.get(at) <= distance)
            {
                at++;
            }
            found.add(at, candidate);
            distances.add(at, distance);
        }
        return List.copyOf(found.subList(0, Math.min(max, found.size())));
    }

    /** " (did you mean A or B?)", or "" when there is nothing close. */
    public static String hint(final List<String> suggestions)
    {
        if (suggestions.isEmpty())
        {
            return "";
        }
        return " (did you mean " + String.join(" or ", suggestions) + "?)";
    }

    private static int distance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
