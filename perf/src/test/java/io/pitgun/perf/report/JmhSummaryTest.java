package io.pitgun.perf.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The generated summary lines on a JMH JSON fixture of the whole suite: every ratio computed from its scores. */
class JmhSummaryTest
{
    @Test
    void shouldStateTheDecoderAgainstJacksonWithTheRangeTheIntervalsAllow() throws Exception
    {
        assertEquals("**Summary (generated):** `decodeToSbe` has 3.20× (2.92–3.50× within the 99.9 % intervals) the " +
            "throughput of `jacksonDatabind` (888 vs 277 MB/s of JSON). Bytes allocated per envelope: `decodeToSbe` " +
            "≈ 0 B (JMH's own bookkeeping), `jacksonDatabind` 297,409 B.\n", summary("EnvelopeDecode"));
    }

    @Test
    void shouldStateCompiledFormulasAgainstHandWrittenJavaAndTheLibraries() throws Exception
    {
        assertEquals("**Summary (generated):** `Power`: compiled code takes 1.11× hand-written Java's time and is " +
            "11.0× (10.3–11.8× within the 99.9 % intervals) as fast as exp4j, 40.0× (37.7–42.4× within the 99.9 % " +
            "intervals) as fast as JEXL.\n", summary("Formula"));
    }

    @Test
    void shouldStateThePipelineAsAPercentageOfTheBareAndTheJournaledRingsAndSayWhenTheIntervalIsTooWide()
        throws Exception
    {
        assertEquals("**Summary (generated):** `pipeline` (journal=shared) runs at 20.0 % (interval too wide to " +
            "bound it) of `bareDisruptor`'s frames/s (625 ns per frame against 125 ns). `pipeline` (journal=none) " +
            "runs at 50.0 % (45.2–55.3 % within the 99.9 % intervals) of `bareDisruptor`'s frames/s (250 ns per " +
            "frame against 125 ns). `pipeline` (journal=shared) runs at 80.0 % (interval too wide to bound it) of " +
            "`bareJournaledDisruptor` (write=staged, the faster way)'s frames/s (625 ns per frame against 500 ns; " +
            "target ≥ 80 %). At 50 % of " +
            "`bareDisruptor`'s rate a frame has 250 ns; populating fresh journal pages alone costs each journaled " +
            "frame (182 bytes) 222 ns of CPU time on this machine (JournalAppend's `freshPagePopulated` × 182 / " +
            "4,096), paid by the pretoucher's thread.\n", summary("PipelineThroughput"));
    }

    @Test
    void shouldStateJournalBatchingAndMeanCosts() throws Exception
    {
        assertEquals("**Summary (generated):** `appendBatched` appends 1.50× as many frames/s as `append` (one entry " +
            "per frame). Mean cost: `append` 250 ns per entry, `appendBatched` 167 ns per frame, `read` 50.0 ns per " +
            "entry, `freshPage` 4,000 ns per 4 KiB page, `freshPagePopulated` 5,000 ns per 4 KiB page.\n", summary("JournalAppend"));
    }

    @Test
    void shouldStateSolverThreadsAgainstOneThread() throws Exception
    {
        assertEquals("**Summary (generated):** With threads=2 a solve is 1.82× (1.58–2.10× within the 99.9 % " +
            "intervals) as fast as with threads=1.\n", summary("Solver"));
    }

    @Test
    void shouldStateTheF1DecodersMarginOverTheGamesHighestRate()
    {
        final java.util.List<JmhResult> results = new java.util.ArrayList<>();
        // 1 µs for every per-frame id, 4 µs per game frame: 240 µs a second at 60 Hz.
        for (final String id : java.util.List.of("0", "1", "2", "3", "6", "7"))
        {
            results.add(new JmhResult("F1UdpDecode", "decode", java.util.Map.of("packetId", id), "thrpt",
                id.equals("1") || id.equals("3") ? 5e6 : 1e6, 1e4, "ops/s", id.equals("2") ? 0.2 : 0.04,
                java.util.Map.of(), ""));
        }
        assertEquals("**Summary (generated):** One game frame of 22 cars (packet ids 0, 2, 6, 7, one each) costs " +
            "4,000 ns to decode: at the game's highest rate (60 Hz, 240 packets/s) that is 0.024 % of one core, a " +
            "margin of 4,167×. Bytes allocated per packet, the most of those ids: ≈ 0 B (JMH's own bookkeeping).\n",
            JmhSummary.render("F1UdpDecode", results, results));
    }

    @Test
    void shouldShowThePipelineColumnsAsPercentOfBareAndOfTheBestJournaledForJournaledRowsOnly() throws Exception
    {
        final String table = BenchTable.render("PipelineThroughput", group("PipelineThroughput"));
        assertEquals("| benchmark | params | score | ± (99.9 %) | unit | B/op | % of bare | % of journaled |\n" +
            "|---|---|---:|---:|---|---:|---:|---:|\n" +
            "| bareDisruptor |  | 8,000,000 | 400,000 | ops/s | ≈ 0 | 100.0 % |  |\n" +
            "| bareJournaledDisruptor | write=direct | 1,000,000 | 100,000 | ops/s | ≈ 0 | 12.5 % | 50.0 % |\n" +
            "| bareJournaledDisruptor | write=staged | 2,000,000 | 100,000 | ops/s | ≈ 0 | 25.0 % | 100.0 % |\n" +
            "| pipeline | journal=shared | 1,600,000 | 2,000,000 | ops/s | ≈ 0 | 20.0 % | 80.0 % |\n" +
            "| pipeline | journal=none | 4,000,000 | 200,000 | ops/s | ≈ 0 | 50.0 % |  |\n", table);
    }

    static List<JmhResult> suite() throws Exception
    {
        try (InputStream in = JmhSummaryTest.class.getResourceAsStream("/jmh-suite-fixture.json"))
        {
            return JmhResult.parse(new ObjectMapper().readTree(in));
        }
    }

    private static List<JmhResult> group(final String group) throws Exception
    {
        return suite().stream().filter(r -> r.group().equals(group)).collect(Collectors.toList());
    }

    private static String summary(final String group) throws Exception
    {
        return JmhSummary.render(group, group(group), suite());
    }
}
