package io.pitgun.gateway;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admission by queueing delay with a clock the test moves (no sleeps): the waiter's answers, its journal and the
 * arrivals are scripted, on a loop whose timers never fire ({@link JournalAckWaiterTest.TimerlessEventLoop}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QueueDelayAdmissionTest
{
    private static final long TARGET_NS = ms(100);
    private static final long INTERVAL_NS = ms(1_000);

    private final JournalAckWaiterTest.TimerlessEventLoop loop = new JournalAckWaiterTest.TimerlessEventLoop();
    private final JournalAckWaiterTest.ScriptedJournal journal = new JournalAckWaiterTest.ScriptedJournal();
    private final AtomicLong clock = new AtomicLong();
    private final JournalAckWaiter waiter = new JournalAckWaiter(loop, journal, ms(60_000), new GatewayCounters(),
        clock::get);
    private final QueueDelayAdmission admission = new QueueDelayAdmission(waiter, TARGET_NS, INTERVAL_NS);

    @AfterEach
    void stopLoop() throws InterruptedException
    {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    /**
     * An episode above the target, then its oldest answer answered (the delay falls to a younger answer's, under
     * the target) with no request in between, then a second episode: a request once the second has lasted less than
     * an interval is admitted, though the first began more than an interval before. Before, the two were taken for
     * one episode and that request was refused as overload.
     */
    @Test
    void shouldNotJoinTwoEpisodesAboveTheTargetSeparatedByADipBetweenRequests() throws Exception
    {
        at(0, () -> waiter.await(0, journaled -> { }));                 // A waits for position 0
        assertTrue(admitAt(150), "an episode begins: admitted");        // A has waited 150 ms
        assertTrue(admitAt(290), "within its interval: admitted");
        at(290, () -> waiter.await(1, journaled -> { }));               // B waits for position 1
        journal.journaled = 0;
        at(300, () -> waiter.onJournaled(0));                           // A answered: B's 10 ms is the delay now
        at(300, () -> { });                                             // the drain the wake-up queued has run
        // No request until B has waited 910 ms: above the target since 390 ms, 1,050 ms after the first episode began.
        assertTrue(admitAt(1_200), "a new episode, not yet an interval long: admitted");
        assertFalse(admitAt(2_300), "the new episode has lasted an interval: refused");
    }

    /**
     * The first request to see the delay above the target comes late, long after the oldest passed it: the episode
     * is timed from that crossing, so a request once the oldest has waited more than the target plus an interval is
     * refused, the first one to look among them (docs/gateway.md, back-pressure item 6). Before, the episode began
     * with that request: it and the requests of the next interval were admitted.
     */
    @Test
    void shouldTimeAnEpisodeFromWhenTheDelayCrossedTheTargetNotFromTheRequestThatNoticedIt() throws Exception
    {
        at(0, () -> waiter.await(0, journaled -> { }));                 // A waits for position 0, never answered
        assertTrue(admitAt(50), "under the target: admitted");
        // No request while A's wait passes the target (100 ms) and the interval after it (1,100 ms).
        assertTrue(admitAt(1_050), "above the target since 100 ms, less than an interval: admitted");
        assertFalse(admitAt(1_150), "above the target for more than an interval: refused");
    }

    /** As above, the first request since the crossing comes after a whole interval: it is refused at once. */
    @Test
    void shouldRefuseTheFirstRequestToSeeADelayStandingForAWholeInterval() throws Exception
    {
        at(0, () -> waiter.await(0, journaled -> { }));
        assertTrue(admitAt(50), "under the target: admitted");
        assertFalse(admitAt(1_200), "above the target since 100 ms: refused");
    }

    private boolean admitAt(final long timeMs) throws Exception
    {
        clock.set(ms(timeMs));
        return loop.submit(() -> admission.admit(clock.get())).get(10, TimeUnit.SECONDS);
    }

    /** Runs {@code task} on the loop at {@code timeMs}, and everything the loop had queued before it. */
    private void at(final long timeMs, final Runnable task) throws Exception
    {
        clock.set(ms(timeMs));
        loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    private static long ms(final long ms)
    {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }
}
