package io.pitgun.systemtests.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every failed check of a soak, by check name, with a count and the first few examples, so that one run reports
 * all of its failures at once instead of stopping at the first. Thread-safe.
 */
public final class Violations
{
    private static final int EXAMPLES_PER_CHECK = 5;

    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, List<String>> examples = new TreeMap<>();

    /** Records one violation of {@code check}. */
    public synchronized void add(final String check, final String example)
    {
        counts.merge(check, 1L, Long::sum);
        final List<String> list = examples.computeIfAbsent(check, key -> new ArrayList<>());
        if (list.size() < EXAMPLES_PER_CHECK)
        {
            list.add(example);
        }
    }

    /** Records {@code count} violations of {@code check} at once (a summed check). */
    public synchronized void add(final String check, final long count, final String example)
    {
        counts.merge(check, count, Long::sum);
        final List<String> list = examples.computeIfAbsent(check, key -> new ArrayList<>());
        if (list.size() < EXAMPLES_PER_CHECK)
        {
            list.add(example);
        }
    }

    /** Whether nothing failed. */
    public synchronized boolean isEmpty()
    {
        return counts.isEmpty();
    }

    /** How often {@code check} failed. */
    public synchronized long count(final String check)
    {
        return counts.getOrDefault(check, 0L);
    }

    /** One line per failed check with its count, then its examples. */
    public synchronized String report()
    {
        final StringBuilder out = new StringBuilder();
        counts.forEach((check, count) ->
        {
            out.append("FAILED ").append(check).append(": ").append(count).append('\n');
            for (final String example : examples.get(check))
            {
                out.append("    e.g. ").append(example).append('\n');
            }
        });
        return out.toString();
    }
}
