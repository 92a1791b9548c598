package io.pitgun.gateway;

import io.netty.channel.EventLoop;
import io.pitgun.engine.TelemetryPipeline;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Completes answers once their frames are journaled, without blocking the event loop: pending answers wait in a
 * queue on their event loop, and a timer task there compares the pipeline's journaled sequence with each answer's
 * last ring position every {@value #POLL_US} µs while anything is pending. An answer whose frames are not
 * journaled within the ack timeout gets its failure callback (503 {@code ack_timeout}). One per event loop; every
 * method runs on that loop.
 */
final class JournalAckWaiter
{
    /** How often pending answers are checked. */
    static final long POLL_US = 200;

    /** What to do when the wait ends. */
    interface Completion
    {
        void onComplete(boolean journaled);
    }

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

    private final EventLoop loop;
    private final TelemetryPipeline pipeline;
    private final long timeoutNs;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Runnable poll = this::poll;
    private boolean scheduled;

    JournalAckWaiter(final EventLoop loop, final TelemetryPipeline pipeline, final long timeoutNs)
    {
        this.loop = loop;
        this.pipeline = pipeline;
        this.timeoutNs = timeoutNs;
    }

    /** Calls {@code completion} once ring position {@code position} is journaled (at once if it already is). */
    void await(final long position, final Completion completion)
    {
        if (position < 0 || pipeline.isJournaled(position))
        {
            completion.onComplete(true);
            return;
        }
        final long nowNs = System.nanoTime();
        pending.add(new Pending(position, nowNs, nowNs + timeoutNs, completion));
        if (!scheduled)
        {
            scheduled = true;
            loop.schedule(poll, POLL_US, TimeUnit.MICROSECONDS);
        }
    }

    /**
     * How long the oldest answer still waiting has waited at {@code nowNs} (0 when none waits): the queueing delay
     * of this loop's journaled answers. The queue stays in arrival order (the poll rotates it whole), so the
     * oldest is at its head: O(1).
     */
    long oldestWaitNs(final long nowNs)
    {
        final Pending oldest = pending.peek();
        return oldest == null ? 0 : nowNs - oldest.sinceNs;
    }

    private void poll()
    {
        scheduled = false;
        final long journaled = pipeline.journaledSequence();
        final long now = System.nanoTime();
        // Positions grow in publish order on one loop, but duplicates can wait on older ones: scan them all.
        for (int i = pending.size(); i > 0; i--)
        {
            final Pending p = pending.poll();
            if (p.position <= journaled)
            {
                p.completion.onComplete(true);
            }
            else if (now - p.deadlineNs > 0)
            {
                p.completion.onComplete(false);
            }
            else
            {
                pending.add(p);
            }
        }
        if (!pending.isEmpty())
        {
            scheduled = true;
            loop.schedule(poll, POLL_US, TimeUnit.MICROSECONDS);
        }
    }
}
