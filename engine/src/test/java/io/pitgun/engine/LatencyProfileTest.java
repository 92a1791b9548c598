package io.pitgun.engine;

import net.openhft.affinity.AffinityStrategies;
import net.openhft.affinity.AffinityThreadFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The latency profile of {@code docs/embedding.md}: busy-spinning stages, the journal on the one producer's thread, and
 * the stage threads made by an affinity library's factory (which pins them where it can, and runs them unpinned
 * where it cannot, as on a 2-core CI machine).
 */
class LatencyProfileTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSelectBusySpinningStagesAndTheJournalOnTheOneProducersThread()
    {
        final PipelineConfig config = PipelineConfig.builder().journalDirectory(dir)
            .journalThread(JournalThread.SEPARATE).latencyProfile().build();

        assertEquals(WaitStrategyKind.BUSY_SPIN, config.waitStrategy());
        assertEquals(JournalThread.PRODUCER, config.journalThread());
        assertEquals(ProducerMode.SINGLE, config.producerMode());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRunAndAcknowledgeWithTheDocumentedAffinityThreadFactory() throws Exception
    {
        final PipelineConfig config = PipelineConfig.builder().journalDirectory(dir).latencyProfile().build();
        try (TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.path("lap-power.yaml"))
            .config(config).name("latency")
            .threadFactory(new AffinityThreadFactory("pitgun", AffinityStrategies.DIFFERENT_CORE))
            .build())
        {
            final long position = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 0)
                .begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100).commit();

            assertTrue(pipeline.awaitJournaled(position, TimeUnit.SECONDS.toNanos(30)));
            assertTrue(pipeline.threads().stream().anyMatch(t -> t.getName().equals("pitgun-latency-process")),
                pipeline.threads().toString());
        }
    }
}
