package io.pitgun.perf.paced;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The open-loop schedule and its coordinated-omission correction, on a clock the test moves. */
class PacedScheduleTest
{
    @Test
    void shouldPlaceFrameIAtStartPlusIOverRateWithoutDrift()
    {
        final PacedSchedule schedule = new PacedSchedule(3);
        assertEquals(1_000, schedule.intendedNs(1_000, 0));
        assertEquals(1_000 + 333_333_333, schedule.intendedNs(1_000, 1));
        assertEquals(1_000 + 666_666_666, schedule.intendedNs(1_000, 2));
        // Exact at every whole second, however many frames came before: no accumulated rounding.
        assertEquals(1_000 + 1_000_000_000L * 1_000_000, schedule.intendedNs(1_000, 3_000_000));
        assertEquals(1_500_000, new PacedSchedule(1_500_000).frames(TimeUnit.SECONDS.toNanos(1)));
        assertEquals(1, new PacedSchedule(10).frames(1), "at least one frame");
        assertThrows(IllegalArgumentException.class, () -> new PacedSchedule(0));
    }

    @Test
    void shouldKeepUpOnScheduleAndFallBehindBelowTheKeptUpShare()
    {
        final PacedSchedule schedule = new PacedSchedule(1_000);
        // 1,000 frames intended over 999 ms; on schedule the last one ends just after its intended time.
        final double onTime = PacedSchedule.achieved(1_000, 0, 999_000_000L + 5_000);
        assertEquals(1_000, onTime, 0.1);
        assertTrue(schedule.keptUp(onTime));
        assertFalse(schedule.keptUp(PacedSchedule.achieved(1_000, 0, TimeUnit.MILLISECONDS.toNanos(1_100))));
        assertEquals(1_500_000, new PacedSchedule(1_000_000).next(1.5));
        assertEquals(2_250_000, new PacedSchedule(1_500_000).next(1.5));
    }

    @Test
    void shouldChargeAStallToEveryFrameItDelayedFromItsIntendedTime()
    {
        // 1,000 frames/s: one every 1 ms. Frame 0's send stalls for 10 ms; each later send takes 1 µs, and so does
        // each clock read (the spin-wait's reads move the clock forward too).
        final long[] now = {0};
        final Histogram latencyNs = new Histogram(1, TimeUnit.SECONDS.toNanos(60), 3);
        final long end = OpenLoop.run(new PacedSchedule(1_000), 0, 20, (k, intendedNs) ->
        {
            now[0] += k == 0 ? TimeUnit.MILLISECONDS.toNanos(10) : 1_000;
        }, latencyNs, () -> now[0] += 1_000);

        assertEquals(20, latencyNs.getTotalCount());
        // Frame 0 took 10 ms; frames 1..9 were due during the stall and are charged their wait.
        assertEquals(TimeUnit.MILLISECONDS.toNanos(10), latencyNs.getMaxValue(), 20_000);
        assertTrue(latencyNs.getCountBetweenValues(TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(11))
            >= 10, "the stalled frame and the nine it delayed: " + latencyNs.getCountBetweenValues(
            TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(11)));
        // From frame 11 on the loop is back on schedule: a microsecond each.
        assertTrue(latencyNs.getCountBetweenValues(1, 10_000) >= 9);
        assertTrue(end >= TimeUnit.MILLISECONDS.toNanos(19));
    }

    @Test
    void shouldAllocateNothingPerFrame()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long[] now = {0};
        final long[] sent = {0};
        final OpenLoop.FrameSender sender = (k, intendedNs) -> sent[0]++;
        final java.util.function.LongSupplier clock = () -> now[0] += 100;
        final Histogram latencyNs = new Histogram(1, TimeUnit.SECONDS.toNanos(60), 3);
        final PacedSchedule schedule = new PacedSchedule(1_000_000);
        for (int warm = 0; warm < 20; warm++)
        {
            OpenLoop.run(schedule, now[0], 10_000, sender, latencyNs, clock);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        OpenLoop.run(schedule, now[0], 100_000, sender, latencyNs, clock);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(0, allocated, "bytes allocated by 100,000 frames of the loop");
        assertEquals(300_000, sent[0]);
    }
}
