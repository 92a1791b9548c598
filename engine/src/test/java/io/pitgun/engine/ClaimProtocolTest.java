package io.pitgun.engine;

import io.pitgun.manifest.ManifestException;
import io.pitgun.testsupport.Await;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Claims: a refused second claim strands nothing; with one producer, claims publish in the order they were taken; a
 * reused slot never reports another message's journal index, and the journal index history still knows the message's
 * own.
 */
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

    /**
     * With one producer the sequencer's cursor is the publish: publishing a later claim while an earlier one is open
     * would move it past the open slot, and the stages (and journal) would take that slot before it is written. So a
     * publish that claims anew is refused while a claim is open, and a commit or abort must follow the claim order;
     * refused, both claims stay open and still publish, in order.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseToPublishPastAnOpenClaimWithOneProducer() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().journalDirectory(dir)
            .producerMode(ProducerMode.SINGLE).build());
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final int length = FrameCheckOnPublishTest.oneSampleFrame(frame);
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final FrameWriter other = pipeline.newFrameWriter(SESSION, PRODUCER, 1);
            writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100);
            outOfOrder(() -> pipeline.tryPublish(frame, 0, length));
            outOfOrder(() -> pipeline.publish(frame, 0, length));
            outOfOrder(() -> pipeline.tryPublishBatch(frame, new int[] {0}, new int[] {length}, 0, 1));
            outOfOrder(() -> pipeline.tryPublishValidatedBatch(frame, new int[] {0}, new int[] {length}, 0, 1, 0, 0,
                0, 0, 0));
            outOfOrder(() -> pipeline.publishReplayed(frame, 0, length, 0));
            outOfOrder(() -> other.sessionStart(1_000, "second source"));
            outOfOrder(() -> writer.sessionEnd(1_000, "first source"));
            assertEquals(0, pipeline.counters().get(PipelineCounter.FRAMES_ACCEPTED), "nothing refused was counted");

            // Two open claims are allowed; they publish in the order they were claimed.
            final SlotClaim claim = pipeline.newSlotClaim();
            claim.claim();
            frame.getBytes(0, claim.buffer(), claim.offset(), length);
            outOfOrder(() -> claim.commit(length));
            outOfOrder(claim::abort);
            final long first = writer.commit();
            final long second = claim.commit(length);
            assertEquals(first + 1, second, "the refused publishes claimed nothing");

            claim.claim();
            writer.begin(2, 2_000).putDouble(SyntheticRun.SPEED, 101);
            outOfOrder(writer::abort);
            outOfOrder(writer::commit);
            claim.abort();
            final long third = writer.commit();
            assertEquals(second + 2, third);
            assertTrue(pipeline.awaitJournaled(third, TIMEOUT_NS), "the stages passed every claimed sequence");
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(3, pipeline.counters().get(PipelineCounter.FRAMES_ACCEPTED));
        assertEquals(3, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
    }

    /**
     * The same with the producer journaling (journal.thread: producer, the latency profile's), where a publish past
     * an open claim would also journal the frames out of order.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseToPublishPastAnOpenClaimWhenTheProducerJournals() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().journalDirectory(dir)
            .producerMode(ProducerMode.SINGLE).journalThread(JournalThread.PRODUCER).build());
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final int length = FrameCheckOnPublishTest.oneSampleFrame(frame);
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final SlotClaim claim = pipeline.newSlotClaim();
            writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100);
            claim.claim();
            frame.getBytes(0, claim.buffer(), claim.offset(), length);
            outOfOrder(() -> pipeline.tryPublish(frame, 0, length));
            outOfOrder(() -> claim.commit(length));
            final long first = writer.commit();
            assertTrue(pipeline.isJournaled(first), "journaled inside its commit");
            final long second = claim.commit(length);
            assertEquals(first + 1, second);
            assertTrue(pipeline.isJournaled(second));
            assertEquals(second + 1, pipeline.tryPublish(frame, 0, length));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(3, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
    }

    /**
     * A sample refused while a claim taken before the frame is open: the refusal is the documented
     * FrameRejectedException, counted, but dropping the frame would publish past that claim, so the frame stays open
     * until it may be aborted.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldKeepARefusedFrameOpenWhileAnEarlierClaimIsOpenWithOneProducer() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().journalDirectory(dir)
            .producerMode(ProducerMode.SINGLE).build());
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final int length = FrameCheckOnPublishTest.oneSampleFrame(frame);
        try
        {
            final SlotClaim claim = pipeline.newSlotClaim();
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            claim.claim();
            writer.begin(1, 1_000);
            final FrameRejectedException refused = assertThrows(FrameRejectedException.class,
                () -> writer.putDouble(60_000, 1.0));
            assertEquals(PipelineCounter.DROPPED_INVALID_PARAMETER, refused.reason());
            assertTrue(refused.getMessage().contains("stays open"), refused.getMessage());
            assertEquals(1, pipeline.counters().get(PipelineCounter.DROPPED_INVALID_PARAMETER));
            frame.getBytes(0, claim.buffer(), claim.offset(), length);
            final long first = claim.commit(length);
            writer.abort();
            final long third = writer.begin(2, 2_000).putDouble(SyntheticRun.SPEED, 100).commit();
            assertEquals(first + 2, third, "the refused frame's slot was published as rejected");
            assertTrue(pipeline.awaitJournaled(third, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(2, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
    }

    /**
     * A session message whose label does not fit the slot (within the contract's 128 characters, but the smallest
     * slot holds 128 bytes) is refused, counted, and its claimed sequence still published.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldPublishPastASessionMessageWhoseLabelDoesNotFit() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().journalDirectory(dir)
            .producerMode(ProducerMode.SINGLE).maxFrameBytes(128).build());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final String tooLong = "x".repeat(120);
            assertEquals(PipelineCounter.DROPPED_FRAME_TOO_LARGE,
                assertThrows(FrameRejectedException.class, () -> writer.sessionStart(1_000, tooLong)).reason());
            assertEquals(PipelineCounter.DROPPED_FRAME_TOO_LARGE,
                assertThrows(FrameRejectedException.class, () -> writer.sessionEnd(1_000, tooLong)).reason());
            assertEquals(2, pipeline.counters().get(PipelineCounter.DROPPED_FRAME_TOO_LARGE));
            final long start = writer.sessionStart(1_000, "fits");
            final long frame = writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100).commit();
            assertEquals(2, start, "sequences 0 and 1 were published as rejected");
            assertEquals(start + 1, frame);
            assertTrue(pipeline.awaitJournaled(frame, TIMEOUT_NS), "nothing holds the stages");
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(1, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldPublishPastAnOpenClaimWithSeveralProducers() throws ManifestException
    {
        // The multi-producer sequencer marks each slot published on its own: any order is safe.
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().journalDirectory(dir)
            .producerMode(ProducerMode.MULTI).build());
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final int length = FrameCheckOnPublishTest.oneSampleFrame(frame);
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100);
            final long later = pipeline.tryPublish(frame, 0, length);
            final long earlier = writer.commit();
            assertEquals(earlier + 1, later);
            assertTrue(pipeline.awaitJournaled(later, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(2, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
    }

    /**
     * close() with a FrameWriter frame begun and not committed waits its deadline for the commit, then stops the
     * stages without the frame (counted as dropped at close). A commit() after that is refused as a begin() is: it
     * used to return a ring sequence, as if the frame had been taken, though nothing would ever journal it.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseACommitOfAFrameLeftOpenAtClose() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().journalDirectory(dir).build());
        final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
        final long first = writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100).commit();
        assertTrue(pipeline.awaitJournaled(first, TIMEOUT_NS));
        writer.begin(2, 2_000).putDouble(SyntheticRun.SPEED, 101);
        pipeline.close(TimeUnit.MILLISECONDS.toNanos(300));

        closed(writer::commit);
        closed(() -> writer.begin(3, 3_000)); // closed, not "a frame is open": the refused commit let it go
        writer.abort(); // nothing open: nothing to do
        assertEquals(1, pipeline.counters().get(PipelineCounter.FRAMES_ACCEPTED));
        assertEquals(1, pipeline.counters().get(PipelineCounter.FRAMES_JOURNALED));
        assertEquals(1, pipeline.counters().get(PipelineCounter.DROPPED_UNPROCESSED_AT_CLOSE), "the open frame");
    }

    /**
     * The same with one producer that journals itself: its claims are counted as dropped at close too (they are not
     * in its ring's cursor), a SlotClaim's commit is refused like a FrameWriter's, and an abort after close lets the
     * claim go without touching the ring or the closed journal.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseACommitOfAClaimLeftOpenAtCloseWithOneProducer() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().journalDirectory(dir)
            .producerMode(ProducerMode.SINGLE).journalThread(JournalThread.PRODUCER).build());
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final int length = FrameCheckOnPublishTest.oneSampleFrame(frame);
        final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
        final SlotClaim claim = pipeline.newSlotClaim();
        writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100);
        claim.claim();
        frame.getBytes(0, claim.buffer(), claim.offset(), length);
        pipeline.close(TimeUnit.MILLISECONDS.toNanos(300));

        closed(() -> claim.commit(length));
        closed(claim::claim);
        writer.abort();
        closed(() -> writer.begin(2, 2_000));
        assertEquals(0, pipeline.counters().get(PipelineCounter.FRAMES_ACCEPTED));
        assertEquals(0, pipeline.counters().get(PipelineCounter.FRAMES_JOURNALED));
        assertEquals(2, pipeline.counters().get(PipelineCounter.DROPPED_UNPROCESSED_AT_CLOSE), "both open claims");
    }

    /**
     * With one producer, close() ends a begin() waiting on a full ring at once. Before, the producer stayed in the
     * Disruptor's next() until the stages freed a slot, then claimed it from the single-producer sequencer together
     * with close()'s end-of-stream claim: a frame journaled after the end and never processed, or the end overwritten
     * (open laps and sessions never flushed), counted nowhere. With the producer journaling, a close() under load
     * left the live output different from the journal's replay in 7 runs of 12.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldEndABeginWaitingOnAFullRingAtCloseWithOneProducer() throws Exception
    {
        final CountDownLatch held = new CountDownLatch(1);
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().journalDirectory(dir).channelCapacity(2)
            .producerMode(ProducerMode.SINGLE).build());
        pipeline.addJournaledListener(journaled ->
        {
            try
            {
                held.await(); // on the processing thread: the stages take no slot, the ring fills
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        final AtomicLong committed = new AtomicLong();
        final AtomicReference<Throwable> ended = new AtomicReference<>();
        final Thread producer = new Thread(() ->
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            try
            {
                for (int i = 0; ; i++)
                {
                    writer.begin(i, 1_000L * i).lapNumber(1).putDouble(SyntheticRun.SPEED, 100).commit();
                    committed.incrementAndGet();
                }
            }
            catch (final RuntimeException ex)
            {
                ended.set(ex);
            }
        });
        final Thread closer = new Thread(pipeline::close);
        try
        {
            producer.start();
            Await.until("the producer waits in begin() on the full ring", () -> committed.get() >= 2 &&
                producer.getState() == Thread.State.TIMED_WAITING);
            closer.start();
            Await.until("close() ends the producer's wait, the stages still held", Duration.ofSeconds(10),
                () -> !producer.isAlive());
        }
        finally
        {
            held.countDown();
        }
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(ended.get() instanceof IllegalStateException, String.valueOf(ended.get()));
        assertTrue(ended.get().getMessage().contains("is closed"), ended.get().getMessage());
        assertEquals(committed.get(), pipeline.counters().get(PipelineCounter.FRAMES_JOURNALED));
        assertEquals(committed.get(), pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
        assertEquals(0, pipeline.counters().get(PipelineCounter.DROPPED_UNPROCESSED_AT_CLOSE));
        assertEquals(2, pipeline.counters().get(PipelineCounter.INSIGHTS), "the open lap and session, flushed");
    }

    private static void closed(final Executable call)
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class, call);
        assertTrue(ex.getMessage().contains("is closed"), ex.getMessage());
    }

    private static void outOfOrder(final Executable publish)
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class, publish);
        assertTrue(ex.getMessage().contains("producer: single") && ex.getMessage().contains("claimed"),
            ex.getMessage());
    }

    /**
     * A durable answer may read its last frame's journal index after other producers have claimed more than a ring's
     * worth of slots: it was -1 then (and the gateway named the journal's last index instead, another request's
     * frame). The history answers for its capacity's worth of journaled frames; rejected slots have none.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldAnswerTheJournalIndexOfAFrameWhoseSlotWasReusedManyTimes() throws ManifestException
    {
        final int slots = 8;
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().journalDirectory(dir).channelCapacity(slots)
            .build());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final int frames = 40 * slots;
            final long[] positions = new long[frames];
            final long[] indices = new long[frames];
            writer.begin(0, 0);
            writer.abort(); // a rejected slot: nothing journaled, no index
            for (int i = 0; i < frames; i++)
            {
                positions[i] = writer.begin(1 + i, 1_000 + i).putDouble(SyntheticRun.SPEED, 100).commit();
                assertTrue(pipeline.awaitJournaled(positions[i], TIMEOUT_NS));
                indices[i] = pipeline.journalIndexOf(positions[i]);
                assertTrue(indices[i] >= 0);
            }
            for (int i = 0; i < frames; i++)
            {
                assertEquals(indices[i], pipeline.journalIndexOf(positions[i]), "frame " + i);
            }
            assertEquals(-1, pipeline.journalIndexOf(positions[0] - 1), "the rejected slot");
        }
        finally
        {
            pipeline.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldAnswerItsOwnJournalIndexForASlotClaimedAgainBeforeItIsPublishedWithOneProducer() throws ManifestException
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
            final long answered = pipeline.journalIndexOf(position);
            reuse.abort(); // before asserting: close() would wait for the open claim
            assertEquals(index, answered, "the slot now belongs to a later message; the journal index history " +
                "answers with the message's own");
        }
        finally
        {
            pipeline.close();
        }
    }
}
