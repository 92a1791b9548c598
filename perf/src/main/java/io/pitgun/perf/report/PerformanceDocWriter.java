package io.pitgun.perf.report;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the generated tables of {@code docs/performance.md} from JMH JSON results. Only the text between
 * {@code <!-- bench:NAME -->} and {@code <!-- /bench:NAME -->} changes, where NAME is a benchmark class without
 * {@code Benchmark} ({@code EnvelopeDecode}, {@code Formula}, ...); everything else in the file stays byte for byte.
 * A marked block whose class has no result in this run is left as it was.
 *
 * <p>Usage: {@code PerformanceDocWriter --doc FILE --run TEXT [--text NAME=FILE]... RESULT.json...}, where
 * {@code --run} describes the run (command, machine, JDK, date) and is written above every regenerated table, and
 * {@code --text} puts a file's text (the end-to-end sweep's output) into block NAME as it is.
 */
public final class PerformanceDocWriter
{
    private static final Pattern BLOCK = Pattern.compile(
        "(<!-- bench:([A-Za-z0-9]+) -->\\n)(.*?)(<!-- /bench:\\2 -->)", Pattern.DOTALL);

    private PerformanceDocWriter()
    {
    }

    /**
     * The document with every marked block whose benchmark class has results replaced by a fresh table.
     *
     * @param document the Markdown text.
     * @param results  JMH results, in the order the tables list them.
     * @param run      one line describing the run, written above each table.
     * @param updated  receives the names of the blocks rewritten.
     */
    static String rewrite(final String document, final List<JmhResult> results, final String run,
        final List<String> updated)
    {
        return rewrite(document, results, Map.of(), run, updated);
    }

    /**
     * As {@link #rewrite(String, List, String, List)}, and also replaces the blocks named in {@code texts} with that
     * text as a preformatted block (output of a tool that is not JMH, e.g. the end-to-end sweep).
     */
    static String rewrite(final String document, final List<JmhResult> results, final Map<String, String> texts,
        final String run, final List<String> updated)
    {
        final Map<String, List<JmhResult>> byGroup = new LinkedHashMap<>();
        for (final JmhResult r : results)
        {
            byGroup.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r);
        }
        final Matcher m = BLOCK.matcher(document);
        final StringBuilder out = new StringBuilder(document.length() + 1024);
        int last = 0;
        while (m.find())
        {
            final List<JmhResult> group = byGroup.get(m.group(2));
            final String text = texts.get(m.group(2));
            if (group == null && text == null)
            {
                continue;
            }
            out.append(document, last, m.start(3)).append(run).append("\n\n");
            if (group != null)
            {
                out.append(BenchTable.render(m.group(2), group));
            }
            if (text != null)
            {
                out.append("```text\n").append(text.endsWith("\n") ? text : text + "\n").append("```\n");
            }
            last = m.end(3);
            updated.add(m.group(2));
        }
        return out.append(document, last, document.length()).toString();
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
        final Map<String, String> texts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--doc":
                    doc = Path.of(value(args, ++i, "--doc"));
                    break;
                case "--run":
                    run = value(args, ++i, "--run");
                    break;
                case "--text":
                    final String spec = value(args, ++i, "--text");
                    final int eq = spec.indexOf('=');
                    if (eq <= 0)
                    {
                        throw new IllegalArgumentException("--text needs NAME=FILE, got '" + spec + "'");
                    }
                    texts.put(spec.substring(0, eq), Files.readString(Path.of(spec.substring(eq + 1)), StandardCharsets.UTF_8));
                    break;
                default:
                    files.add(Path.of(args[i]));
            }
        }
        if (doc == null || run == null || files.isEmpty() && texts.isEmpty())
        {
            throw new IllegalArgumentException(
                "usage: PerformanceDocWriter --doc FILE --run TEXT [--text NAME=FILE]... RESULT.json...");
        }
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
        final List<String> updated = new ArrayList<>();
        final String text = Files.readString(doc, StandardCharsets.UTF_8);
        final String rewritten = rewrite(text, results, texts, run, updated);
        Files.writeString(doc, rewritten, StandardCharsets.UTF_8);
        System.out.println("PerformanceDocWriter: rewrote " + updated + " in " + doc);
        final List<String> missing = new ArrayList<>();
        for (final JmhResult r : results)
        {
            if (!updated.contains(r.group()) && !missing.contains(r.group()))
            {
                missing.add(r.group());
            }
        }
        if (!missing.isEmpty())
        {
            System.out.println("PerformanceDocWriter: no <!-- bench:NAME --> block for " + missing +
                " (results kept in the JSON only)");
        }
        return 0;
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
