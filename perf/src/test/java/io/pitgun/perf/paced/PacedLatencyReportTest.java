package io.pitgun.perf.paced;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generated block: rows, ratios and the verdict on #15's embedded targets, from fixed figures. */
class PacedLatencyReportTest
{
    private static Percentiles p(final long p50, final long p99)
    {
        return new Percentiles(1_000, p50, p99, p99 * 2, p99 * 3);
    }

    private static PacedPoint point(final long rate, final long journaledP50, final long journaledP99,
        final long bareP50, final long bareP99)
    {
        return new PacedPoint(rate, rate, p(300, 900), p(journaledP50, journaledP99), p(journaledP50 + 100,
            journaledP99 + 100), rate, p(bareP50, bareP99), false, SendAllocation.none(1_000, 5),
            SendAllocation.none(1_000, 5), p(bareP50 * 3, bareP99 * 2));
    }

    @Test
    void shouldTabulateEachPointWithItsRatiosToTheBareAppend()
    {
        final String md = PacedLatencyReport.render("Settings.", List.of(new PacedConfigurationResult(
            "wait_strategy=sleeping", true, false, null, 12.34, List.of(point(10_000, 45_000, 3_700_000, 450,
            45_000)))));

        assertTrue(md.startsWith("Settings.\n\n| configuration | frames/s |"), md);
        assertTrue(md.contains("| `wait_strategy=sleeping` (default) | 10,000 | 10,000 | 0.30 µs / 0.90 µs / 1.80 µs " +
            "/ 2.70 µs | 45.0 µs / 3.70 ms / 7.40 ms / 11.1 ms | 45.1 µs / 3.70 ms / 7.40 ms / 11.1 ms | 0.45 µs / " +
            "45.0 µs / 90.0 µs | 100× | 82.2× | 12.3 % | 1.35 µs / 90.0 µs / 180 µs | 33.3× |\n"), md);
        assertTrue(md.contains("pipeline producer 0 B at every point; bare append 0 B at every point."), md);
    }

    @Test
    void shouldJudgeTheDefaultsTargetsAndSayWhenNoLatencyProfileRan()
    {
        final String verdict = PacedLatencyReport.verdict(List.of(new PacedConfigurationResult(
            "wait_strategy=sleeping", true, false, null, 12.34, List.of(point(10_000, 15_000, 3_700_000, 450, 45_000),
            point(100_000, 25_000, 3_700_000, 450, 45_000)))));

        assertTrue(verdict.contains("- Latency profile, p50 ≤ 2.00× and p99 ≤ 3.00× the bare append's at 10,000 " +
            "and 100,000 frames/s: **not measured** (no configuration of this run is the latency profile).\n"), verdict);
        assertTrue(verdict.contains("- Default settings, p50 ≤ 20.0 µs at 10,000 and 100,000 frames/s: **NOT met** " +
            "with `wait_strategy=sleeping` — 10,000/s: p50 15.0 µs; 100,000/s: p50 25.0 µs.\n"), verdict);
        assertTrue(verdict.contains("- Default settings, idle ≤ 5.0 % of a core: **NOT met** with " +
            "`wait_strategy=sleeping` — 12.3 %.\n"), verdict);
    }

    @Test
    void shouldJudgeTheLatencyProfileOnItsRatiosAtBothRates()
    {
        final PacedConfigurationResult met = new PacedConfigurationResult("latency", false, true, null, 100, List.of(
            point(10_000, 900, 120_000, 450, 45_000), point(100_000, 800, 90_000, 450, 45_000)));
        final PacedConfigurationResult missed = new PacedConfigurationResult("latency", false, true, null, 100,
            List.of(point(10_000, 900, 120_000, 450, 45_000), point(100_000, 1_000, 90_000, 450, 45_000)));

        assertTrue(PacedLatencyReport.verdict(List.of(met)).contains("**met** with `latency` — 10,000/s: p50 0.90 µs " +
            "vs 0.45 µs (2.00×), p99 120 µs vs 45.0 µs (2.67×); 100,000/s: p50 0.80 µs vs 0.45 µs (1.78×), p99 " +
            "90.0 µs vs 45.0 µs (2.00×).\n"), PacedLatencyReport.verdict(List.of(met)));
        assertTrue(PacedLatencyReport.verdict(List.of(missed)).contains("**NOT met** with `latency`"));
        assertTrue(PacedLatencyReport.verdict(List.of(met)).contains("Default settings, p50 ≤ 20.0 µs at 10,000 " +
            "and 100,000 frames/s: **not measured**"));
    }

    @Test
    void shouldSetTheLatencyProfileAgainstTheJournaledRingFloor()
    {
        final String verdict = PacedLatencyReport.verdict(List.of(new PacedConfigurationResult("latency", false, true,
            null, 100, List.of(point(10_000, 1_800, 120_000, 450, 45_000), point(100_000, 800, 90_000, 300,
            45_000)))));

        assertTrue(verdict.contains("- Latency profile vs the journaled-ring floor (a hand-built busy-spin Disruptor " +
            "ring whose consumer appends each batch to Chronicle: the least any design that journals on another " +
            "thread than the producer's pays; the latency profile journals on the producer's own thread, " +
            "`journal.thread: producer`, which this floor does not bound), p50 at 10,000 and 100,000 frames/s: " +
            "10,000/s: pipeline 1.80 µs vs " +
            "ring 1.35 µs (1.33×); the ring is 3.00× the bare append's (0.45 µs), so 2.00× the bare append (0.90 " +
            "µs) is below the floor of a thread handoff; 100,000/s: pipeline 0.80 µs vs ring 0.90 µs (0.89×); the " +
            "ring is 3.00× the bare append's (0.30 µs), so 2.00× the bare append (0.60 µs) is below the floor of a " +
            "thread handoff.\n"), verdict);
    }

    @Test
    void shouldSayInHowManyRoundsOfHowManyFramesAPointAllocated()
    {
        final PacedPoint quiet = point(10_000, 45_000, 3_700_000, 450, 45_000);
        final SendAllocation once = SendAllocation.none(0, 0).plusRound(0, 400).plusRound(2_504, 400)
            .plusRound(0, 400).plusRound(0, 400).plusRound(0, 400);
        final PacedPoint allocating = new PacedPoint(1_000, 1_000, quiet.commit(), quiet.journaled(),
            quiet.processed(), 1_000, quiet.bare(), false, SendAllocation.none(2_000, 5), once, quiet.ringFloor());
        final String md = PacedLatencyReport.render("Settings.", List.of(new PacedConfigurationResult(
            "profile=latency", false, true, null, 1.0, List.of(allocating, quiet))));

        assertEquals(new SendAllocation(2_504, 2_000, 1, 5), once);
        assertTrue(md.contains("pipeline producer at 1 of 2 points (`profile=latency` at 1,000/s: 2,504 B over " +
            "2,000 frames, in 1 of 5 rounds); bare append 0 B at every point."), md);
    }

    @Test
    void shouldReportASkippedConfigurationWithItsReason()
    {
        final String md = PacedLatencyReport.render("S.", List.of(new PacedConfigurationResult("wait_strategy=busy_spin",
            false, false, "3 threads spin on 2 cores", Double.NaN, List.of())));
        assertTrue(md.contains("Not run: `wait_strategy=busy_spin`: 3 threads spin on 2 cores\n"), md);
        assertEquals("1.50×", PacedLatencyReport.ratio(3, 2));
    }
}
