package io.pitgun.perf.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One row of a JMH {@code -rf json} result file: which benchmark with which parameters, its primary score and the
 * secondary metrics the table shows (allocation per op, auxiliary counters).
 *
 * @param group     the benchmark class's simple name without {@code Benchmark}, e.g. {@code EnvelopeDecode}.
 * @param method    the benchmark method.
 * @param params    JMH parameters, sorted by name.
 * @param mode      JMH mode ({@code thrpt}, {@code avgt}, ...).
 * @param score     primary score.
 * @param error     its 99.9 % confidence half-width (NaN with too few iterations).
 * @param unit      the primary score's unit.
 * @param allocated {@code gc.alloc.rate.norm} in bytes per op, NaN without {@code -prof gc}.
 * @param counters  other secondary metrics that are not profiler output (JMH {@code @AuxCounters}), name → score.
 * @param settings  how JMH ran it, e.g. {@code 1 fork, 3 × 2 s warm-up, 5 × 2 s measurement} (what the JSON says).
 */
record JmhResult(String group, String method, Map<String, String> params, String mode, double score, double error,
    String unit, double allocated, Map<String, Metric> counters, String settings)
{
    /** A secondary metric's score and unit. */
    record Metric(double score, double error, String unit)
    {
    }

    /** Every result of a JMH JSON document (its top level is an array of results). */
    static List<JmhResult> parse(final JsonNode document)
    {
        if (!document.isArray())
        {
            throw new IllegalArgumentException("a JMH -rf json result is an array of results, got " +
                document.getNodeType());
        }
        final List<JmhResult> results = new ArrayList<>();
        for (int i = 0; i < document.size(); i++)
        {
            results.add(of(document.get(i), i));
        }
        return results;
    }

    private static JmhResult of(final JsonNode node, final int index)
    {
        final String benchmark = text(node, "benchmark", index);
        final int dot = benchmark.lastIndexOf('.');
        final int classDot = benchmark.lastIndexOf('.', dot - 1);
        if (dot < 0 || classDot < 0)
        {
            throw new IllegalArgumentException("result " + index + ": benchmark '" + benchmark +
                "' is not package.Class.method");
        }
        final String className = benchmark.substring(classDot + 1, dot);
        final String group = className.endsWith("Benchmark") ?
            className.substring(0, className.length() - "Benchmark".length()) : className;
        final Map<String, String> params = new TreeMap<>();
        final JsonNode p = node.path("params");
        p.fieldNames().forEachRemaining(name -> params.put(name, p.get(name).asText()));
        final JsonNode primary = node.path("primaryMetric");
        if (!primary.has("score"))
        {
            throw new IllegalArgumentException("result " + index + " (" + benchmark + "): no primaryMetric.score");
        }
        final double score = primary.path("score").asDouble(Double.NaN);
        if (!(score > 0) || Double.isInfinite(score))
        {
            // A failed or empty measurement (JMH writes 0 or NaN): no figure may come from it.
            throw new IllegalArgumentException("result " + index + " (" + benchmark + "): primaryMetric.score " +
                primary.path("score").asText() + " is not a measurement");
        }
        double allocated = Double.NaN;
        final Map<String, Metric> counters = new TreeMap<>();
        final JsonNode secondary = node.path("secondaryMetrics");
        for (final Map.Entry<String, JsonNode> e : secondary.properties())
        {
            // JMH before 1.36 prefixed profiler metrics with a middle dot.
            final String name = e.getKey().startsWith("·") ? e.getKey().substring(1) : e.getKey();
            if (name.equals("gc.alloc.rate.norm"))
            {
                allocated = number(e.getValue().path("score"));
            }
            else if (!name.startsWith("gc.") && !e.getKey().startsWith("·"))
            {
                counters.put(name, new Metric(number(e.getValue().path("score")),
                    number(e.getValue().path("scoreError")), e.getValue().path("scoreUnit").asText("")));
            }
        }
        return new JmhResult(group, benchmark.substring(dot + 1), params, text(node, "mode", index),
            number(primary.path("score")), number(primary.path("scoreError")), primary.path("scoreUnit").asText(""),
            allocated, counters, settings(node));
    }

    /** Forks and iterations as the result file records them; parts JMH did not write are left out. */
    private static String settings(final JsonNode node)
    {
        final List<String> parts = new ArrayList<>();
        if (node.has("forks"))
        {
            final int forks = node.get("forks").asInt();
            parts.add(forks + (forks == 1 ? " fork" : " forks"));
        }
        iterations(node, "warmup", "warm-up", parts);
        iterations(node, "measurement", "measurement", parts);
        return String.join(", ", parts);
    }

    private static void iterations(final JsonNode node, final String field, final String label, final List<String> parts)
    {
        if (node.has(field + "Iterations"))
        {
            final String time = node.path(field + "Time").asText("");
            parts.add(node.get(field + "Iterations").asInt() + (time.isEmpty() ? "" : " × " + time) + " " + label);
        }
    }

    private static String text(final JsonNode node, final String field, final int index)
    {
        final JsonNode value = node.get(field);
        if (value == null || !value.isTextual())
        {
            throw new IllegalArgumentException("result " + index + ": missing text field '" + field + "'");
        }
        return value.asText();
    }

    /** JMH writes "NaN" as a string when a score has no error estimate. */
    private static double number(final JsonNode value)
    {
        if (value.isNumber())
        {
            return value.asDouble();
        }
        return value.isTextual() ? parseOrNaN(value.asText()) : Double.NaN;
    }

    private static double parseOrNaN(final String text)
    {
        try
        {
            return Double.parseDouble(text);
        }
        catch (final NumberFormatException ex)
        {
            return Double.NaN;
        }
    }
}
