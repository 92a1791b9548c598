package io.pitgun.perf.report;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The blocks made from tools' text output (solver browser run, pipeline latency, demo) on fixtures. */
class GeneratedTextBlocksTest
{
    @Test
    void shouldTabulateTheSolverBrowserRunWithMediansAndTheWasmToJvmRatio() throws Exception
    {
        final String block = SolverBrowserTable.render(resource("/solver-browser-fixture.txt"));

        assertEquals("Request: 10000 scenarios × 58 laps × 252 strategies; browser: Chromium 156.0.8078.79 built " +
            "on Debian GNU/Linux 12 (bookworm). Each row is one whole solve, in ms.\n\n" +
            "| where | runs | min | median | max |\n|---|---:|---:|---:|---:|\n" +
            "| JVM, 1 thread (`ParallelSolver.solve`) | 3 | 190 | 200 | 204 |\n" +
            "| JVM, 2 threads (`ParallelSolver.solve`) | 3 | 116 | 120 | 140 |\n" +
            "| WebAssembly GC in a Chromium Web Worker (`solveMs` in the worker) | 3 | 220 | 232 | 288 |\n" +
            "| same, page round trip (starting the Worker, loading the module) | 3 | 350 | 360 | 521 |\n\n" +
            "**Summary (generated):** in the browser a solve takes 1.16× the time of one JVM thread (medians, 232 " +
            "vs 200 ms); the first browser run includes the module's warm-up.\n", block);
    }

    @Test
    void shouldSayNotMeasuredWhenThereWasNoBrowser()
    {
        assertEquals("**Not measured in this run:** no Chromium at /usr/bin/chromium (apt-get install chromium).\n",
            SolverBrowserTable.render("not measured: no Chromium at /usr/bin/chromium (apt-get install chromium).\n"));
    }

    @Test
    void shouldRefuseSolverOutputWithoutRuns()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> SolverBrowserTable.render("request: 1 scenarios x 2 laps x 3 strategies\nBUILD FAILURE\n"));
        assertTrue(ex.getMessage().contains("WASM (Chromium worker) run"), ex.getMessage());
    }

    @Test
    void shouldTabulatePipelineLatenciesInMicrosAndMillisWithoutStagesThatRecordedNothing()
    {
        final String table = PipelineLatencyTable.render(
            "journal=shared stage=publish_to_journaled count=1000000 p50=1370000 p90=1950000 p99=20300000 " +
                "p99.9=24700000 max=53900000\n" +
                "journal=none stage=publish_to_journaled count=0 p50=0 p90=0 p99=0 p99.9=0 max=0\n" +
                "journal=none stage=publish_to_processed count=42 p50=49000 p90=505000 p99=1610000 p99.9=4070000 " +
                "max=1234000000\n");

        assertEquals("| latency (saturated) | frames | p50 | p90 | p99 | p99.9 | max |\n" +
            "|---|---:|---:|---:|---:|---:|---:|\n" +
            "| publish → journaled, journal=shared | 1,000,000 | 1.37 ms | 1.95 ms | 20.3 ms | 24.7 ms | 53.9 ms |\n" +
            "| publish → processed, journal=none | 42 | 49.0 µs | 505 µs | 1.61 ms | 4.07 ms | 1234 ms |\n", table);
    }

    @Test
    void shouldNameTheLineAndFieldOfABadLatencyLine()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
            PipelineLatencyTable.render("journal=shared stage=a_to_b count=1 p50=1 p90=1 p99=1 p99.9=1 max=1\n" +
                "journal=shared stage=a_to_b count=1 p50=x p90=1 p99=1 p99.9=1 max=1\n"));
        assertEquals("pipeline latency line 2: p50=x is not a whole number", ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PipelineLatencyTable.render("\n"));
        assertThrows(IllegalArgumentException.class, () -> PipelineLatencyTable.render(
            "journal=none stage=publish_to_journaled count=0 p50=0 p90=0 p99=0 p99.9=0 max=0\n"));
    }

    @Test
    void shouldKeepTheDemoReplaySummaryAndLatencyTableButNotTheLaps() throws Exception
    {
        final String block = DemoExcerpt.render(resource("/demo-output-fixture.txt"));

        assertEquals("```text\n" +
            "replay of 104065 frames in 1041 envelopes to http://127.0.0.1:4000/beacon took 12.3 s\n" +
            "  acked:    1041 envelopes, 104065 frames\n" +
            "  rejected: 0 envelopes\n" +
            "  latency send→ack (µs): p50 9000  p90 12000  p99 30000  p99.9 45000  max 50000\n" +
            "\n" +
            "Latency (µs)              count      p50      p90      p99    p99.9      max\n" +
            "send → ack (replay)        1041     9000    12000    30000    45000    50000\n" +
            "publish → journaled      104065      850     2100     4000     6000     7000\n" +
            "```\n", block);
    }

    @Test
    void shouldRefuseDemoOutputWithoutTheLatencyTable()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> DemoExcerpt.render("replay of 1 frames in 1 envelopes\n\npitgun demo: some envelopes were refused\n"));
        assertEquals("no line starting with 'Latency (µs)' in the demo's output", ex.getMessage());
    }

    private static String resource(final String name) throws Exception
    {
        try (InputStream in = GeneratedTextBlocksTest.class.getResourceAsStream(name))
        {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
