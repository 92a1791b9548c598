package io.pitgun.perf.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.perf.wrk.GatewayWrkTable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Regenerates every figure of {@code docs/performance.md}: the content of each block between {@code <!-- bench:NAME
 * -->} and {@code <!-- /bench:NAME -->} comes from this run's inputs, and the writer fails (naming the block) when a
 * block has none, so no earlier figure survives unnoticed. Text outside the blocks stays byte for byte.
 *
 * <p>Usage: {@code PerformanceDocWriter --doc FILE --run TEXT [INPUT NAME=FILE]... RESULT.json...}. A JMH result
 * file fills the block named after each benchmark class without {@code Benchmark} ({@code EnvelopeDecode}, ...)
 * with a table and a generated summary ({@link JmhSummary}); several files (runs with different settings) merge.
 * {@code --run} describes the run (machine, JDK, date) and heads every block. The other inputs fill block NAME from
 * a file: {@code --text} as preformatted text (the end-to-end sweep), {@code --markdown} as it is (Markdown a tool
 * generated, e.g. {@code paced.PacedLatencyMain}'s table and verdict), {@code --demo} with {@link DemoExcerpt},
 * {@code --solver-browser} with {@link SolverBrowserTable}, {@code --pipeline-latency} with {@link
 * PipelineLatencyTable}, {@code --gateway-wrk} with {@link GatewayWrkTable}.
 */
public final class PerformanceDocWriter
{
    private static final String USAGE = "usage: PerformanceDocWriter --doc FILE --run TEXT [--text|--markdown|--demo|" +
        "--solver-browser|--pipeline-latency|--gateway-wrk NAME=FILE]... RESULT.json...";

    /** How each input option turns a file's text into a block's Markdown. */
    private static final Map<String, UnaryOperator<String>> RENDERERS = Map.of(
        "--text", PerformanceDocWriter::preformatted,
        "--markdown", UnaryOperator.identity(),
        "--demo", DemoExcerpt::render,
        "--solver-browser", SolverBrowserTable::render,
        "--pipeline-latency", PipelineLatencyTable::render,
        "--gateway-wrk", GatewayWrkTable::render);

    /** A block's input: which option named it, so which renderer turns the file into Markdown. */
    private record Input(String option, Path file)
    {
    }

    private PerformanceDocWriter()
    {
    }

    /**
     * The blocks' Markdown from JMH results: per benchmark class, the JMH settings, the table and the summary.
     *
     * @param results JMH results, in the order the tables list them.
     * @param run     one line describing the run, written at the top of each block.
     */
    static Map<String, String> jmhBlocks(final List<JmhResult> results, final String run)
    {
        final Map<String, List<JmhResult>> byGroup = new LinkedHashMap<>();
        for (final JmhResult r : results)
        {
            byGroup.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r);
        }
        final Map<String, String> blocks = new LinkedHashMap<>();
        byGroup.forEach((group, rows) ->
        {
            final List<String> settings = new ArrayList<>();
            rows.forEach(r -> {
                if (!r.settings().isEmpty() && !settings.contains(r.settings()))
                {
                    settings.add(r.settings());
                }
            });
            final String summary = JmhSummary.render(group, rows, results);
            blocks.put(group, run + "\n\nJMH " + (settings.isEmpty() ? "(settings not recorded)" :
                String.join("; ", settings)) + ".\n\n" + BenchTable.render(group, rows) +
                (summary.isEmpty() ? "" : "\n" + summary));
        });
        return blocks;
    }

    static String preformatted(final String text)
    {
        return "```text\n" + (text.endsWith("\n") ? text : text + "\n") + "```\n";
    }

    public static void main(final String[] args)
    {
        try
        {
            System.exit(run(args));
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            System.err.println("PerformanceDocWriter: " + ex.getMessage());
            System.exit(1);
        }
    }

    static int run(final String[] args) throws IOException
    {
        Path doc = null;
        String run = null;
        final List<Path> files = new ArrayList<>();
        final Map<String, Input> inputs = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (arg.equals("--doc"))
            {
                doc = Path.of(value(args, ++i, arg));
            }
            else if (arg.equals("--run"))
            {
                run = value(args, ++i, arg);
            }
            else if (RENDERERS.containsKey(arg))
            {
                final String spec = value(args, ++i, arg);
                final int eq = spec.indexOf('=');
                if (eq <= 0)
                {
                    throw new IllegalArgumentException(arg + " needs NAME=FILE, got '" + spec + "'");
                }
                inputs.put(spec.substring(0, eq), new Input(arg, Path.of(spec.substring(eq + 1))));
            }
            else if (arg.startsWith("--"))
            {
                throw new IllegalArgumentException("unknown option " + arg + "; " + USAGE);
            }
            else
            {
                files.add(Path.of(arg));
            }
        }
        if (doc == null || run == null)
        {
            throw new IllegalArgumentException(USAGE);
        }
        final Map<String, String> bodies = new LinkedHashMap<>(jmhBlocks(readResults(files), run));
        for (final Map.Entry<String, Input> input : inputs.entrySet())
        {
            final String option = input.getValue().option();
            final Path file = input.getValue().file();
            try
            {
                final String body = RENDERERS.get(option).apply(Files.readString(file, StandardCharsets.UTF_8));
                bodies.put(input.getKey(), run + "\n\n" + body);
            }
            catch (final IllegalArgumentException | IOException ex)
            {
                throw new IllegalArgumentException("block " + input.getKey() + " (" + option + " " + file + "): " +
                    ex.getMessage(), ex);
            }
        }
        final String text = Files.readString(doc, StandardCharsets.UTF_8);
        Files.writeString(doc, MarkedBlocks.replace(text, bodies), StandardCharsets.UTF_8);
        final List<String> names = MarkedBlocks.names(text);
        System.out.println("PerformanceDocWriter: rewrote " + names + " in " + doc);
        final List<String> unused = new ArrayList<>(bodies.keySet());
        unused.removeAll(names);
        if (!unused.isEmpty())
        {
            System.out.println("PerformanceDocWriter: no <!-- bench:NAME --> block for " + unused +
                " (results kept in the files only)");
        }
        return 0;
    }

    private static List<JmhResult> readResults(final List<Path> files)
    {
        final ObjectMapper json = new ObjectMapper();
        final List<JmhResult> results = new ArrayList<>();
        for (final Path file : files)
        {
            try
            {
                results.addAll(JmhResult.parse(json.readTree(file.toFile())));
            }
            catch (final IllegalArgumentException | IOException ex)
            {
                throw new IllegalArgumentException(file + ": " + ex.getMessage(), ex);
            }
        }
        return results;
    }

    private static String value(final String[] args, final int i, final String option)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
