package io.pitgun.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.dsl.ProducerType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** awaitJournaled keeps its timeout contract under the idle strategy: false at the deadline, true once journaled. */
@Timeout(30)
class AckTrackerTest
{
    private final SlotRing ring = new SlotRing(8, new SlotDescriptor(256, 0), ProducerType.MULTI,
        new BlockingWaitStrategy());
    private final ClaimedSequence claimed = new ClaimedSequence(ring.ringBuffer(), false);

    @Test
    void shouldGiveUpAtTheDeadlineWhenNothingIsJournaled()
    {
        final AckTracker acks = new AckTracker(ring.ringBuffer(), claimed, AckMode.JOURNALED, true);
        final long timeoutNs = TimeUnit.MILLISECONDS.toNanos(50);
        final long start = System.nanoTime();

        assertFalse(acks.awaitJournaled(0, timeoutNs));

        final long tookNs = System.nanoTime() - start;
        assertTrue(tookNs >= timeoutNs, "returned after " + tookNs + " ns, before its deadline");
        assertTrue(tookNs < timeoutNs + TimeUnit.SECONDS.toNanos(1), "overslept its deadline: " + tookNs + " ns");
    }

    @Test
    void shouldReturnOnceTheJournalStageReachesThePosition() throws InterruptedException
    {
        final AckTracker acks = new AckTracker(ring.ringBuffer(), claimed, AckMode.JOURNALED, true);
        final Thread journalStage = new Thread(() ->
        {
            sleepMs(20); // the waiter has spun and yielded by now: it wakes from a park
            acks.journaledSequence().set(3);
        });
        journalStage.start();

        assertTrue(acks.awaitJournaled(3, TimeUnit.SECONDS.toNanos(10)));
        assertTrue(acks.isJournaled(2));
        assertFalse(acks.isJournaled(4));
        journalStage.join();
    }

    @Test
    void shouldNeverAcknowledgeAsJournaledWithoutAJournal()
    {
        final AckTracker acks = new AckTracker(ring.ringBuffer(), claimed, AckMode.ACCEPTED, false);
        acks.journaledSequence().set(5); // even so: without a journal nothing is journaled

        assertFalse(acks.awaitJournaled(0, TimeUnit.SECONDS.toNanos(10)));
    }

    private static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
