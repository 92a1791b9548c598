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
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
