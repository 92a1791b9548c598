package io.pitgun.perf.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown table of one benchmark class's results: one row per method and parameter set (plus one per
 * auxiliary counter), the score with its error, the unit, allocation per op, and the speed relative to the class's
 * baseline method when it has one (the library or bare mechanism a user would otherwise pick).
 */
final class BenchTable
{
    /**
     * A class's baseline column.
     *
     * @param method  the baseline method; a trailing {@code *} matches the row's case suffix (Formula).
     * @param header  the column's header.
     * @param percent whether the column shows a percentage of the baseline instead of a ratio.
     */
    private record Baseline(String method, String header, boolean percent)
    {
    }

    private static final Map<String, Baseline> BASELINES = Map.of(
        "EnvelopeDecode", new Baseline("jacksonDatabind", "vs. baseline", false),
        "PipelineThroughput", new Baseline("bareDisruptor", "% of bare", true),
        "Formula", new Baseline("handWritten*", "vs. baseline", false));

    private BenchTable()
    {
    }

    static String render(final String group, final List<JmhResult> results)
    {
        final StringBuilder sb = new StringBuilder();
        final Baseline baseline = BASELINES.get(group);
        sb.append("| benchmark | params | score | ± (99.9 %) | unit | B/op |")
            .append(baseline == null ? "" : " " + baseline.header() + " |").append('\n');
        sb.append("|---|---|---:|---:|---|---:|").append(baseline == null ? "" : "---:|").append('\n');
        for (final JmhResult r : results)
        {
            final String ratio = baseline == null ? null : ratio(r, baselineOf(r, results, baseline.method()), baseline);
            row(sb, r.method(), params(r.params()), r.score(), r.error(), r.unit(), r.allocated(), ratio);
            for (final Map.Entry<String, JmhResult.Metric> c : r.counters().entrySet())
            {
                final JmhResult.Metric m = c.getValue();
                row(sb, r.method() + " · " + c.getKey(), params(r.params()), m.score(), m.error(), m.unit(),
                    Double.NaN, baseline == null ? null : "");
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
        for (final JmhResult r : results)
        {
            if (r.method().equals(method) && r.unit().equals(row.unit()))
            {
                return r;
            }
        }
        return null;
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
        final double error, final String unit, final double allocated, final String ratio)
    {
        sb.append("| ").append(name).append(" | ").append(params).append(" | ").append(number(score)).append(" | ")
            .append(number(error)).append(" | ").append(unit).append(" | ").append(bytes(allocated)).append(" |");
        if (ratio != null)
        {
            sb.append(' ').append(ratio).append(" |");
        }
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
