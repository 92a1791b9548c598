package io.pitgun.perf.paced;

import org.HdrHistogram.Histogram;

import java.util.function.LongSupplier;

/**
 * The paced sender's loop, shared by the pipeline's producer and the bare append: spin until frame {@code k}'s
 * intended time, send it, record intended → sent. Never waits for anything but the clock, so a send that stalls
 * delays the frames after it, and each of those is charged from its own intended time (coordinated omission
 * corrected): a 10 ms stall at 1,000 frames/s shows as ten late frames, not one.
 */
final class OpenLoop
{
    /** Sends one frame; the loop has already waited for its intended time. */
    @FunctionalInterface
    interface FrameSender
    {
        /**
         * @param k          the frame's number in this run, from 0.
         * @param intendedNs when it was meant to be sent ({@link System#nanoTime()} scale).
         */
        void send(long k, long intendedNs);
    }

    private OpenLoop()
    {
    }

    /** {@link #run(PacedSchedule, long, long, FrameSender, Histogram, LongSupplier)} on {@link System#nanoTime()}. */
    static long run(final PacedSchedule schedule, final long startNs, final long frames, final FrameSender sender,
        final Histogram latencyNs)
    {
        return run(schedule, startNs, frames, sender, latencyNs, System::nanoTime);
    }

    /**
     * Sends {@code frames} frames on {@code schedule} from {@code startNs}. Allocation-free.
     *
     * @param latencyNs where intended → sent goes, clamped to its trackable range. Never null: a warm-up passes a
     *                  histogram it then ignores, so that the loop measured is the one the JIT compiled while warming
     *                  up. With null for a warm-up, C2 compiled the recording out, and the first measured round
     *                  deoptimized at its first frame (JFR: {@code unstable_if}); at 1,000 frames/s, where the
     *                  warm-up is shortest, that round ran interpreted for a while and the producer allocated 2.5 KB.
     * @param clock     the nanosecond clock (tests pass their own).
     * @return the clock after the last send.
     */
    static long run(final PacedSchedule schedule, final long startNs, final long frames, final FrameSender sender,
        final Histogram latencyNs, final LongSupplier clock)
    {
        final long highest = latencyNs.getHighestTrackableValue();
        long end = startNs;
        for (long k = 0; k < frames; k++)
        {
            final long intended = schedule.intendedNs(startNs, k);
            while (clock.getAsLong() - intended < 0)
            {
                Thread.onSpinWait();
            }
            sender.send(k, intended);
            end = clock.getAsLong();
            latencyNs.recordValue(Math.min(highest, Math.max(1, end - intended)));
        }
        return end;
    }
}
