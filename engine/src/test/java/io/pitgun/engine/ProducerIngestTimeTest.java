package io.pitgun.engine;

import io.pitgun.testsupport.Await;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code FrameWriter.commit(ingestTimeNs)}: the pipeline's latencies start at the time the producer gives (a paced
 * producer's intended send time), so a frame sent late is charged for its delay (coordinated omission corrected).
 */
class ProducerIngestTimeTest
{
    private static final long LATE_NS = TimeUnit.SECONDS.toNanos(2);

    @TempDir
    Path dir;

    @Test
    void shouldMeasurePublishToJournaledAndProcessedFromTheProducersIngestTime() throws Exception
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().journalDirectory(dir).build()).build();
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 0);
            // Intended two seconds ago: a producer that fell that far behind its schedule.
            final long position = writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100)
                .commit(System.nanoTime() - LATE_NS);
            assertTrue(pipeline.awaitJournaled(position, TimeUnit.SECONDS.toNanos(30)));
            Await.until("the frame processed",
                () -> pipeline.latency().snapshot(LatencyStage.PUBLISH_TO_PROCESSED).getTotalCount() == 1);

            final Histogram journaled = pipeline.latency().snapshot(LatencyStage.PUBLISH_TO_JOURNALED);
            final Histogram processed = pipeline.latency().snapshot(LatencyStage.PUBLISH_TO_PROCESSED);
            assertEquals(1, journaled.getTotalCount());
            assertTrue(journaled.getMinValue() >= LATE_NS * 0.999, "journaled after " + journaled.getMinValue());
            assertTrue(processed.getMinValue() >= LATE_NS * 0.999, "processed after " + processed.getMinValue());
        }
        finally
        {
            pipeline.close();
        }
    }
}
