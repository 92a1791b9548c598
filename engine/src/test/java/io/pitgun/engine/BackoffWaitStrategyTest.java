package io.pitgun.engine;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link BackoffWaitStrategy} hands a stage what is published whichever phase it is in, a publish wakes a parked
 * stage instead of leaving the frame to the park's time-out, and a halted stage leaves its wait (an alert) even from
 * its longest park.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BackoffWaitStrategyTest
{
    // Short phases: the waiter is deep in its parks within milliseconds.
    private final BackoffWaitStrategy strategy = new BackoffWaitStrategy(10_000, 50_000, 1_000_000);
    private final RingBuffer<long[]> ring = RingBuffer.createSingleProducer(() -> new long[1], 8, strategy);
    private final SequenceBarrier barrier = ring.newBarrier();

    @Test
    void shouldReturnWhatIsPublishedAtOnceAndAfterParking() throws Exception
    {
        ring.publish(ring.next());
        assertEquals(0, barrier.waitFor(0), "available: no wait");

        final Waiter waiter = new Waiter(1);
        waiter.awaitParked();
        ring.publish(ring.next());

        assertEquals(1L, waiter.result.get(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldWakeAParkedStageWhenAFrameIsPublishedInsteadOfWaitingOutItsPark() throws Exception
    {
        // Parks of a minute: only the publish can end this wait within the test's bounds.
        final BackoffWaitStrategy longParks = new BackoffWaitStrategy(0, 60_000_000_000L, 60_000_000_000L);
        final RingBuffer<long[]> quiet = RingBuffer.createSingleProducer(() -> new long[1], 8, longParks);
        final Waiter waiter = new Waiter(quiet.newBarrier(), 0);
        waiter.awaitParked();

        quiet.publish(quiet.next());

        assertEquals(0L, waiter.result.get(10, TimeUnit.SECONDS), "woken by the publish, not its 60 s park");
    }

    @Test
    void shouldGoBackToWaitingWhenWokenBeforeTheStageAheadHasTheFrame() throws Exception
    {
        final BackoffWaitStrategy longParks = new BackoffWaitStrategy(0, 60_000_000_000L, 60_000_000_000L);
        final RingBuffer<long[]> quiet = RingBuffer.createSingleProducer(() -> new long[1], 8, longParks);
        final Sequence ahead = new Sequence(-1); // the stage this one follows (the journal for the processing stage)
        final Waiter waiter = new Waiter(quiet.newBarrier(ahead), 0);
        waiter.awaitParked();

        quiet.publish(quiet.next()); // wakes it while the stage ahead still has the frame: it must wait on
        ahead.set(0);
        quiet.publish(quiet.next()); // the next publish wakes it (or it sees the frame before parking again)

        assertEquals(0L, waiter.result.get(10, TimeUnit.SECONDS), "the frame the stage ahead finished, not -1");
    }

    @Test
    void shouldFindWhatTheStageAheadFinishedByItsParkTimingOutWhenNothingIsPublished() throws Exception
    {
        // The stage ahead's progress signals nobody: the short parks' time-outs find it.
        final Sequence ahead = new Sequence(-1);
        final Waiter waiter = new Waiter(ring.newBarrier(ahead), 0);
        ring.publish(ring.next());
        waiter.awaitParked();

        ahead.set(0);

        assertEquals(0L, waiter.result.get(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldLeaveTheWaitWhenAlertedWhileParked() throws Exception
    {
        final Waiter waiter = new Waiter(0);
        waiter.awaitParked();

        barrier.alert();

        assertInstanceOf(AlertException.class, waiter.result.get(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldLeaveTheWaitAtOnceWhenAlertedInALongPark() throws Exception
    {
        final BackoffWaitStrategy longParks = new BackoffWaitStrategy(0, 60_000_000_000L, 60_000_000_000L);
        final SequenceBarrier halted = RingBuffer.createSingleProducer(() -> new long[1], 8, longParks).newBarrier();
        final Waiter waiter = new Waiter(halted, 0);
        waiter.awaitParked();

        halted.alert();

        assertInstanceOf(AlertException.class, waiter.result.get(10, TimeUnit.SECONDS), "not after its 60 s park");
    }

    @Test
    void shouldRefusePhasesThatMakeNoSense()
    {
        assertThrows(IllegalArgumentException.class, () -> new BackoffWaitStrategy(-1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BackoffWaitStrategy(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new BackoffWaitStrategy(0, 2, 1));
    }

    /** Waits for a sequence on a thread of its own: the sequence it got, or the exception it threw. */
    private final class Waiter
    {
        final CompletableFuture<Object> result = new CompletableFuture<>();
        final Thread thread;

        Waiter(final long sequence)
        {
            this(barrier, sequence);
        }

        Waiter(final SequenceBarrier barrier, final long sequence)
        {
            thread = new Thread(() ->
            {
                try
                {
                    result.complete(barrier.waitFor(sequence));
                }
                catch (final Exception ex)
                {
                    result.complete(ex);
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        /** Until the waiter is past its busy phase: parked (bounded by the test's timeout). */
        void awaitParked()
        {
            while (!result.isDone() && thread.getState() != Thread.State.TIMED_WAITING)
            {
                Thread.onSpinWait();
            }
        }
    }
}
