package io.pitgun.perf.paced;

import io.pitgun.perf.latency.PercentileDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole benchmark, tiny: one or two configurations, one rate, a fraction of a second per point. */
class PacedLatencyMainSmokeTest
{
    @TempDir
    Path out;

    @Test
    @Timeout(30)
    void shouldWriteHistogramsPlotsAndTheBlockOfOneShortRun() throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final List<PacedConfigurationResult> results = PacedLatencyMain.run(PacedLatencyMain.Options.parse(new String[]
            {"--out", out.toString(), "--rates", "2000", "--configurations", "wait_strategy=yielding", "--warmup-ms",
                "50", "--measure-ms", "250", "--idle-ms", "100", "--max-steps", "0"}),
            new PrintStream(log, true, StandardCharsets.UTF_8));

        assertEquals(1, results.size());
        assertNull(results.get(0).skipped());
        assertEquals(1, results.get(0).points().size());
        assertTrue(results.get(0).idleCpuPercent() >= 0);
        // What each side allocated is counted over the measured rounds (10 by default), the measured frames only.
        for (final SendAllocation a : List.of(results.get(0).points().get(0).pipelineAllocation(),
            results.get(0).points().get(0).bareAllocation()))
        {
            assertEquals(500, a.frames());
            assertEquals(10, a.rounds());
            assertTrue(a.bytes() >= 0 && a.roundsAllocating() <= a.rounds() && (a.bytes() == 0) ==
                (a.roundsAllocating() == 0), a.toString());
        }
        for (final String metric : List.of("commit", "publish_to_journaled", "publish_to_processed", "bare_append",
            "ring_journaled"))
        {
            final PercentileDistribution d = PercentileDistribution.readHgrm(
                out.resolve("wait-strategy-yielding-2000-" + metric + ".hgrm"));
            // Exactly the measured frames: the warm-up and the other points are not in a point's histogram.
            assertEquals(500, d.totalCount(), metric);
        }
        assertTrue(Files.readString(out.resolve("wait-strategy-yielding-2000.svg")).startsWith("<svg"));
        final String block = Files.readString(out.resolve("paced-latency.md"));
        assertTrue(block.contains("| `wait_strategy=yielding` | 2,000 |"), block);
        assertTrue(block.contains("**Verdict (generated)**"), block);
        assertEquals(500, results.get(0).points().get(0).ringFloor().count());
        assertTrue(block.contains("**Allocation (generated)**"), block);
    }

    @Test
    @Timeout(120)
    void shouldRunEachConfigurationInAJvmOfItsOwnAndWriteOneBlockOfAll() throws Exception
    {
        // The command as bin/bench runs it: this JVM is the parent, each configuration a child JVM.
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), PacedLatencyMain.class.getName(),
            "--out", out.toString(), "--rates", "2000", "--configurations",
            "wait_strategy=yielding,wait_strategy=blocking", "--warmup-ms", "50", "--measure-ms", "250", "--idle-ms", "100", "--max-steps", "0"));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(out.resolve("log.txt").toFile()).start();
        assertTrue(process.waitFor(110, TimeUnit.SECONDS), "the command ended");
        assertEquals(0, process.exitValue(), () -> read(out.resolve("log.txt")));
        final String block = Files.readString(out.resolve("paced-latency.md"));
        assertTrue(block.contains("| `wait_strategy=yielding` | 2,000 |"), block);
        assertTrue(block.contains("| `wait_strategy=blocking` | 2,000 |"), block);
        assertTrue(block.contains("Each configuration runs in a JVM of its own"), block);
        assertTrue(Files.exists(out.resolve("wait-strategy-blocking-2000-publish_to_journaled.hgrm")));
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }
}
