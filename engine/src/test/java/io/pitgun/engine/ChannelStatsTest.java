package io.pitgun.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChannelStatsTest
{
    /**
     * A sample whose time went back counts in count, min, max, mean and last, but the integral goes on holding the
     * latest sample in time. Before, the integral held it from its earlier time: the step back subtracted and the
     * next step added the span again at the earlier sample's value (1.7 here rather than 0.5).
     */
    @Test
    void shouldIntegrateFromTheLatestSampleWhenASampleGoesBackInTime()
    {
        final ChannelStats stats = new ChannelStats(false);
        stats.add(0, 10.0);
        stats.add(30_000, 20.0);
        stats.add(25_000, 100.0);
        stats.add(40_000, 30.0);

        assertEquals(10.0 * 0.03 + 20.0 * 0.01, stats.integral(), 1e-12);
        assertEquals((10.0 * 0.03 + 20.0 * 0.01) / 0.04, stats.timeWeightedMean(), 1e-12);
        assertEquals(4, stats.count());
        assertEquals(100.0, stats.max());
        assertEquals(30.0, stats.last());
        assertEquals((10.0 + 20.0 + 100.0 + 30.0) / 4, stats.mean(), 1e-12);
    }

    @Test
    void shouldHoldEachSampleUntilTheNextInTime()
    {
        final ChannelStats stats = new ChannelStats(false);
        stats.add(1_000_000, 2.0);
        stats.add(1_500_000, 4.0);
        stats.add(1_500_000, 6.0); // same time: adds nothing, the later value is held from here on
        stats.add(2_000_000, 8.0);

        assertEquals(2.0 * 0.5 + 6.0 * 0.5, stats.integral(), 1e-12);
        assertEquals((2.0 * 0.5 + 6.0 * 0.5) / 1.0, stats.timeWeightedMean(), 1e-12);
    }
}
