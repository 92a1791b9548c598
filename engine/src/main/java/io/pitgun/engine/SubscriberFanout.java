package io.pitgun.engine;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Hands every output to the subscribers in O(1), whatever their number: one write into the shared broadcast buffer
 * of each stream that has subscribers ({@link SubscriberBroadcast}) — derived frames and insights for full
 * subscribers, insights alone for {@link TelemetryPipeline#subscribeToInsights} — instead of one queue per
 * subscriber. The processing thread never looks at the subscribers themselves; subscribe and unsubscribe (rare, any
 * thread) only change a stream's subscriber count.
 */
final class SubscriberFanout implements OutputSink
{
    private final PipelineCounters counters;
    private final SubscriberBroadcast everything;
    private final SubscriberBroadcast insights;
    private final List<Subscription> open = new ArrayList<>();

    /** Two streams (everything, insights) of {@link #bufferBytes(PipelineConfig)} each. */
    SubscriberFanout(final PipelineConfig config, final PipelineCounters counters)
    {
        this.counters = counters;
        everything = new SubscriberBroadcast(bufferBytes(config));
        insights = new SubscriberBroadcast(bufferBytes(config));
    }

    /**
     * The shared broadcast buffer of a stream: {@code subscriber_buffer_bytes}, and at least large enough to carry
     * the largest frame (a broadcast record is at most an eighth of the buffer).
     */
    static int bufferBytes(final PipelineConfig config)
    {
        final int forFrames = Integer.highestOneBit(Math.max(1, config.maxFrameBytes() * 8 - 1)) << 1;
        return Math.max(config.subscriberBufferBytes(), forFrames);
    }

    /**
     * A new subscriber to everything, or to insights alone ({@link TelemetryPipeline#subscribe},
     * {@link TelemetryPipeline#subscribeToInsights}). Any thread.
     */
    Subscription subscribe(final String subscriberName, final boolean insightsOnly)
    {
        final Subscription subscription = new Subscription(subscriberName, this, counters,
            insightsOnly ? insights : everything, insightsOnly);
        add(subscription);
        return subscription;
    }

    private synchronized void add(final Subscription subscription)
    {
        open.add(subscription);
    }

    /** Called by {@link Subscription#close()}. */
    synchronized void remove(final Subscription subscription)
    {
        if (open.remove(subscription))
        {
            subscription.broadcast().leave();
        }
    }

    @Override
    public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!everything.transmit(Subscription.DERIVED_FRAME, buffer, offset, length))
        {
            // Atomic: cold, and right whichever thread emits.
            counters.incrementShared(PipelineCounter.OUTPUTS_TOO_LONG);
        }
    }

    @Override
    public void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
        // Both streams, whichever refuses it (non-short-circuit &): the output counts once.
        if (!(everything.transmit(Subscription.INSIGHT, buffer, offset, length) &
            insights.transmit(Subscription.INSIGHT, buffer, offset, length)))
        {
            // Atomic: cold, and right whichever thread emits.
            counters.incrementShared(PipelineCounter.OUTPUTS_TOO_LONG);
        }
    }

    /** The longest output its streams carry (an eighth of {@link #bufferBytes}). */
    int maxOutputBytes()
    {
        return everything.maxLength();
    }

    /** Subscriptions open now (not closed by their owner). */
    synchronized int openSubscriptions()
    {
        return open.size();
    }

    /** Records the processing thread wrote into the shared buffers so far: one per output per stream, never per
     *  subscriber. */
    long recordsTransmitted()
    {
        return everything.sequence() + insights.sequence();
    }

    /** Marks every open subscriber ended; the pipeline has stopped. The buffers stay readable for what is in them. */
    @Override
    public synchronized void close()
    {
        for (final Subscription subscription : open)
        {
            subscription.markEnded();
        }
    }
}
