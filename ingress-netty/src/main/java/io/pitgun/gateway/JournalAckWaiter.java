package io.pitgun.gateway;

import io.netty.channel.EventLoop;
import io.pitgun.engine.TelemetryPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Completes answers once their frames are journaled, without blocking the event loop: pending answers wait in a
 * queue on their event loop, and a timer task there compares the pipeline's journaled sequence with each answer's
 * last ring position every {@value #POLL_US} µs while anything is pending. An answer whose frames are not
 * journaled within the ack timeout gets its failure callback (503 {@code ack_timeout}); once the journal stage has
 * stopped for good every waiting answer gets it at once ({@link #refuseUnjournaled}: 503 {@code journal_failed})
 * instead of waiting out the timeout. One per event loop; every
 * method runs on that loop.
 * <p>
 * A callback that throws is logged and counted ({@code pitgun_gateway_ack_callback_failures_total}) and does not
 * keep the answers queued after it from being completed: each callback runs on its own, and the poll is
 * rescheduled whatever happens.
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

    private static final Logger LOG = LoggerFactory.getLogger(JournalAckWaiter.class);

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
    private final GatewayCounters counters;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Runnable poll = this::poll;
    private boolean scheduled;

    JournalAckWaiter(final EventLoop loop, final TelemetryPipeline pipeline, final long timeoutNs,
        final GatewayCounters counters)
    {
        this.counters = counters;
        this.loop = loop;
        this.pipeline = pipeline;
        this.timeoutNs = timeoutNs;
    }

    /** Calls {@code completion} once ring position {@code position} is journaled (at once if it already is). */
    void await(final long position, final Completion completion)
    {
        if (position < 0 || pipeline.isJournaled(position))
        {
            complete(completion, true);
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

    /** Answers waiting (for tests and diagnostics). */
    int pendingCount()
    {
        return pending.size();
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
        try
        {
            final long journaled = pipeline.journaledSequence();
            final long now = System.nanoTime();
            final boolean journalFailed = pipeline.journalFailure().isPresent();
            // Positions grow in publish order on one loop, but duplicates can wait on older ones: scan them all.
            for (int i = pending.size(); i > 0; i--)
            {
                final Pending p = pending.poll();
                if (p.position <= journaled)
                {
                    complete(p.completion, true);
                }
                else if (journalFailed || now - p.deadlineNs > 0)
                {
                    complete(p.completion, false);
                }
                else
                {
                    pending.add(p);
                }
            }
        }
        finally
        {
            if (!pending.isEmpty() && !scheduled)
            {
                scheduled = true;
                loop.schedule(poll, POLL_US, TimeUnit.MICROSECONDS);
            }
        }
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
