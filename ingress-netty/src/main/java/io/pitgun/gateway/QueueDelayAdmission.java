package io.pitgun.gateway;

/**
 * Admission by queueing delay, after CoDel (Nichols and Jacobson, "Controlling Queue Delay"): a count bound alone
 * ({@code INGEST_QUEUE}) lets accepted requests wait seconds before it refuses anything, so requests are also
 * refused while the queue has a standing delay. The delay is the sojourn time of the oldest request awaiting its
 * journaled answer on this event loop ({@link JournalAckWaiter#oldestWaitNs}); once it has stayed above the target
 * ({@code QUEUE_DELAY_TARGET_MS}) for a whole interval ({@code QUEUE_DELAY_INTERVAL_MS}), new requests are answered
 * 503 {@code overload} with {@code Retry-After} at once, and admitted again as soon as it is back under the target.
 * A short burst (above the target for less than an interval) is let through, as CoDel lets it through.
 *
 * <pre>
 *   delay ≤ target (now, or at any moment since the last request) → forget any episode above target
 *   delay ≤ target                       → admit
 *   delay > target, no episode yet       → an episode began when the oldest passed the target: remember when
 *   delay > target since &lt; interval   → admit
 *   delay > target since ≥ interval      → refuse (503 overload)
 * </pre>
 * An episode is timed from when the delay crossed the target, not from the first request to see it above: else that
 * request and those of a whole interval after it were admitted, however long the delay had already stood.
 * The crossing is taken as the moment the oldest request passed the target; if an older one had already passed it,
 * with no dip under the target between, the episode began earlier still, so it is never taken to begin too early.
 * In {@code accepted} ack mode answers do not wait for the journal, so the delay is 0 and the ring's own bound
 * ({@code ring_full}) is what refuses. One per event loop, called on it: a flag and a long of state, no allocation.
 */
final class QueueDelayAdmission
{
    private final JournalAckWaiter waiter;
    private final long targetNs;
    private final long intervalNs;
    private boolean above;
    private long aboveSinceNs;

    QueueDelayAdmission(final JournalAckWaiter waiter, final long targetNs, final long intervalNs)
    {
        this.waiter = waiter;
        this.targetNs = targetNs;
        this.intervalNs = intervalNs;
    }

    /** True to admit a request arriving at {@code nowNs}; false to refuse it as overload. */
    boolean admit(final long nowNs)
    {
        if (waiter.takeLowestDelayNs() <= targetNs)
        {
            // Back under the target since the last request (its oldest answered): that episode ended. Without this,
            // an episode, a gap below the target and another episode between two requests were taken for one.
            above = false;
        }
        final long delayNs = waiter.oldestWaitNs(nowNs);
        if (delayNs <= targetNs)
        {
            above = false;
            return true;
        }
        if (!above)
        {
            above = true;
            // When the oldest passed the target (before, the time of this request: an episode a request noticed
            // late was timed from then, so a delay stood up to an interval longer than documented).
            aboveSinceNs = nowNs - (delayNs - targetNs);
        }
        return nowNs - aboveSinceNs < intervalNs;
    }

    /** The current queueing delay (for the refusal's message). */
    long delayNs(final long nowNs)
    {
        return waiter.oldestWaitNs(nowNs);
    }

    /** The target, for messages. */
    long targetNs()
    {
        return targetNs;
    }
}
