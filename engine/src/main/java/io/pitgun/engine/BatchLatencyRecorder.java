package io.pitgun.engine;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * A single-writer HdrHistogram recorder whose writer enters the critical section once per batch of values instead
 * of once per value. HdrHistogram's {@code SingleWriterRecorder} pays two atomic increments per recorded value; at
 * millions of frames per second and two stages that was a measurable share of the consuming thread. Here a stage
 * calls {@link #beginBatch()}, {@link #record} for each frame of a Disruptor batch (plain histogram updates), then
 * {@link #endBatch()}; a reader swaps the active histogram with {@link #intervalHistogram} exactly as it would with
 * a {@code Recorder}, so a batch is never split between two intervals.
 *
 * <p>Threading: one writer thread; readers are serialised by the caller ({@link PipelineLatency} is synchronised).
 */
final class BatchLatencyRecorder
{
    private final WriterReaderPhaser phaser = new WriterReaderPhaser();
    private final long highestTrackable;
    private final int significantDigits;
    private volatile Histogram active;
    // Writer-only state: the histogram and phaser ticket of the open batch.
    private Histogram batchHistogram;
    private long ticket;

    BatchLatencyRecorder(final long highestTrackable, final int significantDigits)
    {
        this.highestTrackable = highestTrackable;
        this.significantDigits = significantDigits;
        active = newHistogram();
    }

    /** Opens a batch: values recorded until {@link #endBatch()} land in one interval. Writer thread only. */
    void beginBatch()
    {
        ticket = phaser.writerCriticalSectionEnter();
        batchHistogram = active;
    }

    /** Records one value, clamped to {@code [1, highestTrackable]}; only between begin and end of a batch. */
    void record(final long value)
    {
        batchHistogram.recordValue(Math.max(1, Math.min(value, highestTrackable)));
    }

    /** Closes the batch opened by {@link #beginBatch()}. */
    void endBatch()
    {
        batchHistogram = null;
        phaser.writerCriticalSectionExit(ticket);
    }

    /**
     * Everything recorded since the previous call, in {@code recycle} (reset first) or a new histogram when it is
     * null; the caller may pass the result back next time. Waits for an open batch to close.
     */
    Histogram intervalHistogram(final Histogram recycle)
    {
        final Histogram next = recycle != null ? recycle : newHistogram();
        next.reset();
        phaser.readerLock();
        try
        {
            final Histogram previous = active;
            active = next;
            phaser.flipPhase();
            return previous;
        }
        finally
        {
            phaser.readerUnlock();
        }
    }

    private Histogram newHistogram()
    {
        return new Histogram(1, highestTrackable, significantDigits);
    }
}
