package io.pitgun.engine;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Offers every output to every subscriber without waiting. The subscriber list is copy-on-write: subscribe and
 * unsubscribe (rare, any thread) publish a new array through a volatile field, which the processing thread reads
 * once per output.
 */
final class SubscriberFanout implements OutputSink
{
    private static final Subscription[] NONE = new Subscription[0];

    private final PipelineCounters counters;
    private final List<Subscription> everSubscribed = new ArrayList<>();
    private volatile Subscription[] subscribers = NONE;

    SubscriberFanout(final PipelineCounters counters)
    {
        this.counters = counters;
    }

    synchronized void add(final Subscription subscription)
    {
        final Subscription[] current = subscribers;
        final Subscription[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = subscription;
        subscribers = next;
        everSubscribed.add(subscription);
    }

    synchronized void remove(final Subscription subscription)
    {
        final Subscription[] current = subscribers;
        int found = -1;
        for (int i = 0; i < current.length; i++)
        {
            if (current[i] == subscription)
            {
                found = i;
                break;
            }
        }
        if (found < 0)
        {
            return;
        }
        final Subscription[] next = new Subscription[current.length - 1];
        System.arraycopy(current, 0, next, 0, found);
        System.arraycopy(current, found + 1, next, found, current.length - found - 1);
        subscribers = next;
    }

    @Override
    public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        offer(Subscription.DERIVED_FRAME, buffer, offset, length);
    }

    @Override
    public void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
        offer(Subscription.INSIGHT, buffer, offset, length);
    }

    private void offer(final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        final Subscription[] current = subscribers;
        for (final Subscription subscription : current)
        {
            if (type == Subscription.DERIVED_FRAME && subscription.isInsightsOnly())
            {
                continue;
            }
            if (!subscription.offer(type, buffer, offset, length))
            {
                subscription.markDropped();
                remove(subscription);
                counters.increment(PipelineCounter.SUBSCRIBERS_DROPPED);
            }
        }
    }

    /** Marks every subscriber ended; the pipeline has stopped. Queue memory is left to the garbage collector,
     *  since a subscriber thread may still be polling what was queued. */
    @Override
    public synchronized void close()
    {
        subscribers = NONE;
        for (final Subscription subscription : everSubscribed)
        {
            subscription.markEnded();
        }
        everSubscribed.clear();
    }
}
