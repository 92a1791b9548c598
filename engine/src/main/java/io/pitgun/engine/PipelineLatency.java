package io.pitgun.engine;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.TimeUnit;

/**
 * HdrHistogram recorders of {@link LatencyStage} latencies, in nanoseconds. Each stage thread records into its own
 * {@link SingleWriterRecorder} (wait-free, allocation-free); readers take snapshots on any thread.
 *
 * <p>Assumptions and guarantees: values above {@link #HIGHEST_TRACKABLE_NS} are recorded as that value (a frame
 * stuck for a minute is not lost from the count); three significant digits. A snapshot is cumulative since the
 * pipeline started: each call moves the recorder's interval into a running total under a lock (cold path).
 */
public final class PipelineLatency
{
    /** Largest latency tracked exactly: 60 s. */
    public static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(60);
    private static final int SIGNIFICANT_DIGITS = 3;

    private final SingleWriterRecorder[] recorders = new SingleWriterRecorder[LatencyStage.values().length];
    private final Histogram[] totals = new Histogram[LatencyStage.values().length];
    private final Histogram[] intervals = new Histogram[LatencyStage.values().length];

    PipelineLatency()
    {
        for (int i = 0; i < recorders.length; i++)
        {
            recorders[i] = new SingleWriterRecorder(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
            totals[i] = new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
        }
    }

    /** Records one latency; call only from the stage's thread. */
    void record(final LatencyStage stage, final long latencyNs)
    {
        recorders[stage.ordinal()].recordValue(Math.max(1, Math.min(latencyNs, HIGHEST_TRACKABLE_NS)));
    }

    /** A copy of everything recorded for {@code stage} since the pipeline started. */
    public synchronized Histogram snapshot(final LatencyStage stage)
    {
        final int i = stage.ordinal();
        intervals[i] = intervals[i] == null ? recorders[i].getIntervalHistogram() :
            recorders[i].getIntervalHistogram(intervals[i]);
        totals[i].add(intervals[i]);
        return totals[i].copy();
    }
}
