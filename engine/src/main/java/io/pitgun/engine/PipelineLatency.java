package io.pitgun.engine;

import org.HdrHistogram.Histogram;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HdrHistogram recorders of {@link LatencyStage} latencies, in nanoseconds. Each stage thread records into its own
 * {@link BatchLatencyRecorder} (wait-free, allocation-free, one critical section per Disruptor batch); readers take
 * snapshots on any thread.
 *
 * <p>Assumptions and guarantees: values above {@link #HIGHEST_TRACKABLE_NS} are recorded as that value (a frame
 * stuck for a minute is not lost from the count); three significant digits. A snapshot is cumulative since the
 * pipeline started: each call moves the recorder's interval into a running total under a lock (cold path).
 *
 * <p>Intervals: whoever owns the clock (the gateway, once a second) calls {@link #closeInterval(long)}; the last
 * {@link #RETAINED_INTERVALS} closed intervals per stage are kept compressed ({@link LatencyInterval}, typically
 * well under a kilobyte each), older ones are dropped, so the history is bounded whatever the uptime.
 * {@link #intervals(long)} returns them with the still-open interval, so nothing recorded is missing from a log
 * taken between two closes. Snapshots do not disturb the intervals: both read the same drained counts.
 */
public final class PipelineLatency
{
    /** Largest latency tracked exactly: 60 s. */
    public static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(60);
    /** Closed intervals kept per stage: five minutes of one-second intervals. */
    public static final int RETAINED_INTERVALS = 300;
    private static final int SIGNIFICANT_DIGITS = 3;
    private static final int STAGES = LatencyStage.values().length;

    private final BatchLatencyRecorder[] recorders = new BatchLatencyRecorder[STAGES];
    private final Histogram[] totals = new Histogram[STAGES];
    private final Histogram[] drained = new Histogram[STAGES];
    /** Per stage: what was recorded since the last {@link #closeInterval(long)}. */
    private final Histogram[] open = new Histogram[STAGES];
    /** Closed intervals, oldest first, all stages interleaved in closing order. */
    private final ArrayDeque<LatencyInterval> closed = new ArrayDeque<>(RETAINED_INTERVALS * STAGES);
    private final long startMs;
    private long openSinceMs;

    PipelineLatency()
    {
        for (int i = 0; i < STAGES; i++)
        {
            recorders[i] = new BatchLatencyRecorder(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
            totals[i] = new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
            open[i] = new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
        }
        startMs = System.currentTimeMillis();
        openSinceMs = startMs;
    }

    /** The recorder of {@code stage}: its thread records each batch between begin and end. */
    BatchLatencyRecorder recorder(final LatencyStage stage)
    {
        return recorders[stage.ordinal()];
    }

    /** When the recorders started (epoch ms): the start of the first interval. */
    public long startMs()
    {
        return startMs;
    }

    /** A copy of everything recorded for {@code stage} since the pipeline started. */
    public synchronized Histogram snapshot(final LatencyStage stage)
    {
        drain(stage.ordinal());
        return totals[stage.ordinal()].copy();
    }

    /**
     * Ends the open interval of every stage at {@code nowMs} (epoch ms) and starts the next one; drops the oldest
     * closed intervals beyond {@link #RETAINED_INTERVALS} per stage. Cold path: compresses one histogram per stage.
     */
    public synchronized void closeInterval(final long nowMs)
    {
        final long endMs = Math.max(nowMs, openSinceMs);
        for (int i = 0; i < STAGES; i++)
        {
            drain(i);
            if (closed.size() == RETAINED_INTERVALS * STAGES)
            {
                closed.removeFirst();
            }
            closed.addLast(new LatencyInterval(LatencyStage.values()[i], open[i], openSinceMs, endMs));
            open[i].reset();
        }
        openSinceMs = endMs;
    }

    /**
     * The retained closed intervals of every stage, oldest first, then the open interval of each stage ending at
     * {@code nowMs} (epoch ms), which stays open.
     */
    public synchronized List<LatencyInterval> intervals(final long nowMs)
    {
        final List<LatencyInterval> result = new ArrayList<>(closed.size() + STAGES);
        result.addAll(closed);
        for (int i = 0; i < STAGES; i++)
        {
            drain(i);
            result.add(new LatencyInterval(LatencyStage.values()[i], open[i], openSinceMs, Math.max(nowMs, openSinceMs)));
        }
        return result;
    }

    /** Moves what the stage's recorder holds into the running total and the open interval. */
    private void drain(final int i)
    {
        drained[i] = recorders[i].intervalHistogram(drained[i]);
        totals[i].add(drained[i]);
        open[i].add(drained[i]);
    }
}
