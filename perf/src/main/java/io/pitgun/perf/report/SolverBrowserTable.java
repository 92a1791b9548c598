package io.pitgun.perf.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The solver's JVM-versus-browser table from what {@code SolverBenchmarkRun} (module {@code solver-wasm}) prints,
 * as {@code bin/bench} collects it: an optional {@code browser: ...} line naming the Chromium build, the test's
 * {@code request: ...} line, then one line per timed run ({@code JVM 1 thread(s) run 0: 190.3 ms}, {@code WASM
 * (Chromium worker) run 0: solve 288.0 ms in the worker, 350.1 ms round trip ...}). A file whose first line starts
 * with {@code not measured:} (no Chromium on this machine) becomes a block saying so.
 */
final class SolverBrowserTable
{
    private static final Pattern JVM = Pattern.compile("^JVM (\\d+) thread\\(s\\) run \\d+: ([\\d.,]+) ms");
    private static final Pattern WASM = Pattern.compile(
        "^WASM \\(Chromium worker\\) run \\d+: solve ([\\d.,]+) ms in the worker, ([\\d.,]+) ms round trip");
    private static final String NOT_MEASURED = "not measured:";

    private SolverBrowserTable()
    {
    }

    /**
     * The block's Markdown.
     *
     * @throws IllegalArgumentException when the text has neither runs nor a {@code not measured:} line.
     */
    static String render(final String text)
    {
        final String trimmed = text.strip();
        if (trimmed.startsWith(NOT_MEASURED))
        {
            // An earlier run's table is dropped on purpose: a figure from another day must not pass for this run's.
            return "**Not measured in this run:** " + trimmed.substring(NOT_MEASURED.length()).strip() + "\n";
        }
        String browser = null;
        String request = null;
        final Map<String, List<Double>> jvm = new LinkedHashMap<>();
        final List<Double> worker = new ArrayList<>();
        final List<Double> roundTrip = new ArrayList<>();
        for (final String line : trimmed.split("\n"))
        {
            final Matcher j = JVM.matcher(line.strip());
            final Matcher w = WASM.matcher(line.strip());
            if (line.startsWith("browser:"))
            {
                browser = line.substring("browser:".length()).strip();
            }
            else if (line.startsWith("request:"))
            {
                request = line.substring("request:".length()).strip().replace(" x ", " × ");
            }
            else if (j.find())
            {
                final String threads = j.group(1);
                jvm.computeIfAbsent(threads, k -> new ArrayList<>()).add(number(j.group(2)));
            }
            else if (w.find())
            {
                worker.add(number(w.group(1)));
                roundTrip.add(number(w.group(2)));
            }
        }
        if (worker.isEmpty() || !jvm.containsKey("1"))
        {
            throw new IllegalArgumentException("no 'JVM 1 thread(s) run' and 'WASM (Chromium worker) run' lines from " +
                "SolverBenchmarkRun (and no 'not measured:' line)");
        }
        final StringBuilder sb = new StringBuilder();
        sb.append("Request: ").append(request == null ? "(not printed)" : request).append("; browser: ")
            .append(browser == null ? "(not recorded)" : browser).append(". Each row is one whole solve, in ms.\n\n");
        sb.append("| where | runs | min | median | max |\n|---|---:|---:|---:|---:|\n");
        jvm.forEach((threads, ms) -> row(sb, "JVM, " + threads + (threads.equals("1") ? " thread" : " threads") +
            " (`ParallelSolver.solve`)", ms));
        row(sb, "WebAssembly GC in a Chromium Web Worker (`solveMs` in the worker)", worker);
        row(sb, "same, page round trip (starting the Worker, loading the module)", roundTrip);
        final double wasm = median(worker);
        final double one = median(jvm.get("1"));
        sb.append('\n').append(String.format(Locale.ROOT, "**Summary (generated):** in the browser a solve takes " +
            "%s× the time of one JVM thread (medians, %s vs %s ms); the first browser run includes the module's " +
            "warm-up.%n", Speedup.format(wasm / one), BenchTable.number(wasm), BenchTable.number(one)));
        return sb.toString();
    }

    private static void row(final StringBuilder sb, final String where, final List<Double> ms)
    {
        sb.append("| ").append(where).append(" | ").append(ms.size()).append(" | ")
            .append(BenchTable.number(ms.stream().mapToDouble(Double::doubleValue).min().orElseThrow())).append(" | ")
            .append(BenchTable.number(median(ms))).append(" | ")
            .append(BenchTable.number(ms.stream().mapToDouble(Double::doubleValue).max().orElseThrow())).append(" |\n");
    }

    static double median(final List<Double> values)
    {
        final double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        final int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The test prints with the default locale: accept a decimal comma. */
    private static double number(final String text)
    {
        return Double.parseDouble(text.replace(',', '.'));
    }
}
