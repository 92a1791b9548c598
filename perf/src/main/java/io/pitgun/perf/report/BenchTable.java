package io.pitgun.perf.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Markdown table of one benchmark class's results: one row per method and parameter set (plus one per
 * auxiliary counter), the score with its error, the unit, allocation per op, and the speed relative to each of the
 * class's baseline methods (the library or bare mechanism a user would otherwise pick).
 */
final class BenchTable
{
    /**
     * A class's baseline column.
     *
     * @param method    the baseline method; a trailing {@code *} matches the row's case suffix (Formula).
     * @param header    the column's header.
     * @param percent   whether the column shows a percentage of the baseline instead of a ratio.
     * @param appliesTo the rows the column has a figure for (blank in the others).
     */
    private record Baseline(String method, String header, boolean percent, Predicate<JmhResult> appliesTo)
    {
        Baseline(final String method, final String header, final boolean percent)
        {
            this(method, header, percent, row -> true);
        }
    }

    /** The journaled baseline's column: only rows that journal ({@code pipeline} without {@code journal=none}). */
    private static final Baseline JOURNALED = new Baseline("bareJournaledDisruptor", "% of journaled", true,
        row -> row.method().equals("bareJournaledDisruptor") ||
            row.method().equals("pipeline") && !"none".equals(row.params().get("journal")));

    private static final Map<String, List<Baseline>> BASELINES = Map.of(
        "EnvelopeDecode", List.of(new Baseline("jacksonDatabind", "vs. baseline", false)),
        "PipelineThroughput", List.of(new Baseline("bareDisruptor", "% of bare", true), JOURNALED),
        "Formula", List.of(new Baseline("handWritten*", "vs. baseline", false)));

    private BenchTable()
    {
    }

    static String render(final String group, final List<JmhResult> results)
    {
        final StringBuilder sb = new StringBuilder();
        final List<Baseline> baselines = BASELINES.getOrDefault(group, List.of());
        sb.append("| benchmark | params | score | ± (99.9 %) | unit | B/op |");
        baselines.forEach(b -> sb.append(' ').append(b.header()).append(" |"));
        sb.append('\n').append("|---|---|---:|---:|---|---:|");
        baselines.forEach(b -> sb.append("---:|"));
        sb.append('\n');
        for (final JmhResult r : results)
        {
            final List<String> ratios = new ArrayList<>();
            for (final Baseline b : baselines)
            {
                ratios.add(b.appliesTo().test(r) ? ratio(r, baselineOf(r, results, b.method()), b) : "");
            }
            row(sb, r.method(), params(r.params()), r.score(), r.error(), r.unit(), r.allocated(), ratios);
            for (final Map.Entry<String, JmhResult.Metric> c : r.counters().entrySet())
            {
                final JmhResult.Metric m = c.getValue();
                row(sb, r.method() + " · " + c.getKey(), params(r.params()), m.score(), m.error(), m.unit(),
                    Double.NaN, Collections.nCopies(baselines.size(), ""));
            }
        }
        return sb.toString();
    }

    static JmhResult baselineOf(final JmhResult row, final List<JmhResult> results, final String baseline)
    {
        final String method;
        if (baseline.endsWith("*"))
        {
            final String prefix = baseline.substring(0, baseline.length() - 1);
            int i = row.method().startsWith(prefix) ? prefix.length() : 0;
            while (i < row.method().length() && !Character.isUpperCase(row.method().charAt(i)))
            {
                i++;
            }
            method = prefix + row.method().substring(i);
        }
        else
        {
            method = baseline;
        }
        // A baseline run with several parameter sets (the journaled ring's two ways to write) is its best one: the
        // ceiling a user could reach.
        JmhResult best = null;
        for (final JmhResult r : results)
        {
            if (r.method().equals(method) && r.unit().equals(row.unit()) &&
                (best == null || Speedup.of(r, best) != null && Speedup.of(r, best).ratio() > 1))
            {
                best = r;
            }
        }
        return best;
    }

    /** How many times faster than the baseline (throughput: score ratio; time per op: inverse ratio). */
    private static String ratio(final JmhResult row, final JmhResult base, final Baseline baseline)
    {
        final Speedup speedup = Speedup.of(row, base);
        if (speedup == null)
        {
            return "";
        }
        return baseline.percent() ? speedup.percent() : String.format(Locale.ROOT, "%.2f×", speedup.ratio());
    }

    private static void row(final StringBuilder sb, final String name, final String params, final double score,
        final double error, final String unit, final double allocated, final List<String> ratios)
    {
        sb.append("| ").append(name).append(" | ").append(params).append(" | ").append(number(score)).append(" | ")
            .append(number(error)).append(" | ").append(unit).append(" | ").append(bytes(allocated)).append(" |");
        ratios.forEach(ratio -> sb.append(' ').append(ratio).append(" |"));
        sb.append('\n');
    }

    private static String params(final Map<String, String> params)
    {
        final List<String> parts = new ArrayList<>();
        params.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }

    /** Three significant figures or more, with thousands separators; blank when JMH gave none. */
    static String number(final double value)
    {
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            return "";
        }
        final double abs = Math.abs(value);
        if (abs >= 100)
        {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 10)
        {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (abs >= 0.01 || abs == 0)
        {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.1e", value);
    }

    /** Allocation per op: below one byte it is JMH's own bookkeeping spread over ops, shown as ≈ 0. */
    private static String bytes(final double value)
    {
        if (Double.isNaN(value))
        {
            return "";
        }
        return value < 1 ? "≈ 0" : String.format(Locale.ROOT, "%,.0f", value);
    }
}
