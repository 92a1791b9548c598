package io.pitgun.engine;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalAppender;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalTailer;
import io.pitgun.testsupport.Await;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While the journal's file system is below its headroom the journal stage holds frames back (nothing journaled,
 * nothing acknowledged, nothing dropped) and carries on by itself when space returns; a close while it waits
 * ends the wait and never acknowledges what it held. With {@code journal.thread: producer} the producer's commit()
 * waits the same way.
 */
class JournalSpaceWaitTest
{
    private static final UUID SESSION = UUID.fromString("53702b3e-3e56-41a2-8834-9169ee5e991e");
    private static final UUID PRODUCER = UUID.fromString("7d16dde5-88a6-4b47-8cd8-c711601cd61f");
    private static final long HEADROOM = 1L << 20;
    private static final long PLENTY = 1L << 40;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldWaitForSpaceResumeWhenItReturnsAndNeverAckWhatACloseDropped() throws Exception
    {
        final AtomicLong usable = new AtomicLong(PLENTY);
        try (Journal journal = Journal.open(JournalConfig.of(dir).withMinFreeBytes(HEADROOM), usable::get))
        {
            final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
                .config(PipelineConfig.builder().journalDirectory(dir).journalPretouch(false).build())
                .journal(journal).build();
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final long first = writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100).commit();
            assertTrue(pipeline.awaitJournaled(first, TimeUnit.SECONDS.toNanos(30)));

            usable.set(HEADROOM - 1);
            journal.spaceGuard().invalidate();
            final long held = writer.begin(2, 2_000).putDouble(SyntheticRun.SPEED, 100).commit();
            awaitWaiting(pipeline, true);
            assertFalse(pipeline.isJournaled(held), "nothing is acknowledged while the disk is short");
            assertEquals(1, pipeline.counters().get(PipelineCounter.JOURNAL_SPACE_WAITS));

            usable.set(PLENTY);
            journal.spaceGuard().invalidate();
            assertTrue(pipeline.awaitJournaled(held, TimeUnit.SECONDS.toNanos(30)), "resumed by itself");
            awaitWaiting(pipeline, false);
            final long acknowledged = count(journal);

            usable.set(HEADROOM - 1);
            journal.spaceGuard().invalidate();
            final long dropped = writer.begin(3, 3_000).putDouble(SyntheticRun.SPEED, 100).commit();
            awaitWaiting(pipeline, true);
            pipeline.close(); // must not wait for space that never comes
            assertFalse(pipeline.isJournaled(dropped));
            assertTrue(pipeline.journalFailure().isPresent());
            assertEquals(1, pipeline.counters().get(PipelineCounter.DROPPED_JOURNAL_FAILED));
            assertEquals(0, pipeline.counters().get(PipelineCounter.DROPPED_RING_FULL));
            assertEquals(acknowledged, count(journal), "nothing more than what was acknowledged");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldHoldTheProducersCommitWhileTheDiskIsShortWithTheJournalOnTheProducersThread() throws Exception
    {
        // journal.thread: producer: the same wait, but inside commit() on the producing thread, which a test thread
        // of its own plays (the one thread that ever publishes), while this one watches.
        final AtomicLong usable = new AtomicLong(PLENTY);
        final AtomicLong spaceReads = new AtomicLong();
        final ExecutorService producer = Executors.newSingleThreadExecutor();
        try (Journal journal = Journal.open(JournalConfig.of(dir).withMinFreeBytes(HEADROOM), () ->
        {
            spaceReads.incrementAndGet();
            return usable.get();
        }))
        {
            final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
                .config(PipelineConfig.builder().journalDirectory(dir).journalPretouch(false)
                    .producerMode(ProducerMode.SINGLE).journalThread(JournalThread.PRODUCER).build())
                .journal(journal).build();
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final long first = producer.submit(() -> writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100)
                .commit()).get();
            assertTrue(pipeline.isJournaled(first), "journaled when commit() returned");

            usable.set(HEADROOM - 1);
            journal.spaceGuard().invalidate();
            final Future<Long> held = producer.submit(() -> writer.begin(2, 2_000)
                .putDouble(SyntheticRun.SPEED, 100).commit());
            awaitWaiting(pipeline, true);
            assertFalse(held.isDone(), "commit() waits for space");
            assertFalse(pipeline.isJournaled(first + 1), "nothing is acknowledged while the disk is short");
            assertEquals(1, pipeline.counters().get(PipelineCounter.JOURNAL_SPACE_WAITS));

            usable.set(PLENTY);
            journal.spaceGuard().invalidate();
            final long resumed = held.get(30, TimeUnit.SECONDS);
            assertEquals(first + 1, resumed);
            assertTrue(pipeline.isJournaled(resumed), "resumed by itself, journaled when commit() returned");
            final long acknowledged = count(journal);

            usable.set(HEADROOM - 1);
            journal.spaceGuard().invalidate();
            final Future<Long> dropped = producer.submit(() -> writer.begin(3, 3_000)
                .putDouble(SyntheticRun.SPEED, 100).commit());
            awaitWaiting(pipeline, true);
            // Let the wait grow to its longest park (the free space is read at most every 20 ms, so three reads take
            // over 40 ms): the producer then sleeps through close()'s claim, which is what lost the end of stream.
            final long reads = spaceReads.get();
            Await.until("the producer's wait re-read the free space three times", () -> spaceReads.get() >= reads + 3);
            // Ends the producer's wait, which never comes to an end by itself, and then drains at once: a close
            // that claimed the end-of-stream slot while the producer still held its claim lost the end and waited
            // out its whole deadline (longer than this test's timeout).
            pipeline.close(TimeUnit.SECONDS.toNanos(120));
            assertFalse(pipeline.isJournaled(dropped.get(30, TimeUnit.SECONDS)));
            assertTrue(pipeline.journalFailure().isPresent());
            assertEquals(1, pipeline.counters().get(PipelineCounter.DROPPED_JOURNAL_FAILED));
            assertEquals(0, pipeline.counters().get(PipelineCounter.DROPPED_RING_FULL));
            assertEquals(acknowledged, count(journal), "nothing more than what was acknowledged");
        }
        finally
        {
            producer.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseATryPublishInsteadOfWaitingWithTheJournalOnTheProducersThread() throws Exception
    {
        // The gateway's event loop journals this way (JOURNAL_ON_LOOP) and must never wait for space: a try publish
        // asks for room for all of itself first and is refused, claiming nothing, when there is none; it then
        // reports the journal short until a publish of that size fits again, and goes on by itself.
        final AtomicLong usable = new AtomicLong(PLENTY);
        try (Journal journal = Journal.open(JournalConfig.of(dir).withMinFreeBytes(HEADROOM), usable::get))
        {
            final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
                .config(PipelineConfig.builder().journalDirectory(dir).journalPretouch(false)
                    .producerMode(ProducerMode.SINGLE).journalThread(JournalThread.PRODUCER).build())
                .journal(journal).build();
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
            final int length = FrameCheckOnPublishTest.oneSampleFrame(frame);
            final int[] offsets = {0, 0, 0};
            final int[] lengths = {length, length, length};
            final long first = pipeline.tryPublishBatch(frame, offsets, lengths, 0, 3);
            assertTrue(first >= 0 && pipeline.isJournaled(first), "journaled when it returned: " + first);
            final long journaledBefore = count(journal);

            // Room for one more byte than the headroom: the guard itself is not short, a batch does not fit.
            usable.set(HEADROOM + 1);
            journal.spaceGuard().invalidate();
            assertEquals(TelemetryPipeline.JOURNAL_REFUSED, pipeline.tryPublishBatch(frame, offsets, lengths, 0, 3));
            assertEquals(TelemetryPipeline.JOURNAL_REFUSED, pipeline.tryPublish(frame, 0, length));
            assertEquals(4, pipeline.counters().get(PipelineCounter.DROPPED_JOURNAL_FULL));
            assertEquals(0, pipeline.counters().get(PipelineCounter.JOURNAL_SPACE_WAITS), "nothing waited");
            assertTrue(pipeline.isJournalWaitingForSpace(), "short until a publish of that size fits again");

            // Room for two of them: the batch of three is refused and reported short, yet one message must still
            // go in (a large refused publish does not keep small ones out), and its success ends the state.
            usable.set(HEADROOM + JournalAppender.bytesFor(2, 2L * length));
            journal.spaceGuard().invalidate();
            assertEquals(TelemetryPipeline.JOURNAL_REFUSED, pipeline.tryPublishBatch(frame, offsets, lengths, 0, 3));
            assertTrue(pipeline.isJournalWaitingForSpace(), "a publish of that size would not fit");
            final long single = pipeline.tryPublish(frame, 0, length);
            assertEquals(first + 1, single);
            assertTrue(pipeline.isJournaled(single));
            assertFalse(pipeline.isJournalWaitingForSpace(), "a publish fitted");

            usable.set(PLENTY);
            journal.spaceGuard().invalidate();
            assertFalse(pipeline.isJournalWaitingForSpace());
            final long next = pipeline.tryPublishBatch(frame, offsets, lengths, 0, 3);
            assertEquals(single + 3, next, "the refused publishes claimed nothing");
            assertTrue(pipeline.isJournaled(next));
            assertEquals(journaledBefore + 4, count(journal), "the refused ones are nowhere");
            pipeline.close();
            assertTrue(pipeline.journalFailure().isEmpty());
        }
    }

    private static void awaitWaiting(final TelemetryPipeline pipeline, final boolean waiting)
    {
        // Bounded by the test's timeout; the stage reaches the state within a park of at most 2 ms.
        while (pipeline.isJournalWaitingForSpace() != waiting)
        {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static long count(final Journal journal)
    {
        final long[] n = { 0 };
        try (JournalTailer tailer = journal.tailer())
        {
            while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) -> n[0]++))
            {
                // counts messages
            }
        }
        return n[0];
    }
}
