package io.pitgun.perf.shipping;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertTrue(met.contains("at every edge count: **met** (worst: 2 edges, 80 %, the median of its pairs' ratios; " +
            "median rates 800,000 and 1,000,000 frames/s; all: 1 edge 85 %, 2 edges 80 %)"), met);
        assertTrue(met.endsWith("- CPU per frame, shipping against bare Aeron (medians): 1 edge 4.0×, " +
            "2 edges 4.0×; where both paths are bound by the same cores, shipping's rate is at most bare Aeron's " +
            "divided by that\n"),
            met);

        final String notMet = ShippingTable.render("Settings: x.", List.of(
            point(1, 850_000, 1_000_000), point(3, 790_000, 1_000_000)));
        assertTrue(notMet.contains("at every edge count: **NOT met** (worst: 3 edges, 79 %, the median"), notMet);
    }

    @Test
    void shouldBreakTheCpuDownByRoleAndBoundTheRatioByWhatOnlyShippingDoes()
    {
        final Map<ShippingThreadRole, Double> shipping = Map.of(ShippingThreadRole.SENDING_DRIVERS, 300.0,
            ShippingThreadRole.SENDERS, 200.0, ShippingThreadRole.RECEIVING_DRIVER, 300.0,
            ShippingThreadRole.ARCHIVE, 100.0, ShippingThreadRole.RECEIVER, 250.0, ShippingThreadRole.OTHER, 50.0);
        final Map<ShippingThreadRole, Double> bare = Map.of(ShippingThreadRole.SENDING_DRIVERS, 300.0,
            ShippingThreadRole.SENDERS, 100.0, ShippingThreadRole.RECEIVING_DRIVER, 300.0,
            ShippingThreadRole.RECEIVER, 50.0, ShippingThreadRole.OTHER, 50.0);
        final ShippingTable.Run run = new ShippingTable.Run(new ShippingTable.Side(600_000, 1_200, shipping),
            new ShippingTable.Side(1_000_000, 800, bare));
        final String block = ShippingTable.render("Settings: x.",
            List.of(new ShippingTable.Point(1, FRAME_BYTES, List.of(run))));

        assertTrue(block.contains("| 1 | shipping | 300 | 200 | 300 | 100 | 250 | 50 | 1,200 |\n" +
            "| 1 | bare Aeron | 300 | 100 | 300 | 0 | 50 | 50 | 800 |\n"), block);
        // Beyond bare Aeron: Archive 100 + append 250 - 50 + read 200 - 100 = 400 ns; 800 / (800 + 400) = 67 %.
        assertTrue(block.contains("1 edge: Archive 100 + journal append 200 + journal read 100 ns/frame, so at " +
            "most 67 % of bare Aeron's rate"), block);
        // Without the breakdown (a side not measured by role) there is no such table.
        assertFalse(ShippingTable.render("Settings: x.", List.of(point(1, 850_000, 1_000_000)))
            .contains("by thread"));
    }

    @Test
    void shouldTellTheThreadsRolesByName()
    {
        assertEquals(ShippingThreadRole.SENDING_DRIVERS,
            ShippingThreadRole.of("/dev/shm/pitgun-edge-1bebc30 [sender,receiver,driver-conductor]"));
        assertEquals(ShippingThreadRole.SENDING_DRIVERS,
            ShippingThreadRole.of("/dev/shm/pitgun-bench-pub-49013e5e [sender,receiver,driver-conductor]"));
        assertEquals(ShippingThreadRole.SENDING_DRIVERS,
            ShippingThreadRole.of("/tmp/x/bare-1/publisher-2/aeron [sender,receiver,driver-conductor]"));
        assertEquals(ShippingThreadRole.RECEIVING_DRIVER,
            ShippingThreadRole.of("/dev/shm/pitgun-hive-9bb4608e [sender,receiver,driver-conductor]"));
        assertEquals(ShippingThreadRole.RECEIVING_DRIVER,
            ShippingThreadRole.of("/tmp/x/bare-1/subscriber/aeron [sender,receiver,driver-conductor]"));
        assertEquals(ShippingThreadRole.RECEIVING_DRIVER,
            ShippingThreadRole.of("/tmp/x/hive-77/aeron [sender,receiver,driver-conductor]"));
        assertEquals(ShippingThreadRole.SENDERS, ShippingThreadRole.of("pitgun-shipper"));
        assertEquals(ShippingThreadRole.SENDERS, ShippingThreadRole.of(ShippingThreadRole.BARE_PUBLISHER_THREAD));
        assertEquals(ShippingThreadRole.RECEIVER, ShippingThreadRole.of("pitgun-hive"));
        assertEquals(ShippingThreadRole.RECEIVER, ShippingThreadRole.of(ShippingThreadRole.BARE_SUBSCRIBER_THREAD));
        assertEquals(ShippingThreadRole.ARCHIVE, ShippingThreadRole.of("archive-conductor"));
        assertEquals(ShippingThreadRole.OTHER, ShippingThreadRole.of("pitgun-hive-retention"));
        assertEquals(ShippingThreadRole.OTHER, ShippingThreadRole.of("main"));
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
