package io.pitgun.engine;

import io.pitgun.manifest.ManifestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Claims: a refused second claim strands nothing; a reused slot never reports another message's journal index. */
class ClaimProtocolTest
{
    private static final UUID SESSION = UUID.fromString("53702b3e-3e56-41a2-8834-9169ee5e991e");
    private static final UUID PRODUCER = UUID.fromString("7d16dde5-88a6-4b47-8cd8-c711601cd61f");
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    @TempDir
    Path dir;

    private TelemetryPipeline start(final PipelineConfig config) throws ManifestException
    {
        return TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml")).config(config).build();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldStrandNoRingSequenceWhenASecondBeginIsRefused() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().journalDirectory(dir).build());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100);
            assertThrows(IllegalStateException.class, () -> writer.begin(2, 2_000));
            assertThrows(IllegalStateException.class, () -> writer.tryBegin(2, 2_000));
            final long first = writer.commit(); // the open frame is still open, and still commits
            final long second = writer.begin(2, 2_000).putDouble(SyntheticRun.SPEED, 101).commit();
            assertEquals(first + 1, second, "no sequence was claimed by the refused begins");
            assertTrue(pipeline.awaitJournaled(second, TIMEOUT_NS), "the stages passed every claimed sequence");

            final SlotClaim claim = pipeline.newSlotClaim();
            claim.claim();
            assertThrows(IllegalStateException.class, claim::claim);
            assertThrows(IllegalStateException.class, claim::tryClaim);
            claim.abort();
            final long third = writer.begin(3, 3_000).putDouble(SyntheticRun.SPEED, 102).commit();
            assertEquals(second + 2, third, "one sequence for the claim, none for the refused claims");
            assertTrue(pipeline.awaitJournaled(third, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(3, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldAnswerNoJournalIndexForASlotClaimedAgainBeforeItIsPublishedWithOneProducer() throws ManifestException
    {
        final int slots = 8;
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().journalDirectory(dir).channelCapacity(slots)
            .producerMode(ProducerMode.SINGLE).build());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final long position = writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100).commit();
            long last = position;
            for (int i = 1; i < slots; i++)
            {
                last = writer.begin(1 + i, 1_000 + i).putDouble(SyntheticRun.SPEED, 100).commit();
            }
            assertTrue(pipeline.awaitJournaled(last, TIMEOUT_NS));
            final long index = pipeline.journalIndexOf(position);
            assertTrue(index >= 0, "journaled, slot not reused yet");
            // The next claim reuses the slot of `position`; a replay writes its own journal index into the slot
            // before it publishes (publishReplayed). Until then the single-producer cursor has not moved.
            final SlotClaim reuse = pipeline.newSlotClaim();
            reuse.claim();
            assertEquals(position + slots, last + 1, "the claim wrapped onto the slot of position");
            pipeline.slot(last + 1).journalIndex(index + 1_000);
            assertEquals(-1, pipeline.journalIndexOf(position), "the slot now belongs to a later message");
            reuse.abort();
        }
        finally
        {
            pipeline.close();
        }
    }
}
