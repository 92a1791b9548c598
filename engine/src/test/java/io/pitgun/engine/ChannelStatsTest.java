package io.pitgun.engine;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    /**
     * A segment that never ends (a session summary's channel, a lap that never changes) kept every value for its
     * percentiles: the heap grew by 8 bytes a frame per channel until it failed. Now at most
     * {@link 65536} are kept: 2,000,000 values grew the array to 16 MiB (some 32 MiB allocated
     * in all by its doublings) before, and 512 KiB after.
     */
    @Test
    void shouldKeepABoundedSampleOfALongSegmentForItsPercentiles()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        final int values = 2_000_000;
        final long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        final ChannelStats stats = new ChannelStats(true);
        addEveryValueOnce(stats, values);
        final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;

        assertTrue(allocated < 2L * ChannelStats.MAX_KEPT_VALUES * Double.BYTES,
            values + " values allocated " + allocated + " bytes");
        assertEquals(values, stats.count(), "every value counts in the other statistics");
        stats.sortValues();
        // A uniform sample of 65,536: a percentile's rank is off by well under 1 % of the values (its standard error
        // at p50 is 0.2 %); each percentile is one of the values.
        for (final double p : new double[] {1, 10, 50, 90, 99})
        {
            final double expected = p / 100 * values;
            assertEquals(expected, stats.percentile(p), 0.01 * values, "p" + p);
            assertEquals(Math.rint(stats.percentile(p)), stats.percentile(p), "p" + p + " is a value");
        }
        assertEquals(0, stats.min());
        assertEquals(values - 1, stats.max());
    }

    /** The sample is drawn the same way at each segment: a replay of the same frames gives the same percentiles. */
    @Test
    void shouldDrawTheSameSampleAtEverySegmentOfTheSameValues()
    {
        final ChannelStats stats = new ChannelStats(true);
        final double[] first = percentilesOfOneSegment(stats, 300_000);
        stats.reset();
        assertEquals(Arrays.toString(first), Arrays.toString(percentilesOfOneSegment(stats, 300_000)));
        assertEquals(Arrays.toString(first),
            Arrays.toString(percentilesOfOneSegment(new ChannelStats(true), 300_000)));
    }

    /** 0 .. n - 1, each once, in an order that is not sorted (a stride coprime to n). */
    private static void addEveryValueOnce(final ChannelStats stats, final int n)
    {
        for (int i = 0; i < n; i++)
        {
            stats.add(i, (i * 7_919L) % n);
        }
    }

    private static double[] percentilesOfOneSegment(final ChannelStats stats, final int n)
    {
        addEveryValueOnce(stats, n);
        stats.sortValues();
        return new double[] {stats.percentile(0.1), stats.percentile(50), stats.percentile(99.9)};
    }
}
