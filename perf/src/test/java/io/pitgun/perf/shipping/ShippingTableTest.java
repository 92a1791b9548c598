package io.pitgun.perf.shipping;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Shipping block's figures and verdict from hand-made runs. */
class ShippingTableTest
{
    private static final int FRAME_BYTES = 100;

    @Test
    void shouldTakeTheMedianOfTheBackToBackRatiosAndTheRates()
    {
        // Three pairs: ratios 50 %, 90 %, 80 %; the median pair ratio is 80 %, not the ratio of the medians.
        final ShippingTable.Point p = new ShippingTable.Point(2, FRAME_BYTES, List.of(
            run(500_000, 1_000_000), run(900_000, 1_000_000), run(1_200_000, 1_500_000)));

        assertEquals(0.80, p.ratio(), 1e-9);
        assertEquals(900_000, p.shippingFramesPerSecond(), 1e-9);
        assertEquals(1_000_000, p.bareFramesPerSecond(), 1e-9);
        assertEquals(2.5, ShippingTable.median(new double[] {4, 1, 2, 3}), 1e-9);
    }

    @Test
    void shouldSayTheTargetIsMetOnlyWhenEveryEdgeCountReachesIt()
    {
        final String met = ShippingTable.render("Settings: x.", List.of(
            point(1, 850_000, 1_000_000), point(2, 800_000, 1_000_000)));
        assertTrue(met.startsWith("Settings: x.\n\n| edges | hive ingest frames/s (all edges) |"), met);
        // 850,000 frames/s of 100 bytes: 85.0 MB/s; per edge the same with one edge.
        assertTrue(met.contains("| 1 | 850,000 | 85.0 | 850,000 | 1,000,000 | 100.0 | 85 % | 2,000 / 500 | " +
            "850,000 / 1,000,000 = 85 % |\n"), met);
        assertTrue(met.contains("| 2 | 800,000 | 80.0 | 400,000 | 1,000,000 | 100.0 | 80 % |"), met);
        assertTrue(met.contains("at every edge count: **met** (worst: 2 edges, 800,000 vs 1,000,000 frames/s = 80 %; " +
            "all: 1 edge 85 %, 2 edges 80 %)"), met);
        assertTrue(met.endsWith("- CPU per frame, shipping against bare Aeron (medians): 1 edge 4.0×, " +
            "2 edges 4.0×; where both paths are bound by the same cores, shipping's rate is at most bare Aeron's " +
            "divided by that\n"),
            met);

        final String notMet = ShippingTable.render("Settings: x.", List.of(
            point(1, 850_000, 1_000_000), point(3, 790_000, 1_000_000)));
        assertTrue(notMet.contains("at every edge count: **NOT met** (worst: 3 edges, 790,000 vs 1,000,000 " +
            "frames/s = 79 %;"), notMet);
    }

    @Test
    void shouldRefuseAPointWithoutRunsAndABlockWithoutPoints()
    {
        assertThrows(IllegalArgumentException.class, () -> new ShippingTable.Point(1, FRAME_BYTES, List.of()));
        assertThrows(IllegalArgumentException.class, () -> ShippingTable.render("Settings.", List.of()));
    }

    private static ShippingTable.Point point(final int edges, final double shipping, final double bare)
    {
        return new ShippingTable.Point(edges, FRAME_BYTES, List.of(run(shipping, bare)));
    }

    /** A run whose CPU per frame is 2,000 ns shipping and 500 ns bare. */
    private static ShippingTable.Run run(final double shipping, final double bare)
    {
        return new ShippingTable.Run(new ShippingTable.Side(shipping, 2_000), new ShippingTable.Side(bare, 500));
    }
}
