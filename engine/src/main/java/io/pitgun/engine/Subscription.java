package io.pitgun.engine;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.broadcast.BroadcastReceiver;

/**
 * One in-process subscriber to a pipeline's output (the gateway fans these out over WebSocket). Subscribers share
 * one bounded broadcast buffer per stream ({@code subscriber_buffer_bytes}; derived frames and insights, or
 * insights alone): the processing thread writes each output once, whatever the number of subscribers, and never
 * waits; each subscriber reads at its own pace. A subscriber that falls more than the buffer behind is dropped —
 * it stops receiving, {@link #isDropped()} turns true and the pipeline's {@code SUBSCRIBERS_DROPPED} counter counts
 * it — so a slow subscriber never slows the pipeline. A subscription holds no queue of its own (a read cursor and a
 * copy buffer as large as the largest output it received), so it costs nothing while idle and its memory goes with
 * it.
 *
 * <p>The consumer loop, on one thread of the subscriber's own:
 * <pre>{@code
 * while (!subscription.isClosed()) {
 *     int n = subscription.poll(handler, 100);
 *     if (n == 0 && subscription.isDropped()) { disconnect the client; subscription.close(); }
 *     idle(n);
 * }
 * }</pre>
 */
public final class Subscription implements AutoCloseable
{
    /** Kind of a derived frame in the broadcast. */
    static final int DERIVED_FRAME = 1;
    /** Kind of an insight in the broadcast. */
    static final int INSIGHT = 2;

    private final String name;
    private final SubscriberFanout fanout;
    private final PipelineCounters counters;
    private final boolean insightsOnly;
    private final SubscriberBroadcast broadcast;
    private final BroadcastReceiver receiver;
    private final ExpandableArrayBuffer copy = new ExpandableArrayBuffer(1024);
    private final int startSequenceBits;
    private final long gapsAtStart;
    private long lappedCount;
    private boolean started;
    private volatile boolean dropped;
    /** Set before {@link #dropped} when it was dropped for an output too long to broadcast: that output's length. */
    private volatile int missedLength;
    private volatile boolean closed;
    private volatile boolean ended;

    Subscription(final String name, final SubscriberFanout fanout, final PipelineCounters counters,
        final SubscriberBroadcast broadcast, final boolean insightsOnly)
    {
        this.name = name;
        this.fanout = fanout;
        this.counters = counters;
        this.insightsOnly = insightsOnly;
        this.broadcast = broadcast;
        this.receiver = broadcast.join();
        // Read after joining: every record with this sequence or a later one was written after the receiver was
        // placed, so it will see them; the one record it may see from before is skipped.
        this.startSequenceBits = (int)(broadcast.sequence() & SubscriberBroadcast.SEQUENCE_MASK);
        this.gapsAtStart = broadcast.gaps();
        this.lappedCount = receiver.lappedCount();
    }

    /** The name given at subscribe time (for logs and metrics). */
    public String name()
    {
        return name;
    }

    /**
     * Delivers up to {@code limit} outputs to {@code handler}, in order. Returns 0 once the subscriber is dropped.
     *
     * @return the number delivered.
     */
    public int poll(final SubscriptionHandler handler, final int limit)
    {
        if (closed || dropped)
        {
            return 0;
        }
        int delivered = 0;
        while (delivered < limit && receiver.receiveNext())
        {
            // The gap first: an output too long is the cause whatever this subscriber's pace.
            if (broadcast.gaps() != gapsAtStart)
            {
                dropMissingTooLong();
                return delivered;
            }
            if (receiver.lappedCount() != lappedCount)
            {
                drop();
                return delivered;
            }
            final int typeId = receiver.typeId();
            final int length = receiver.length();
            // The writer may have overwritten the record since receiveNext() checked it, header included: its length
            // is then any bytes at all, and copying that many would throw out of poll (which, in a gateway's
            // periodic task, stopped it for good without a word). A length no record can have is such an overwrite.
            if (length < 0 || length > receiver.capacity() - receiver.offset())
            {
                drop();
                return delivered;
            }
            copy.putBytes(0, receiver.buffer(), receiver.offset(), length);
            // The writer may have overwritten the record while it was copied: then this subscriber is too slow.
            if (!receiver.validate())
            {
                drop();
                return delivered;
            }
            if (!started)
            {
                final int behind = (SubscriberBroadcast.sequenceBits(typeId) - startSequenceBits) &
                    SubscriberBroadcast.SEQUENCE_MASK;
                if (behind > SubscriberBroadcast.SEQUENCE_MASK >>> 1)
                {
                    continue; // written before this subscription began
                }
                started = true;
            }
            if (SubscriberBroadcast.kind(typeId) == DERIVED_FRAME)
            {
                handler.onDerivedFrame(copy, 0, length);
            }
            else
            {
                handler.onInsight(copy, 0, length);
            }
            delivered++;
        }
        // An output too long to broadcast is not in the buffer, so no record read above need follow it (the last
        // summaries of a run, an insights-only manifest): the count of such outputs tells of it on its own.
        if (broadcast.gaps() != gapsAtStart)
        {
            dropMissingTooLong();
        }
        return delivered;
    }

    /** True for a subscription to insights alone ({@link TelemetryPipeline#subscribeToInsights}). */
    public boolean isInsightsOnly()
    {
        return insightsOnly;
    }

    /**
     * True once the subscriber was dropped: it fell behind (more than the shared buffer), or an output was too long
     * for the buffer to carry ({@link #missedOutputLength()}).
     */
    public boolean isDropped()
    {
        return dropped;
    }

    /**
     * When it was dropped because an output was too long for the shared buffer (not for being slow): that output's
     * length in bytes (the last such one's, if several); otherwise 0.
     */
    public int missedOutputLength()
    {
        return missedLength;
    }

    /** The longest output the shared buffer carries (an eighth of it, {@link TelemetryPipeline#maxOutputBytes()}). */
    public int maxOutputLength()
    {
        return broadcast.maxLength();
    }

    /** True once the pipeline closed: nothing more will be written (what is in the buffer can still be polled). */
    public boolean isEnded()
    {
        return ended;
    }

    /** True after {@link #close()}. */
    public boolean isClosed()
    {
        return closed;
    }

    /** Unsubscribes; its cursor and copy buffer are garbage from now on. Idempotent. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            fanout.remove(this);
        }
    }

    SubscriberBroadcast broadcast()
    {
        return broadcast;
    }

    void markEnded()
    {
        ended = true;
    }

    private void dropMissingTooLong()
    {
        if (!dropped)
        {
            missedLength = broadcast.missedLength();
        }
        drop();
    }

    private void drop()
    {
        if (!dropped)
        {
            dropped = true;
            counters.incrementShared(PipelineCounter.SUBSCRIBERS_DROPPED);
        }
    }
}
