package io.pitgun.engine;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * One in-process subscriber to a pipeline's output (the gateway fans these out over WebSocket). Each has its own
 * bounded queue, an Agrona {@link OneToOneRingBuffer}: the processing thread offers every output without waiting,
 * and a subscriber whose queue is full is dropped — it stops receiving, {@link #isDropped()} turns true and the
 * pipeline's {@code SUBSCRIBERS_DROPPED} counter counts it — so a slow subscriber never slows the pipeline.
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
    /** Message type of a derived frame in the queue. */
    static final int DERIVED_FRAME = 1;
    /** Message type of an insight in the queue. */
    static final int INSIGHT = 2;

    private final String name;
    private final ByteBuffer memory;
    private final OneToOneRingBuffer queue;
    private final TelemetryPipeline pipeline;
    private final boolean insightsOnly;
    private final MessageHandler dispatcher = this::dispatch;
    private SubscriptionHandler handler;
    private volatile boolean dropped;
    private volatile boolean closed;
    private volatile boolean ended;

    Subscription(final String name, final int capacityBytes, final TelemetryPipeline pipeline,
        final boolean insightsOnly)
    {
        this.name = name;
        this.pipeline = pipeline;
        this.insightsOnly = insightsOnly;
        memory = BufferUtil.allocateDirectAligned(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH, 64);
        queue = new OneToOneRingBuffer(new UnsafeBuffer(memory));
    }

    /** The name given at subscribe time (for logs and metrics). */
    public String name()
    {
        return name;
    }

    /**
     * Delivers up to {@code limit} queued outputs to {@code handler}.
     *
     * @return the number delivered.
     */
    public int poll(final SubscriptionHandler handler, final int limit)
    {
        if (closed)
        {
            return 0;
        }
        this.handler = handler;
        return queue.read(dispatcher, limit);
    }

    /** True for a subscription to insights alone ({@link TelemetryPipeline#subscribeToInsights}). */
    public boolean isInsightsOnly()
    {
        return insightsOnly;
    }

    /** True once the subscriber fell behind and was dropped; what was queued before can still be polled. */
    public boolean isDropped()
    {
        return dropped;
    }

    /** True once the pipeline closed: nothing more will be queued (what was queued can still be polled). */
    public boolean isEnded()
    {
        return ended;
    }

    /** True after {@link #close()}. */
    public boolean isClosed()
    {
        return closed;
    }

    /** Unsubscribes; nothing more is queued. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            pipeline.unsubscribe(this);
        }
    }

    /** Called by the processing thread; false when the queue is full. */
    boolean offer(final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        return queue.write(type, buffer, offset, length);
    }

    void markDropped()
    {
        dropped = true;
    }

    void markEnded()
    {
        ended = true;
    }

    private void dispatch(final int type, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (type == DERIVED_FRAME)
        {
            handler.onDerivedFrame(buffer, offset, length);
        }
        else
        {
            handler.onInsight(buffer, offset, length);
        }
    }
}
