package io.pitgun.engine;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounded interval history behind {@code GET /latency?format=hlog}, written and read back with HdrHistogram. */
class PipelineLatencyTest
{
    @Test
    void shouldKeepSnapshotsAndIntervalsConsistentWhateverTheOrderOfReads()
    {
        final PipelineLatency latency = new PipelineLatency();
        record(latency, LatencyStage.PUBLISH_TO_JOURNALED, 1_000);
        // A snapshot between two closes must not take these values away from the open interval.
        assertEquals(1, latency.snapshot(LatencyStage.PUBLISH_TO_JOURNALED).getTotalCount());
        record(latency, LatencyStage.PUBLISH_TO_JOURNALED, 2_000);
        latency.closeInterval(latency.startMs() + 1_000);
        record(latency, LatencyStage.PUBLISH_TO_JOURNALED, 3_000);
        record(latency, LatencyStage.PUBLISH_TO_PROCESSED, 4_000);

        final List<LatencyInterval> intervals = latency.intervals(latency.startMs() + 1_500);

        assertEquals(4, intervals.size(), "one closed and one open interval per stage");
        assertEquals(2, intervals.get(0).totalCount());
        assertEquals(LatencyStage.PUBLISH_TO_JOURNALED, intervals.get(0).stage());
        assertEquals(0, intervals.get(1).totalCount());
        assertEquals(1, intervals.get(2).totalCount());
        assertEquals(latency.startMs() + 1_000, intervals.get(2).getStartTimeStamp());
        assertEquals(latency.startMs() + 1_500, intervals.get(2).getEndTimeStamp());
        assertEquals(1, intervals.get(3).totalCount());
        assertEquals(3, latency.snapshot(LatencyStage.PUBLISH_TO_JOURNALED).getTotalCount());
    }

    @Test
    void shouldDropTheOldestIntervalsBeyondTheRetainedWindowAndWriteALogHdrHistogramReads()
    {
        final PipelineLatency latency = new PipelineLatency();
        final int seconds = PipelineLatency.RETAINED_INTERVALS + 20;
        for (int s = 1; s <= seconds; s++)
        {
            record(latency, LatencyStage.PUBLISH_TO_JOURNALED, s * 1_000L);
            record(latency, LatencyStage.PUBLISH_TO_PROCESSED, s * 2_000L);
            latency.closeInterval(latency.startMs() + s * 1_000L);
        }
        final List<LatencyInterval> intervals = latency.intervals(latency.startMs() + seconds * 1_000L + 10);
        assertEquals(2 * PipelineLatency.RETAINED_INTERVALS + 2, intervals.size());
        for (final LatencyInterval interval : intervals)
        {
            assertTrue(interval.sizeBytes() < 1024, "compressed interval of " + interval.sizeBytes() + " bytes");
        }

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        HdrFiles.writeIntervalLog(out, "test", latency.startMs(), intervals);
        final HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(out.toByteArray()));
        final Histogram journaled = new Histogram(3);
        long firstStartMs = Long.MAX_VALUE;
        for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null; h = reader.nextIntervalHistogram())
        {
            if (LatencyStage.PUBLISH_TO_JOURNALED.logTag().equals(h.getTag()))
            {
                journaled.add((Histogram)h);
                firstStartMs = Math.min(firstStartMs, h.getStartTimeStamp());
            }
        }
        reader.close();
        // The first 20 seconds fell out of the window; the rest are there, each with its own value.
        assertEquals(PipelineLatency.RETAINED_INTERVALS, journaled.getTotalCount());
        assertEquals(21_000, journaled.getMinValue(), 21);
        assertEquals(latency.startMs() + 20_000, firstStartMs);
    }

    /** One latency as a batch of one, the way a stage records a batch. */
    private static void record(final PipelineLatency latency, final LatencyStage stage, final long latencyNs)
    {
        final BatchLatencyRecorder recorder = latency.recorder(stage);
        recorder.beginBatch();
        recorder.record(latencyNs);
        recorder.endBatch();
    }
}
