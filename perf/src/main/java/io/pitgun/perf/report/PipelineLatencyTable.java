package io.pitgun.perf.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine's saturated latency table from the lines {@code PipelineThroughputBenchmark} writes at tear-down when
 * {@code PITGUN_BENCH_OUT} names a directory: one line per pipeline layout and stage, {@code key=value} fields with
 * values in nanoseconds, e.g. {@code journal=shared stage=publish_to_journaled count=123 p50=1370000 p90=...
 * p99=... p99.9=... max=...}. A stage that recorded no frame (the journal stage of {@code journal=none}) has no row.
 */
public final class PipelineLatencyTable
{
    private static final List<String> PERCENTILES = List.of("p50", "p90", "p99", "p99.9", "max");

    private PipelineLatencyTable()
    {
    }

    /**
     * The Markdown table, one row per line of {@code text}.
     *
     * @throws IllegalArgumentException naming the line and field when a line lacks one or has a bad number, or
     *                                  when there is no line at all.
     */
    static String render(final String text)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("| latency (saturated) | frames | p50 | p90 | p99 | p99.9 | max |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        int rows = 0;
        final String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++)
        {
            if (lines[i].isBlank())
            {
                continue;
            }
            final Map<String, String> fields = fields(lines[i]);
            if (nanos(fields, "count", i) == 0)
            {
                // A stage the layout does not have (publish → journaled with journal=none) records nothing.
                continue;
            }
            sb.append("| ").append(stage(field(fields, "stage", i))).append(", journal=")
                .append(field(fields, "journal", i)).append(" | ")
                .append(String.format(Locale.ROOT, "%,d", nanos(fields, "count", i))).append(" |");
            for (final String p : PERCENTILES)
            {
                sb.append(' ').append(duration(nanos(fields, p, i))).append(" |");
            }
            sb.append('\n');
            rows++;
        }
        if (rows == 0)
        {
            throw new IllegalArgumentException("no pipeline latency lines with frames (PipelineThroughputBenchmark " +
                "writes them when PITGUN_BENCH_OUT is set)");
        }
        return sb.toString();
    }

    private static Map<String, String> fields(final String line)
    {
        final Map<String, String> fields = new LinkedHashMap<>();
        for (final String token : line.trim().split("\\s+"))
        {
            final int eq = token.indexOf('=');
            if (eq > 0)
            {
                fields.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        return fields;
    }

    private static String field(final Map<String, String> fields, final String name, final int line)
    {
        final String value = fields.get(name);
        if (value == null || value.isEmpty())
        {
            throw new IllegalArgumentException("pipeline latency line " + (line + 1) + ": no " + name + "=");
        }
        return value;
    }

    private static long nanos(final Map<String, String> fields, final String name, final int line)
    {
        final String value = field(fields, name, line);
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("pipeline latency line " + (line + 1) + ": " + name + "=" + value +
                " is not a whole number");
        }
    }

    private static String stage(final String tag)
    {
        final String[] words = tag.split("_to_", 2);
        return words.length == 2 ? words[0] + " → " + words[1] : tag;
    }

    /** Three significant figures in µs below a millisecond, in ms above (also the paced latency table's unit). */
    public static String duration(final long nanos)
    {
        if (nanos >= 1_000_000)
        {
            return BenchTable.number(nanos / 1e6).replace(",", "") + " ms";
        }
        return BenchTable.number(nanos / 1e3) + " µs";
    }
}
