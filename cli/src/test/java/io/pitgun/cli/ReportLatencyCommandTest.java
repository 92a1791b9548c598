package io.pitgun.cli;

import io.pitgun.engine.HdrFiles;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun report latency} on files HdrHistogram itself wrote (the parsing itself: perf's {@code PercentileDistributionTest}). */
class ReportLatencyCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRenderSeveralFilesSideBySideWithAPercentileAxis() throws Exception
    {
        final Path fast = dir.resolve("fast.hgrm");
        final Path slow = dir.resolve("slow.hgrm");
        HdrFiles.writePercentiles(fast, new HdrFiles.Series("fast", histogram(20_000, 1)));
        HdrFiles.writePercentiles(slow, new HdrFiles.Series("slow", histogram(20_000, 2)));
        final Path log = dir.resolve("run.hlog");
        HdrFiles.writeIntervalLog(log, List.of(new HdrFiles.Series("ingest", histogram(500, 3))), 1_000, 2_000);
        final Path out = dir.resolve("report.html");

        final CommandLine cli = PitgunCommand.newCommandLine();
        final StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        final int exit = cli.execute("report", "latency", fast.toString(), slow.toString(), log.toString(),
            "--out", out.toString());

        assertEquals(0, exit, err.toString());
        final String html = Files.readString(out);
        assertTrue(html.contains("<svg"), html);
        for (final String series : List.of("fast", "slow", "run:ingest"))
        {
            assertTrue(html.contains("data-series=\"" + series + "\""), series);
        }
        for (final String label : List.of(">0%<", ">50%<", ">90%<", ">99%<", ">99.9%<", ">99.99%<"))
        {
            assertTrue(html.contains(label), label);
        }
        assertTrue(html.contains(">percentile<") && html.contains("latency (µs)"), html);
    }

    @Test
    void shouldAlsoWriteThePlotAloneAsAStandaloneSvg() throws Exception
    {
        final Path hgrm = dir.resolve("stage.hgrm");
        HdrFiles.writePercentiles(hgrm, new HdrFiles.Series("stage", histogram(5_000, 7)));
        final Path svg = dir.resolve("img/plot.svg");

        final CommandLine cli = PitgunCommand.newCommandLine();
        final StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        final int exit = cli.execute("report", "latency", hgrm.toString(), "--out", dir.resolve("r.html").toString(),
            "--svg", svg.toString(), "--title", "demo plot");

        assertEquals(0, exit, err.toString());
        final String text = Files.readString(svg);
        assertTrue(text.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), text);
        assertTrue(text.strip().endsWith("</svg>"), text);
        assertTrue(text.contains("data-series=\"stage\"") && text.contains(">demo plot<"), text);
    }

    @Test
    void shouldNameTheFileAndLineOfABadDistribution() throws Exception
    {
        final Path bad = dir.resolve("bad.hgrm");
        Files.writeString(bad, "       Value     Percentile TotalCount 1/(1-Percentile)\n\n  12.0 zero 1 1.0\n");
        final CommandLine cli = PitgunCommand.newCommandLine();
        final StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));

        final int exit = cli.execute("report", "latency", bad.toString(), "--out", dir.resolve("r.html").toString());

        assertEquals(1, exit);
        assertTrue(err.toString().contains(bad + ":3:"), err.toString());
    }

    /**
     * A file that is not UTF-8 text (a binary file given by mistake) is named as such. Before, the message was
     * Java's "Input length = 1", naming neither the file nor the problem.
     */
    @Test
    void shouldNameAFileThatIsNotText() throws Exception
    {
        final Path binary = dir.resolve("binary.hgrm");
        Files.write(binary, new byte[] {'1', ' ', (byte)0xff, (byte)0xfe, '\n'});

        final CliRun run = CliRun.of("report", "latency", binary.toString(), "--out", dir.resolve("r.html").toString());

        assertEquals(1, run.exitCode());
        assertEquals("pitgun report latency: " + binary + ": file is not valid UTF-8 text", run.err().strip());
    }

    /**
     * A damaged interval log is refused by file and line, whatever the damage. Before, HdrHistogram's log reader
     * ended the log at the first line it could not read: a stray line before the second tag's interval left that
     * series out of the page, exit 0; a cut-off histogram or a line without one printed the decoder's exception
     * ("ArrayIndexOutOfBoundsException", "No line found"), naming neither the file nor the problem.
     */
    @Test
    void shouldRefuseADamagedIntervalLogByFileAndLine() throws Exception
    {
        final Path whole = dir.resolve("whole.hlog");
        HdrFiles.writeIntervalLog(whole, List.of(new HdrFiles.Series("journaled", histogram(500, 3)),
            new HdrFiles.Series("processed", histogram(500, 4))), 1_000, 2_000);
        final List<String> lines = Files.readAllLines(whole);
        final int first = lines.size() - 2; // 0-based: the two intervals are the last lines
        assertTrue(lines.get(first).startsWith("Tag=journaled,") && lines.get(first + 1).startsWith("Tag=processed,"),
            lines.toString());
        assertEquals(0, CliRun.of("report", "latency", whole.toString(), "--out", dir.resolve("w.html").toString())
            .exitCode(), "the log as written");

        final String second = lines.get(first + 1);
        final Map<String, List<String>> damaged = new LinkedHashMap<>();
        damaged.put("stray line", edit(lines, first + 1, "not an interval", second));
        damaged.put("cut-off histogram", edit(lines, first + 1, second.substring(0, second.length() - 20)));
        damaged.put("no histogram", edit(lines, first + 1, second.substring(0, second.lastIndexOf(','))));
        damaged.put("not Base64", edit(lines, first + 1, second.substring(0, second.lastIndexOf(',') + 1) + "!!"));
        for (final Map.Entry<String, List<String>> log : damaged.entrySet())
        {
            final Path file = Files.write(dir.resolve(log.getKey().replace(' ', '-') + ".hlog"), log.getValue());
            final Path page = dir.resolve(log.getKey().replace(' ', '-') + ".html");

            final CliRun run = CliRun.of("report", "latency", file.toString(), "--out", page.toString());

            assertEquals(1, run.exitCode(), log.getKey() + ": " + run.out() + run.err());
            assertTrue(run.err().startsWith("pitgun report latency: " + file + ":" + (first + 2) + ": "),
                log.getKey() + ": " + run.err());
            assertFalse(Files.exists(page), log.getKey() + ": no page");
        }
    }

    /**
     * A value that is no latency, NaN, an infinity, a negative value or one beyond what an HdrHistogram records, is
     * refused by file and line. Before, the page was written with NaN or infinite coordinates (an empty plot),
     * exit 0.
     */
    @Test
    void shouldRefuseAValueThatIsNoLatency() throws Exception
    {
        for (final String value : List.of("NaN", "Infinity", "-5.000", "1e308"))
        {
            final Path hgrm = Files.writeString(dir.resolve("odd.hgrm"), "       Value     Percentile TotalCount " +
                "1/(1-Percentile)\n\n      12.000 0.500000000000          1           2.00\n  " + value +
                " 1.000000000000          2\n");
            final Path page = dir.resolve("odd.html");

            final CliRun run = CliRun.of("report", "latency", hgrm.toString(), "--out", page.toString());

            assertEquals(1, run.exitCode(), value + ": " + run.out() + run.err());
            assertTrue(run.err().contains(hgrm + ":4: value " + value + " is not a latency"), run.err());
            assertFalse(Files.exists(page), value + ": no page");
        }
    }

    /**
     * A percentile that is no fraction (NaN among them) or a line below the one before it (its value, percentile or
     * count smaller: not a distribution HdrHistogram prints) is refused by file and line. Before, a NaN percentile
     * passed the fraction check and the page was written with a NaN coordinate in its plot, exit 0; a line out of
     * order was drawn as a curve turning back and read wrong in the table.
     */
    @Test
    void shouldRefuseAPercentileThatIsNoFractionOrALineOutOfOrder() throws Exception
    {
        final Map<String, String> lines = new LinkedHashMap<>();
        lines.put("      14.000 NaN          2", "percentile NaN is not a fraction in [0, 1]");
        lines.put("      11.000 0.900000000000          2", "value 11.000 is below the previous line's");
        lines.put("      14.000 0.400000000000          2", "percentile 0.400000000000 is below the previous line's");
        lines.put("      14.000 0.900000000000          0", "count 0 is below the previous line's");
        for (final Map.Entry<String, String> line : lines.entrySet())
        {
            final Path hgrm = Files.writeString(dir.resolve("odd.hgrm"), "       Value     Percentile TotalCount " +
                "1/(1-Percentile)\n\n      12.000 0.500000000000          1           2.00\n" + line.getKey() +
                "\n      15.000 1.000000000000          3\n");
            final Path page = dir.resolve("odd.html");

            final CliRun run = CliRun.of("report", "latency", hgrm.toString(), "--out", page.toString());

            assertEquals(1, run.exitCode(), line.getKey() + ": " + run.out() + run.err());
            assertEquals("pitgun report latency: " + hgrm + ":4: " + line.getValue(), run.err().strip());
            assertFalse(Files.exists(page), line.getKey() + ": no page");
        }
    }

    /**
     * A negative count on an .hgrm's first line: the order check compares a line with the one before it, so the first
     * line's count was never checked, and the page was written (exit 0).
     */
    @Test
    void shouldRefuseANegativeCountOnTheFirstLine() throws Exception
    {
        final Path hgrm = Files.writeString(dir.resolve("negative.hgrm"), "       Value     Percentile TotalCount " +
            "1/(1-Percentile)\n\n      12.000 0.500000000000         -1           2.00\n" +
            "      15.000 1.000000000000          3\n");
        final Path page = dir.resolve("negative.html");

        final CliRun run = CliRun.of("report", "latency", hgrm.toString(), "--out", page.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertEquals("pitgun report latency: " + hgrm + ":3: count -1 is not a count of recorded values (0 or more)",
            run.err().strip());
        assertFalse(Files.exists(page), "no page");
    }

    /** A directory given as a FILE is named as one. Before, "no such file", of a directory that is there. */
    @Test
    void shouldNameADirectoryGivenAsAFile() throws Exception
    {
        final Path latency = Files.createDirectories(dir.resolve("latency"));

        final CliRun run = CliRun.of("report", "latency", latency.toString(), "--out",
            dir.resolve("r.html").toString());

        assertEquals(1, run.exitCode());
        assertEquals("pitgun report latency: " + latency + ": is a directory, not an .hgrm or .hlog file",
            run.err().strip());
    }

    /** {@code lines} with line {@code index} (0-based) replaced by {@code replacement}. */
    private static List<String> edit(final List<String> lines, final int index, final String... replacement)
    {
        final List<String> edited = new ArrayList<>(lines.subList(0, index));
        edited.addAll(List.of(replacement));
        edited.addAll(lines.subList(index + 1, lines.size()));
        return edited;
    }

    /** A long-tailed distribution of nanoseconds. */
    private static Histogram histogram(final int count, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final Histogram h = new Histogram(3);
        for (int i = 0; i < count; i++)
        {
            h.recordValue(10_000 + (long)(-Math.log(1 - random.nextDouble()) * 50_000 * seed));
        }
        return h;
    }
}
