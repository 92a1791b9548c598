package io.pitgun.engine;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal stage tells registered {@link JournaledListener}s when the journaled sequence advances (on its own
 * thread, the sequence already visible) and when the journal fails for good (the failure already visible), so a
 * waiter needs no polling.
 */
class JournaledListenerTest
{
    private static final long HEADROOM = 1L << 20;
    private static final long PLENTY = 1L << 40;

    @TempDir
    Path dir;

    /** Records what the journal stage told it, and what it could see then. */
    private static final class Recording implements JournaledListener
    {
        final AtomicLong highest = new AtomicLong(-1);
        final AtomicBoolean sequenceVisible = new AtomicBoolean(true);
        final AtomicReference<String> thread = new AtomicReference<>();
        final AtomicBoolean failed = new AtomicBoolean();
        final AtomicBoolean failureVisible = new AtomicBoolean();
        TelemetryPipeline pipeline;

        @Override
        public void onJournaled(final long journaledSequence)
        {
            highest.accumulateAndGet(journaledSequence, Math::max);
            if (pipeline.journaledSequence() < journaledSequence)
            {
                sequenceVisible.set(false);
            }
            thread.set(Thread.currentThread().getName());
        }

        @Override
        public void onJournalFailed(final long journaledSequence)
        {
            failureVisible.set(pipeline.journalFailure().isPresent());
            failed.set(true);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldTellListenersOfEveryAdvanceAndOfTheJournalFailing() throws Exception
    {
        final AtomicLong usable = new AtomicLong(PLENTY);
        try (Journal journal = Journal.open(JournalConfig.of(dir).withMinFreeBytes(HEADROOM), usable::get))
        {
            final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
                .config(PipelineConfig.builder().journalDirectory(dir).journalPretouch(false).build())
                .journal(journal).name("listened").build();
            final Recording listener = new Recording();
            listener.pipeline = pipeline;
            pipeline.addJournaledListener(listener);
            final FrameWriter writer = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 0);
            long last = -1;
            for (int i = 1; i <= 200; i++)
            {
                last = writer.begin(i, i * 1_000L).putDouble(SyntheticRun.SPEED, 100).commit();
            }
            final long lastPublished = last;

            Await.until("the listener hears of the last frame", () -> listener.highest.get() >= lastPublished);
            assertEquals(lastPublished, listener.highest.get());
            assertTrue(listener.sequenceVisible.get(), "the journaled sequence was stored before each call");
            assertEquals("pitgun-listened-process", listener.thread.get(), "called on the journal stage's thread");

            // The journal stops for good: a close while it waits for space drops what it holds.
            usable.set(HEADROOM - 1);
            journal.spaceGuard().invalidate();
            writer.begin(1_000, 1_000_000).putDouble(SyntheticRun.SPEED, 100).commit();
            Await.until("the journal stage waits for space", pipeline::isJournalWaitingForSpace);
            pipeline.close();

            assertTrue(listener.failed.get(), "told of the failure");
            assertTrue(listener.failureVisible.get(), "journalFailure() was set before the call");
            assertTrue(pipeline.removeJournaledListener(listener));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseACloseOnThePipelinesOwnThreadAtOnce() throws Exception
    {
        // Before: close() in a listener (or the errorHandler) waited out its whole deadline for its own thread, then
        // abandoned it (STAGE_THREADS_ABANDONED), leaving the journal open and the frame unprocessed.
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().journalDirectory(dir).build()).name("self-closing").build();
        final AtomicReference<Throwable> refused = new AtomicReference<>();
        final AtomicLong heard = new AtomicLong(-1);
        pipeline.addJournaledListener(journaled ->
        {
            if (refused.get() == null)
            {
                try
                {
                    pipeline.close(TimeUnit.SECONDS.toNanos(2));
                    refused.set(new AssertionError("close() returned on the pipeline's own thread"));
                }
                catch (final IllegalStateException ex)
                {
                    refused.set(ex);
                }
            }
            heard.set(journaled);
        });
        final long position = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 0)
            .begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100).commit();
        Await.until("the listener hears of the frame", () -> heard.get() >= position);
        pipeline.close();

        assertTrue(refused.get() instanceof IllegalStateException, String.valueOf(refused.get()));
        assertTrue(refused.get().getMessage().contains("close() on pitgun-self-closing-process, a thread of the " +
            "pipeline itself"), refused.get().getMessage());
        assertEquals(0, pipeline.counters().get(PipelineCounter.STAGE_THREADS_ABANDONED));
        assertEquals(1, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
        assertEquals(0, pipeline.counters().get(PipelineCounter.DROPPED_UNPROCESSED_AT_CLOSE));
    }
}
