package io.pitgun.perf.wrk;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GatewayWrk block and its verdict from a summary, pure text to text. */
class GatewayWrkTableTest
{
    private static String point(final String server, final int frames, final int connections, final long requests,
        final long p50Us, final long non2xx, final String journal)
    {
        return "point server=" + server + " frames=" + frames + " connections=" + connections + " threads=2 seconds=5" +
            journal + " requests=" + requests + " duration_us=1000000 bytes=1 non2xx=" + non2xx + " connect_errors=0 " +
            "read_errors=0 write_errors=0 timeouts=0 p50_us=" + p50Us + " p90_us=" + 2 * p50Us +
            " p99_us=" + 3 * p50Us +
            " p99.9_us=" + 1500 * p50Us + " max_us=" + 2000 * p50Us + " mean_us=1.0";
    }

    private static String gateway(final int frames, final int connections, final long requests, final long p50Us)
    {
        return gateway("gateway", frames, connections, requests, p50Us);
    }

    private static String gateway(final String server, final int frames, final int connections, final long requests,
        final long p50Us)
    {
        final long acked = requests * frames;
        return point(server, frames, connections, requests, p50Us, 0,
            " acked_frames=" + acked + " journaled_frames=" + (acked + frames));
    }

    @Test
    void shouldTabulateEachPointAndSayWhichTargetsAreNotMet()
    {
        final String summary = String.join("\n", "# profile quick: 5 s per point",
            gateway(1, 4, 7893, 396), point("bare", 1, 4, 38389, 65, 0, ""),
            point("bare", 1, 32, 47558, 600, 0, ""), gateway(1, 32, 33727, 900),
            gateway(100, 4, 3736, 1000), point("bare", 100, 4, 16125, 240, 0, ""));

        final String block = GatewayWrkTable.render(summary);

        assertTrue(block.startsWith("Settings: profile quick: 5 s per point.\n\n| frames/envelope | connections |"),
            block);
        assertTrue(block.contains("| 1 | 4 | 7,893 | 38,389 | 21 % | 396 µs / 1.2 ms / 594.0 ms | " +
            "65 µs / 195 µs / 97.5 ms | 6.1× | 7,893 | 0 / 0 | yes (7894 ≥ 7893) |\n"), block);
        assertTrue(block.contains("| 100 | 4 | 3,736 | 16,125 | 23 % |"), block);
        assertTrue(block.contains("| 373,600 | 0 / 0 | yes (373700 ≥ 373600) |"), block);
        assertTrue(block.contains("- ≥ 70 % of the bare server's requests/s at every point with one-frame " +
            "envelopes: **NOT met** (worst: 1-frame envelopes, 4 connections, 7,893 vs 38,389 req/s = 20.5 %; all " +
            "points, frames × connections: 1×4c 20.5 %, 1×32c 70.9 %)\n"), block);
        assertTrue(block.contains("- ≥ 50 % of the bare server's requests/s at every point with larger envelopes: " +
            "**NOT met** (worst: 100-frame envelopes, 4 connections"), block);
        assertTrue(block.contains("at 4 connections: **NOT met**: 1-frame 396 µs vs 65 µs (6.1×); " +
            "100-frame 1.0 ms vs 240 µs (4.2×)\n"), block);
        assertTrue(block.contains("every acknowledged frame journaled (the gateway's `pitgun_frames_journaled_total` " +
            "against wrk's 2xx × frames): **yes**\n"), block);
        assertTrue(block.contains("- non-2xx answers and socket errors: gateway 0, bare 0\n"), block);
    }

    @Test
    void shouldNameTheServersByTheLabelsLineAndGiveTheCostInsteadOfIssue15sVerdict()
    {
        final String summary = String.join("\n", "# profile quick: TLS",
            "# labels gateway=gateway with TLS, bare=gateway without TLS",
            gateway(1, 4, 6000, 500), point("bare", 1, 4, 8000, 400, 0, ""));

        final String block = GatewayWrkTable.render(summary);

        assertTrue(block.startsWith("Settings: profile quick: TLS.\n\n| frames/envelope | connections | gateway " +
            "with TLS req/s | gateway without TLS req/s | ratio |"), block);
        assertTrue(block.contains("| 1 | 4 | 6,000 | 8,000 | 75 % |"), block);
        assertTrue(block.contains("gateway with TLS against gateway without TLS (frames × connections): 1×4: 75 % " +
            "of the requests/s, p50 1.3×.\n"), block);
        assertFalse(block.contains("NOT met"), block);
    }

    @Test
    void shouldSetEveryLabelledServerSideBySideAgainstTheLastAndEachAgainstThoseBefore()
    {
        final String summary = String.join("\n", "# profile quick: TLS", GatewayWrkMain.TLS_LABELS,
            gateway("openssl", 1, 4, 7000, 450), gateway("plain", 1, 4, 8000, 400), gateway("jdk", 1, 4, 5000, 600),
            gateway("jdk", 100, 32, 1000, 900), gateway("openssl", 100, 32, 1500, 800),
            // A point one server missed is left out.
            gateway("jdk", 1, 256, 10, 10));

        final String block = GatewayWrkTable.render(summary);

        assertTrue(block.startsWith("Settings: profile quick: TLS.\n\n| frames/envelope | connections | TLS (JDK) " +
            "req/s | TLS (OpenSSL) req/s | no TLS req/s | jdk / plain | openssl / plain | openssl / jdk | TLS (JDK) " +
            "p50 / p99 / p99.9 |"), block);
        assertTrue(block.contains("| 1 | 4 | 5,000 | 7,000 | 8,000 | 63 % | 88 % | 140 % | 600 µs / 1.8 ms / " +
            "900.0 ms |"), block);
        assertTrue(block.contains("| 0 / 0 / 0 | yes (5001 ≥ 5000) / yes (7001 ≥ 7000) / yes (8001 ≥ 8000) |\n"),
            block);
        assertFalse(block.contains("| 100 | 32 |"), block);
        assertFalse(block.contains("| 1 | 256 |"), block);
        assertTrue(block.contains("- TLS (JDK) against no TLS (frames × connections): 1×4: 63 % of the requests/s, " +
            "p50 1.5×.\n- TLS (OpenSSL) against no TLS (frames × connections): 1×4: 88 % of the requests/s, " +
            "p50 1.1×.\n- TLS (OpenSSL) against TLS (JDK) (frames × connections): 1×4: 140 % of the requests/s, " +
            "p50 0.8×.\n"), block);
        assertThrows(IllegalArgumentException.class, () -> GatewayWrkTable.render(String.join("\n",
            GatewayWrkMain.TLS_LABELS, gateway("jdk", 1, 4, 5000, 600))));
    }

    @Test
    void shouldSayMetWhenEveryPointIsWithinTheTargets()
    {
        final String summary = String.join("\n", gateway(1, 4, 7000, 100), point("bare", 1, 4, 10000, 60, 0, ""),
            gateway(100, 4, 5000, 100), point("bare", 100, 4, 10000, 50, 0, ""));

        final String verdict = GatewayWrkTable.render(summary);

        assertTrue(verdict.contains("with one-frame envelopes: **met** (worst: 1-frame envelopes, 4 connections"),
            verdict);
        assertTrue(verdict.contains("with larger envelopes: **met**"), verdict);
        assertTrue(verdict.contains("at 4 connections: **met**: 1-frame 100 µs vs 60 µs (1.7×); " +
            "100-frame 100 µs vs 50 µs (2.0×)"), verdict);
        assertFalse(verdict.contains("NOT met"), verdict);
    }

    @Test
    void shouldFlagFramesAcknowledgedButNotJournaledAndNon2xx()
    {
        final String summary = String.join("\n",
            point("gateway", 1, 4, 1000, 100, 7, " acked_frames=993 journaled_frames=990 rejections=overload:7"),
            point("bare", 1, 4, 1000, 60, 0, ""));

        final String block = GatewayWrkTable.render(summary);

        assertTrue(block.contains("| 7 (overload:7) / 0 | **NO** (990 < 993) |"), block);
        assertTrue(block.contains("against wrk's 2xx × frames): **NO**: 3 frames missing\n"), block);
        assertTrue(block.contains("- non-2xx answers and socket errors: gateway 7, bare 0 (the gateway's refusals by " +
            "reason: 1×4c overload:7)\n"), block);
        assertTrue(block.contains("with larger envelopes: **not measured**\n"), block);
    }

    @Test
    void shouldTabulateCpuPerRequestAndTheBudgetAtTheTarget()
    {
        // 1-frame at 4 connections: bare 10,000 req/s, so the 70 % target is 7,000 req/s; on 2 cores that leaves
        // 2e6 / 7000 = 285.7 µs per request for the gateway and wrk together, wrk took 50 µs per request.
        final String cpu = " cpu_event_loop_us=600000 cpu_pipeline_us=300000 cpu_pretouch_us=50000 " +
            "cpu_runtime_us=40000 cpu_other_us=10000 wrk_cpu_us=250000 cores=2";
        final String bareCpu = " cpu_event_loop_us=500000 cpu_pipeline_us=0 cpu_pretouch_us=0 " +
            "cpu_runtime_us=10000 cpu_other_us=0 wrk_cpu_us=400000 cores=2";
        final String summary = String.join("\n",
            point("gateway", 1, 4, 5000, 100, 0, " acked_frames=5000 journaled_frames=5000" + cpu),
            point("bare", 1, 4, 10000, 60, 0, bareCpu));

        final String block = GatewayWrkTable.render(summary);

        assertTrue(block.contains("| 1 | 4 | 200.0 (120.0 / 60.0 / 10.0 / 8.0 / 2.0) | 51.0 | 50.0 / 40.0 | " +
            "63 % / 46 % | 7,000 req/s needs ≤ 235.7 µs/req (spent 200.0) |\n"), block);
        assertTrue(block.contains("- CPU per request where a requests/s target is not met (see the CPU table): " +
            "1×4c spent 200.0 µs against ≤ 235.7 µs, of which the journal side (pipeline + pretouch) 70.0 µs\n"),
            block);
    }

    @Test
    void shouldTabulateTheJournalingFloorAndSayWhereJournalingAloneStaysBelowTheTarget()
    {
        final String floorCpu = " cpu_event_loop_us=900000 cpu_pipeline_us=0 cpu_pretouch_us=300000 " +
            "cpu_runtime_us=0 cpu_other_us=0 wrk_cpu_us=100000 cores=2";
        // 100×4: bare 40,000, journaling 14,000 (35 %), gateway 8,000 (20 %): journaling alone is below 50 %.
        // 100×32: bare 40,000, journaling 24,000 (60 %), gateway 10,000 (25 %): journaling alone is not.
        // 1×4: every target met, so no floor verdict there.
        final String summary = String.join("\n",
            gateway(100, 4, 8000, 400), point("bare", 100, 4, 40000, 60, 0, ""),
            point("journaling", 100, 4, 14000, 120, 0, floorCpu),
            gateway(100, 32, 10000, 2000), point("bare", 100, 32, 40000, 500, 0, ""),
            point("journaling", 100, 32, 24000, 900, 0, ""),
            gateway(1, 4, 9000, 50), point("bare", 1, 4, 10000, 45, 0, ""));

        final String block = GatewayWrkTable.render(summary);

        assertTrue(block.contains("| 100 | 4 | 14,000 | 35 % | 57 % | 120 µs / 360 µs | 2.0× | 85.7 (64.3 / 21.4) | " +
            "0 |\n"), block);
        assertTrue(block.contains("| 100 | 32 | 24,000 | 60 % | 42 % | 900 µs / 2.7 ms | 1.8× | not read | 0 |\n"),
            block);
        final String floorTable = block.substring(block.indexOf("The journaling floor"), block.indexOf("Verdict"));
        assertFalse(floorTable.contains("| 1 | 4 |"), "no journaling run at 1×4: " + floorTable);
        assertTrue(block.contains("- the journaling floor where a requests/s target is not met (see its table): " +
            "100×4c: journaling alone 35 % of the bare server (14,000 req/s), below the 50 % target, at 85.7 µs of " +
            "CPU per request where the target allows ≤ 92.9; the gateway 57 % of it; 100×32c: journaling alone 60 % of the bare server (24,000 req/s), not below the 50 % " +
            "target; the gateway 42 % of it\n"), block);
        // The journaling server is no gateway: its runs are not in the gateway's verdict or pairs.
        assertEquals(3, GatewayWrkTable.pair(summary.lines().filter(l -> l.startsWith("point "))
            .map(l -> GatewayWrkTable.run(l.substring("point ".length()))).toList()).size());
    }

    @Test
    void shouldTabulateTheDecodingFloorAndSayWhereItsP50IsAboveTheTarget()
    {
        // 100×4: bare p50 50 µs; journaling 80 µs (1.6×, within 2×); decoding 150 µs (3.0×, above); gateway 300 µs.
        // 1×4: the gateway's p50 is within 2×, so no floor p50 verdict there.
        final String summary = String.join("\n",
            gateway(100, 4, 8000, 300), point("bare", 100, 4, 40000, 50, 0, ""),
            point("journaling", 100, 4, 18000, 80, 0, ""), point("decoding", 100, 4, 16000, 150, 0, ""),
            gateway(1, 4, 9000, 50), point("bare", 1, 4, 10000, 45, 0, ""),
            point("decoding", 1, 4, 9500, 48, 0, ""));

        final String block = GatewayWrkTable.render(summary);

        final String decodingTable = block.substring(block.indexOf("The decoding floor"), block.indexOf("Verdict"));
        assertTrue(decodingTable.contains("| 100 | 4 | 16,000 | 40 % | 50 % | 150 µs / 450 µs | 3.0× | not read | " +
            "0 |\n"), decodingTable);
        assertTrue(decodingTable.contains("| 1 | 4 | 9,500 | 95 % | 95 % | 48 µs / 144 µs | 1.1× | not read | 0 |\n"),
            decodingTable);
        assertTrue(block.contains("- the floors' p50 where the p50 target is not met: 100-frame: journaling alone " +
            "80 µs (1.6×, within the 2× target), decoding and journaling alone 150 µs (3.0×, above the 2× target)\n"),
            block);
        assertTrue(block.contains("- the decoding floor where a requests/s target is not met (see its table): " +
            "100×4c: decoding and journaling alone 40 % of the bare server (16,000 req/s), below the 50 % target; " +
            "the gateway 50 % of it\n"), block);
        // Neither floor is a gateway: their runs are not paired as gateway runs.
        assertEquals(2, GatewayWrkTable.pair(summary.lines().filter(l -> l.startsWith("point "))
            .map(l -> GatewayWrkTable.run(l.substring("point ".length()))).toList()).size());
    }

    @Test
    void shouldNotRoundAPointJustBelowItsTargetUpToIt()
    {
        // 6,997 of 10,000 is 69.97 %: below the 70 % target, so it must not read "70".
        final String block = GatewayWrkTable.render(String.join("\n", gateway(1, 256, 6997, 100),
            point("bare", 1, 256, 10000, 60, 0, "")));

        assertTrue(block.contains("with one-frame envelopes: **NOT met** (worst: 1-frame envelopes, 256 connections, " +
            "6,997 vs 10,000 req/s = 69.9 %; all points, frames × connections: 1×256c 69.9 %)"), block);
    }

    @Test
    void shouldLeaveOutTheFloorForASummaryWithoutTheJournalingServer()
    {
        final String block = GatewayWrkTable.render(String.join("\n", gateway(100, 4, 7000, 100),
            point("bare", 100, 4, 40000, 60, 0, "")));

        assertFalse(block.contains("journaling"), block);
    }

    @Test
    void shouldLeaveOutTheCpuTableForASummaryWithoutCpu()
    {
        final String block = GatewayWrkTable.render(String.join("\n", gateway(1, 4, 7000, 100),
            point("bare", 1, 4, 10000, 60, 0, "")));

        assertFalse(block.contains("CPU per request"), block);
    }

    @Test
    void shouldSayNotMeasuredWithTheReason()
    {
        assertEquals("**Not measured in this run:** no wrk on this machine.\n",
            GatewayWrkTable.render("not measured: no wrk on this machine.\n"));
    }

    @Test
    void shouldRefuseASummaryWithoutACompletePoint()
    {
        assertThrows(IllegalArgumentException.class,
            () -> GatewayWrkTable.render(gateway(1, 4, 10, 10)));
        assertThrows(IllegalArgumentException.class,
            () -> GatewayWrkTable.render(point("nginx", 1, 4, 10, 10, 0, "")));
    }
}
