package io.pitgun.gateway;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.testsupport.HeldThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal stage wakes the waiting event loop (no polling tick), without losing a wake-up; the deadline timer
 * only expires answers; a failing ack callback must not strand the answers queued after it.
 */
class JournalAckWaiterTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    /** An event loop whose timers never fire: whatever completes an answer on it is not a timer. */
    static final class TimerlessEventLoop extends DefaultEventLoop
    {
        final AtomicInteger timersDropped = new AtomicInteger();

        @Override
        public ScheduledFuture<?> schedule(final Runnable command, final long delay, final TimeUnit unit)
        {
            timersDropped.incrementAndGet();
            return null; // the waiter never looks at its timer's future
        }
    }

    /** Journal progress driven by the test: what each read of the journaled sequence returns, in turn. */
    static final class ScriptedJournal implements JournalAckWaiter.JournalProgress
    {
        volatile long journaled = -1;
        volatile long afterFirstRead = Long.MIN_VALUE;
        volatile boolean failed;
        volatile boolean room = true;
        final AtomicInteger roomLooks = new AtomicInteger();
        private final AtomicInteger reads = new AtomicInteger();

        @Override
        public boolean hasRoom()
        {
            roomLooks.incrementAndGet();
            return room;
        }

        @Override
        public long journaledSequence()
        {
            final long value = journaled;
            if (reads.incrementAndGet() == 1 && afterFirstRead != Long.MIN_VALUE)
            {
                journaled = afterFirstRead; // the journal stage advances right after the waiter's first look
            }
            return value;
        }

        @Override
        public boolean journalFailed()
        {
            return failed;
        }
    }

    @TempDir
    Path dataDir;

    private final TimerlessEventLoop loop = new TimerlessEventLoop();

    @AfterEach
    void stopLoop() throws InterruptedException
    {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCompleteAnAnswerWhenTheJournalStageAdvancesWithNoTimerRunning() throws Exception
    {
        // Held stages: the frame waits in the ring until the answer is queued; then the journal stage runs (the
        // harness has the pipeline's thread journal when stages are held). Two event loops: a multi-producer ring,
        // since this test publishes from its own thread (one loop's ring is bound to that loop).
        final HeldThreads held = new HeldThreads();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.IO_THREADS, "2"), held))
        {
            final TelemetryPipeline pipeline = gateway.server.pipeline();
            final JournalAckWaiter waiter = new JournalAckWaiter(loop, pipeline, TIMEOUT_NS, new GatewayCounters(), false);
            final long position = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 0)
                .begin(1, 1_000).putDouble(3, 100).commit();
            final CompletableFuture<Boolean> answered = new CompletableFuture<>();
            final CompletableFuture<Integer> queued = new CompletableFuture<>();
            loop.execute(() ->
            {
                waiter.await(position, answered::complete);
                queued.complete(waiter.pendingCount());
            });
            assertEquals(1, queued.get(30, TimeUnit.SECONDS), "waits: nothing is journaled yet");

            held.release();

            assertTrue(answered.get(30, TimeUnit.SECONDS), "answered as journaled, by the journal stage's wake-up");
            assertTrue(loop.timersDropped.get() >= 1, "its only timer (the deadline) never ran");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldNotLoseTheWakeUpWhenTheJournalAdvancesWhileTheAnswerIsBeingQueued() throws Exception
    {
        // The interleaving: the waiter reads journaled = -1, the journal stage then journals position 5 and reads
        // "nothing pending" (so it calls no one), then the waiter publishes its answer. Only its re-check is left.
        final ScriptedJournal journal = new ScriptedJournal();
        journal.afterFirstRead = 5;
        final JournalAckWaiter waiter = new JournalAckWaiter(loop, journal, TIMEOUT_NS, new GatewayCounters(),
            System::nanoTime);
        final CompletableFuture<Boolean> answered = new CompletableFuture<>();

        loop.execute(() -> waiter.await(5, answered::complete));

        assertTrue(answered.get(30, TimeUnit.SECONDS), "answered as journaled without any call from the journal");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCompleteOnlyTheAnswersTheJournalHasPassed() throws Exception
    {
        final ScriptedJournal journal = new ScriptedJournal();
        final JournalAckWaiter waiter = new JournalAckWaiter(loop, journal, TIMEOUT_NS, new GatewayCounters(),
            System::nanoTime);
        final CompletableFuture<Boolean> first = new CompletableFuture<>();
        final CompletableFuture<Boolean> second = new CompletableFuture<>();
        onLoop(() -> waiter.await(3, first::complete));
        onLoop(() -> waiter.await(7, second::complete));

        journal.journaled = 5;
        waiter.onJournaled(5); // as the journal stage calls it, from another thread

        assertTrue(first.get(30, TimeUnit.SECONDS));
        assertEquals(1, (int)onLoop(waiter::pendingCount), "position 7 still waits");
        assertFalse(second.isDone());

        journal.journaled = 7;
        waiter.onJournaled(7);

        assertTrue(second.get(30, TimeUnit.SECONDS));
        assertEquals(0, (int)onLoop(waiter::pendingCount));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseEveryWaitingAnswerAtOnceWhenTheJournalFails() throws Exception
    {
        final ScriptedJournal journal = new ScriptedJournal();
        final JournalAckWaiter waiter = new JournalAckWaiter(loop, journal, TIMEOUT_NS, new GatewayCounters(),
            System::nanoTime);
        final CompletableFuture<Boolean> answered = new CompletableFuture<>();
        onLoop(() -> waiter.await(3, answered::complete));

        journal.failed = true;
        waiter.onJournalFailed(-1);

        assertFalse(answered.get(30, TimeUnit.SECONDS), "refused, long before its 60 s timeout");
    }

    private void onLoop(final Runnable task) throws Exception
    {
        onLoop(() ->
        {
            task.run();
            return 0;
        });
    }

    private <T> T onLoop(final Callable<T> task) throws Exception
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() ->
        {
            try
            {
                result.complete(task.call());
            }
            catch (final Exception ex)
            {
                result.completeExceptionally(ex);
            }
        });
        return result.get(30, TimeUnit.SECONDS);
    }
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldHoldJournaledAnswersForRoomWithoutWakingTheLoopAgainAndAgain() throws Exception
    {
        // JOURNAL_ON_LOOP: an answer whose frames are journaled but which waits for room in the ring must not count
        // as waiting for the journal, or every scan would wake the loop for it at once, for ever.
        final ScriptedJournal journal = new ScriptedJournal();
        journal.journaled = 10;
        journal.room = false;
        final JournalAckWaiter waiter = new JournalAckWaiter(loop, journal, TIMEOUT_NS, new GatewayCounters(),
            System::nanoTime);
        final CompletableFuture<Boolean> held = new CompletableFuture<>();
        final CompletableFuture<Boolean> waiting = new CompletableFuture<>();
        onLoop(() ->
        {
            waiter.await(5, held::complete); // journaled, held for room
            waiter.await(20, waiting::complete); // not journaled yet
            return 0;
        });
        journal.journaled = 20;
        waiter.onJournaled(20); // the journal stage: a drain, whose scan holds both for room
        onLoop(() -> 0);
        final int looks = journal.roomLooks.get();
        for (int i = 0; i < 3; i++)
        {
            onLoop(() -> 0);
        }
        assertEquals(looks, journal.roomLooks.get(), "no drain after drain while only room can release them");
        assertFalse(held.isDone() || waiting.isDone());

        journal.room = true;
        waiter.onJournaled(20); // the stages moved on: here the test's own wake-up stands for the room poll
        onLoop(() -> 0);
        assertFalse(held.isDone(), "a journal wake-up alone does not look for room; the room poll does");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCompleteTheAcksAfterACallbackThatThrows() throws Exception
    {
        // Held stages journal nothing, so both waits end by their (1 ms) timeout, in queue order.
        final HeldThreads held = new HeldThreads();
        final EventLoop timedLoop = new DefaultEventLoop();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(), held))
        {
            final GatewayCounters counters = new GatewayCounters();
            final JournalAckWaiter waiter =
                new JournalAckWaiter(timedLoop, gateway.server.pipeline(), 1_000_000L, counters, false);
            final CompletableFuture<Boolean> second = new CompletableFuture<>();
            timedLoop.execute(() ->
            {
                waiter.await(100, journaled ->
                {
                    throw new IllegalStateException("a bug in an answer's callback");
                });
                waiter.await(101, second::complete);
            });
            assertFalse(second.get(30, TimeUnit.SECONDS), "the second answer is completed (not journaled)");
            assertEquals(1, counters.ackCallbackFailures.sum());
            final CompletableFuture<Integer> pending = new CompletableFuture<>();
            timedLoop.execute(() -> pending.complete(waiter.pendingCount()));
            assertEquals(0, pending.get(10, TimeUnit.SECONDS));
        }
        finally
        {
            timedLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }
}
