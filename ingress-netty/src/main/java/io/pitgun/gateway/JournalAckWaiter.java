package io.pitgun.gateway;

import io.netty.channel.EventLoop;
import io.pitgun.engine.JournaledListener;
import io.pitgun.engine.TelemetryPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Completes answers once their frames are journaled, without blocking the event loop and without polling: pending
 * answers wait in a queue on their event loop, and the journal stage wakes the loop when the journaled sequence
 * passes one of them ({@link JournaledListener}), handing it a pre-allocated drain task that completes every answer
 * whose last ring position is journaled. An answer whose frames are not journaled within the ack timeout gets its
 * failure callback (503 {@code ack_timeout}) from a coarse timer that runs only at the oldest answer's deadline;
 * once the journal stage has stopped for good it wakes the loop too, and every waiting answer gets the failure at
 * once ({@link #refuseUnjournaled}: 503 {@code journal_failed}). One per event loop; every method but
 * {@link #onJournaled} and {@link #onJournalFailed} runs on that loop.
 *
 * <p>The wake-up protocol (the loop publishes, the journal thread wakes; neither ever blocks):
 * <pre>
 *   event loop: await(position)                        journal thread: onJournaled(journaled)
 *     pending.add(answer)                                (journaled sequence stored, full fence: JournaledListener)
 *     lowestPending = min(lowestPending, position)       if journaled >= lowestPending
 *     full fence                                            and wakeOutstanding: false -> true (CAS)
 *     if journaled >= position: wake()  (the race)            loop.execute(drain)
 *   drain (on the loop):
 *     wakeOutstanding = false, full fence                (a later advance then schedules another drain)
 *     complete every answer whose position <= journaled; expire those past their deadline
 *     lowestPending = min over those left, full fence, wake() again if journaled >= it
 * </pre>
 * Each side stores, fences, then loads what the other stores (Dekker), so whichever runs second sees the other:
 * an answer added just after the journal thread read {@code lowestPending} is found by the loop's own re-check.
 * Only a lowered {@code lowestPending} needs the re-check; a higher position waits behind one that already wakes
 * the loop. Callbacks may call {@link #await} (a pipelined request answered on the same loop): a drain never
 * completes an answer inline from {@code await}, it is queued as a task, so the drain's scan is never re-entered.
 * <p>
 * A callback that throws is logged and counted ({@code pitgun_gateway_ack_callback_failures_total}) and does not
 * keep the answers queued after it from being completed: each callback runs on its own.
 */
final class JournalAckWaiter implements JournaledListener
{
    /** What to do when the wait ends. */
    interface Completion
    {
        void onComplete(boolean journaled);
    }

    private static final Logger LOG = LoggerFactory.getLogger(JournalAckWaiter.class);
    /** {@link #lowestPending} when nothing waits. */
    private static final long NONE = Long.MAX_VALUE;
    /** How soon a loop whose journaled answers wait for room in the ring looks again ({@link JournalProgress#hasRoom}):
     *  about the time the stages take to free a tenth of a 4,096-slot ring on the reference machine. */
    private static final long ROOM_POLL_NS = 50_000;

    private static final class Pending
    {
        final long position;
        final long sinceNs;
        final long deadlineNs;
        final Completion completion;

        Pending(final long position, final long sinceNs, final long deadlineNs, final Completion completion)
        {
            this.position = position;
            this.sinceNs = sinceNs;
            this.deadlineNs = deadlineNs;
            this.completion = completion;
        }
    }

    /** How far the journal has got: the pipeline, or a test's hand-driven stand-in. */
    interface JournalProgress
    {
        /** {@link TelemetryPipeline#journaledSequence()}: acquire read. */
        long journaledSequence();

        /** True once the journal stage has stopped for good ({@link TelemetryPipeline#journalFailure()}). */
        boolean journalFailed();

        /**
         * False while a journaled answer should still wait, for room in the ring: where the event loop journals
         * ({@link GatewaySetting#JOURNAL_ON_LOOP}) a frame is journaled as soon as it is published, and answering at
         * once would let a client outrun the stages until the ring refuses it; so answers wait while more than half
         * the ring is unprocessed, as they waited for the journal stage before. True by default.
         */
        default boolean hasRoom()
        {
            return true;
        }
    }

    private final EventLoop loop;
    private final JournalProgress journal;
    private final long timeoutNs;
    private final GatewayCounters counters;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Pre-allocated: the journal thread hands it to the loop without allocating. */
    private final Runnable drain = this::drain;
    private final Runnable deadlineCheck = this::onDeadline;
    private final Runnable roomPoll = this::onRoomPoll;
    /** True while a look for room in the ring is scheduled. Loop only. */
    private boolean roomPollScheduled;
    /** True from the journal thread's (or the loop's) wake-up until the drain starts: at most one drain queued. */
    private final AtomicBoolean wakeOutstanding = new AtomicBoolean();
    /** The lowest ring position a pending answer waits for, {@link #NONE} when none: the loop writes, the journal
     *  thread reads. */
    private volatile long lowestPending = NONE;
    /** True while the deadline timer is scheduled. Loop only. */
    private boolean deadlineScheduled;
    /** The monotonic clock, {@link System#nanoTime} but in tests. */
    private final LongSupplier clock;
    /**
     * The lowest queueing delay since {@link #takeLowestDelayNs} last looked, as of the moments the oldest answer
     * changed (the delay only grows in between); {@link Long#MAX_VALUE} when it has not changed. Loop only.
     */
    private long lowestDelayNs = Long.MAX_VALUE;

    /** Registers itself with {@code pipeline} as a {@link JournaledListener}: the journal stage wakes it. */
    JournalAckWaiter(final EventLoop loop, final TelemetryPipeline pipeline, final long timeoutNs,
        final GatewayCounters counters, final boolean waitForRoom)
    {
        this(loop, new JournalProgress()
        {
            private final int halfRing = pipeline.config().channelCapacity() / 2;

            @Override
            public long journaledSequence()
            {
                return pipeline.journaledSequence();
            }

            @Override
            public boolean journalFailed()
            {
                return pipeline.journalFailure().isPresent(); // Optional.empty() is a constant: no allocation
            }

            @Override
            public boolean hasRoom()
            {
                return !waitForRoom || pipeline.remainingCapacity() >= halfRing;
            }
        }, timeoutNs, counters, System::nanoTime);
        pipeline.addJournaledListener(this);
    }

    /**
     * A waiter on {@code journal}, woken by whoever calls {@link #onJournaled} (tests drive it by hand), reading the
     * time from {@code clock}.
     */
    JournalAckWaiter(final EventLoop loop, final JournalProgress journal, final long timeoutNs,
        final GatewayCounters counters, final LongSupplier clock)
    {
        this.clock = clock;
        this.counters = counters;
        this.loop = loop;
        this.journal = journal;
        this.timeoutNs = timeoutNs;
    }

    /** Calls {@code completion} once ring position {@code position} is journaled (at once if it already is). */
    void await(final long position, final Completion completion)
    {
        final boolean journaled = position < 0 || journal.journaledSequence() >= position;
        if (journaled && (position < 0 || journal.hasRoom()))
        {
            complete(completion, true);
            return;
        }
        final long nowNs = clock.getAsLong();
        pending.add(new Pending(position, nowNs, nowNs + timeoutNs, completion));
        if (!deadlineScheduled)
        {
            deadlineScheduled = true;
            loop.schedule(deadlineCheck, timeoutNs, TimeUnit.NANOSECONDS);
        }
        if (journaled)
        {
            awaitRoom(); // no journal advance will wake this loop for it: look again shortly
        }
        else if (position < lowestPending)
        {
            lowestPending = position;
            recheck(position);
        }
    }

    /** Scans again after {@link #ROOM_POLL_NS}, once: the stages free the ring without telling this loop. */
    private void awaitRoom()
    {
        if (!roomPollScheduled)
        {
            roomPollScheduled = true;
            counters.ackRoomWaits.increment();
            loop.schedule(roomPoll, ROOM_POLL_NS, TimeUnit.NANOSECONDS);
        }
    }

    private void onRoomPoll()
    {
        roomPollScheduled = false;
        scan();
    }

    /** Answers waiting (for tests and diagnostics). */
    int pendingCount()
    {
        return pending.size();
    }

    /**
     * How long the oldest answer still waiting has waited at {@code nowNs} (0 when none waits): the queueing delay
     * of this loop's journaled answers. The queue stays in arrival order (a drain rotates it whole), so the
     * oldest is at its head: O(1).
     */
    long oldestWaitNs(final long nowNs)
    {
        final Pending oldest = pending.peek();
        return oldest == null ? 0 : nowNs - oldest.sinceNs;
    }

    /**
     * The lowest {@link #oldestWaitNs} since the last call, {@link Long#MAX_VALUE} if the oldest answer has not changed
     * meanwhile: between requests the delay may have fallen (its oldest answered, a younger one or none left) and
     * risen again, which {@link QueueDelayAdmission} must not take for one long episode.
     */
    long takeLowestDelayNs()
    {
        final long lowest = lowestDelayNs;
        lowestDelayNs = Long.MAX_VALUE;
        return lowest;
    }

    /** On the journal stage's thread: wakes the loop if an answer here may now be complete. Never blocks. */
    @Override
    public void onJournaled(final long journaledSequence)
    {
        if (journaledSequence >= lowestPending)
        {
            wake();
        }
    }

    /** On the journal stage's thread: wakes the loop if anything waits, to refuse it. */
    @Override
    public void onJournalFailed(final long journaledSequence)
    {
        if (lowestPending != NONE)
        {
            wake();
        }
    }

    /**
     * After publishing {@code lowest}: the journal thread may have read the old value just before, so look at the
     * journaled sequence (and a failure) after a full fence and wake the loop if it has passed already.
     */
    private void recheck(final long lowest)
    {
        // StoreLoad against the journal thread's store of the journaled sequence (JournaledListener's fence).
        VarHandle.fullFence();
        if (journal.journaledSequence() >= lowest || journal.journalFailed())
        {
            wake();
        }
    }

    /** Queues one drain on the loop unless one is queued already. Any thread; no allocation. */
    private void wake()
    {
        if (wakeOutstanding.compareAndSet(false, true))
        {
            try
            {
                loop.execute(drain);
            }
            catch (final RejectedExecutionException ex)
            {
                // The loop is shutting down: its answers go with its channels.
                wakeOutstanding.set(false);
            }
        }
    }

    private void drain()
    {
        wakeOutstanding.set(false);
        // StoreLoad: a journal advance that read wakeOutstanding true (and so queued nothing) is seen below.
        VarHandle.fullFence();
        scan();
    }

    /** A scan's tally of the answers it keeps ({@link #keep}); loop only. */
    private long lowestLeft = NONE;
    private boolean anyLeft;
    private long earliestDeadlineLeftNs;

    private void onDeadline()
    {
        deadlineScheduled = false;
        scan();
    }

    /**
     * Completes the journaled answers and expires the overdue ones, then publishes the lowest position left and
     * re-arms the deadline timer for the earliest deadline left. Loop only.
     */
    private void scan()
    {
        final long journaled = journal.journaledSequence();
        final long now = clock.getAsLong();
        final Pending oldestBefore = pending.peek();
        final boolean journalFailed = journal.journalFailed();
        // A journaled answer held for room goes out once there is room, or at its deadline anyway: its frames are
        // journaled, and a refusal would only make the client send them again.
        final boolean room = journal.hasRoom();
        boolean heldForRoom = false;
        // Positions grow in publish order on one loop, but duplicates can wait on older ones: scan them all. A
        // callback may add answers at the tail; they are not in this count. The lowest position and the earliest
        // deadline left are found in the same pass, over the answers kept.
        startLeft(now);
        int kept = 0;
        for (int i = pending.size(); i > 0; i--)
        {
            final Pending p = pending.poll();
            if (p.position <= journaled && (room || now - p.deadlineNs > 0))
            {
                complete(p.completion, true);
            }
            else if (p.position <= journaled)
            {
                keep(p, journaled);
                kept++;
                heldForRoom = true;
            }
            else if (journalFailed || now - p.deadlineNs > 0)
            {
                complete(p.completion, false);
            }
            else
            {
                keep(p, journaled);
                kept++;
            }
        }
        if (pending.size() != kept)
        {
            // Callbacks added answers (pipelined requests): take them into account too, in a second pass.
            startLeft(now);
            for (int i = pending.size(); i > 0; i--)
            {
                keep(pending.poll(), journaled);
            }
        }
        final Pending oldest = pending.peek();
        if (oldest != oldestBefore)
        {
            // The only moment the delay falls: note how low, for admission (the scan's clock: when they were answered).
            lowestDelayNs = Math.min(lowestDelayNs, oldest == null ? 0 : now - oldest.sinceNs);
        }
        if (heldForRoom)
        {
            awaitRoom();
        }
        final long lowest = lowestLeft;
        final long earliestDeadlineNs = earliestDeadlineLeftNs;
        lowestPending = lowest;
        if (anyLeft && !deadlineScheduled)
        {
            deadlineScheduled = true;
            loop.schedule(deadlineCheck, Math.max(0, earliestDeadlineNs - now), TimeUnit.NANOSECONDS);
        }
        if (lowest != NONE)
        {
            recheck(lowest);
        }
    }

    /** Starts a scan's tally of the answers left: none yet. */
    private void startLeft(final long now)
    {
        anyLeft = false;
        lowestLeft = NONE;
        earliestDeadlineLeftNs = now;
    }

    /**
     * Puts an answer back in the queue and in the tally: the earliest deadline left and, for an answer still waiting
     * for the journal, the lowest position. One that is journaled and only held for room stays out of the lowest
     * position, which the journal thread's wake-ups compare with: it would wake the loop at once, again and again,
     * for an answer only room can release ({@link #awaitRoom} looks for that).
     */
    private void keep(final Pending p, final long journaled)
    {
        if (!anyLeft || p.deadlineNs - earliestDeadlineLeftNs < 0)
        {
            earliestDeadlineLeftNs = p.deadlineNs;
        }
        anyLeft = true;
        if (p.position > journaled)
        {
            lowestLeft = Math.min(lowestLeft, p.position);
        }
        pending.add(p);
    }

    /**
     * Turns {@code report} into the refusal for frames the journal did not confirm: 503 {@code journal_failed} if
     * the journal stage has stopped for good, else 503 {@code ack_timeout} with {@code timeoutMessage}; counted.
     */
    static void refuseUnjournaled(final IngestReport report, final TelemetryPipeline pipeline,
        final GatewayCounters counters, final String timeoutMessage)
    {
        final Throwable failure = pipeline.journalFailure().orElse(null);
        final RejectReason reason = failure == null ? RejectReason.ACK_TIMEOUT : RejectReason.JOURNAL_FAILED;
        counters.rejected(reason);
        report.retryAfterS = failure == null ? 1 : JournalAdmission.FULL_RETRY_AFTER_S;
        report.refuse(503, reason, failure == null ? timeoutMessage : "the frames are in the ring but the journal " +
            "stage has stopped (" + failure.getMessage() + "); they were not journaled");
    }

    private void complete(final Completion completion, final boolean journaled)
    {
        try
        {
            completion.onComplete(journaled);
        }
        catch (final RuntimeException ex)
        {
            counters.ackCallbackFailures.increment();
            LOG.error("an answer's journal-ack callback failed (journaled={}); the answers after it go on", journaled,
                ex);
        }
    }
}
