package io.pitgun.perf.wrk;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver's pure parts: reading the gateway's /metrics and the --points list. */
class GatewayWrkMainTest
{
    private static String metrics(final long journaled, final long overload, final long queueFull)
    {
        return "# TYPE pitgun_gateway_rejections_total counter\n" +
            "pitgun_gateway_rejections_total{reason=\"overload\"} " + overload + "\n" +
            "pitgun_gateway_rejections_total{reason=\"ingest_queue_full\"} " + queueFull + "\n" +
            "pitgun_gateway_rejections_total{reason=\"rate_limited\"} 4\n" +
            "pitgun_frames_journaled_total_extra 1\n" +
            "pitgun_frames_journaled_total " + journaled + "\n";
    }

    @Test
    void shouldReadACounterByItsExactName()
    {
        assertEquals(42, GatewayWrkMain.metric(metrics(42, 0, 0), "pitgun_frames_journaled_total"));
        assertEquals(5, GatewayWrkMain.metric(metrics(1, 5, 0),
            "pitgun_gateway_rejections_total{reason=\"overload\"}"));
        assertThrows(IllegalStateException.class, () -> GatewayWrkMain.metric("", "pitgun_frames_journaled_total"));
    }

    @Test
    void shouldListOnlyTheRefusalsThatGrewDuringThePoint()
    {
        assertEquals("none", GatewayWrkMain.rejections(metrics(1, 3, 0), metrics(9, 3, 0)));
        assertEquals("overload:1595,ingest_queue_full:2",
            GatewayWrkMain.rejections(metrics(1, 3, 0), metrics(9, 1598, 2)));
    }

    @Test
    void shouldMeasureTheJournalingFloorUnlessToldNotToOrMeasuringTls()
    {
        final String[] base = {"--summary", "s.txt", "--raw-dir", "raw"};
        assertTrue(GatewayWrkMain.parse(base).floor());
        assertFalse(GatewayWrkMain.parse(with(base, "--journaling-floor", "off")).floor());
        assertTrue(GatewayWrkMain.parse(with(base, "--journaling-floor", "on")).floor());
        // A TLS run compares three gateways; the floor is the plain run's.
        assertFalse(GatewayWrkMain.parse(with(base, "--tls", "on")).floor());
        assertThrows(IllegalArgumentException.class,
            () -> GatewayWrkMain.parse(with(base, "--journaling-floor", "yes")));
    }

    private static String[] with(final String[] base, final String option, final String value)
    {
        final String[] args = java.util.Arrays.copyOf(base, base.length + 2);
        args[base.length] = option;
        args[base.length + 1] = value;
        return args;
    }

    @Test
    void shouldParsePointsAsFramesByConnections()
    {
        final List<int[]> points = GatewayWrkMain.points("1x4, 100x256");
        assertArrayEquals(new int[] {1, 4}, points.get(0));
        assertArrayEquals(new int[] {100, 256}, points.get(1));
        assertThrows(IllegalArgumentException.class, () -> GatewayWrkMain.points("1-4"));
    }
}
