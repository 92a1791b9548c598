package io.pitgun.engine;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.broadcast.BroadcastReceiver;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;
import org.agrona.concurrent.broadcast.RecordDescriptor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One stream of outputs shared by all its subscribers: an Agrona broadcast buffer that the processing thread writes
 * once per output, whatever the number of subscribers, and that each subscriber reads at its own pace through a
 * {@link BroadcastReceiver} of its own (a few fields; no memory of its own beyond a copy buffer). A subscriber that
 * falls more than the buffer behind is lapped: the receiver notices, and the subscriber is dropped.
 *
 * <pre>
 *   processing thread ──transmit (one copy)──▶ [ broadcast buffer, capacity bytes ] ◀── receiver 1 (cursor)
 *                                                                                  ◀── receiver 2 (cursor) ...
 *   type id of each record: (sequence mod 2^29) << 2 | kind  — kind 1 derived frame, 2 insight; the sequence lets
 *   a new receiver skip what was transmitted before it subscribed
 * </pre>
 * The buffer is allocated on the first subscription and kept for the pipeline's life; nothing is transmitted while
 * nobody subscribes. An output longer than the buffer can carry ({@code capacity / 8}) cannot be broadcast: it
 * counts as a gap, and every subscriber that was to receive it is dropped rather than silently miss it.
 */
final class SubscriberBroadcast
{
    static final int SEQUENCE_MASK = (1 << 29) - 1;

    private static final VarHandle SUBSCRIBERS;
    private static final VarHandle SEQUENCE;
    private static final VarHandle GAPS;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            SUBSCRIBERS = lookup.findVarHandle(SubscriberBroadcast.class, "subscribers", int.class);
            SEQUENCE = lookup.findVarHandle(SubscriberBroadcast.class, "sequence", long.class);
            GAPS = lookup.findVarHandle(SubscriberBroadcast.class, "gaps", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final int capacityBytes;
    private volatile UnsafeBuffer buffer;
    private BroadcastTransmitter transmitter; // processing thread; created with the buffer it writes
    private int subscribers;
    private long sequence;
    private long gaps;
    /**
     * The longest output the buffer carries, {@link BroadcastTransmitter#maxMsgLength()}: known before the buffer and
     * its transmitter exist, so asked of Agrona's rule the transmitter applies rather than restated.
     */
    private final int maxLength;
    /** The length of the last output too long to carry; written before {@link #gaps}, so read after it. */
    private int missedLength;

    SubscriberBroadcast(final int capacityBytes)
    {
        this.capacityBytes = capacityBytes;
        this.maxLength = RecordDescriptor.calculateMaxMessageLength(capacityBytes);
    }

    /**
     * Called by the processing thread for every output of this stream: one copy into the buffer when anybody
     * subscribes, nothing otherwise. False when subscribers were to receive it but it is too long to carry.
     */
    boolean transmit(final int kind, final DirectBuffer source, final int offset, final int length)
    {
        if ((int)SUBSCRIBERS.getAcquire(this) == 0)
        {
            return true;
        }
        BroadcastTransmitter transmitter = this.transmitter;
        if (transmitter == null)
        {
            transmitter = this.transmitter = new BroadcastTransmitter(buffer);
        }
        if (length > maxLength)
        {
            missedLength = length;
            GAPS.setRelease(this, gaps + 1);
            return false;
        }
        final long next = sequence;
        transmitter.transmit((int)((next & SEQUENCE_MASK) << 2) | kind, source, offset, length);
        SEQUENCE.setRelease(this, next + 1);
        return true;
    }

    /**
     * A receiver for a new subscriber (any thread; the fanout serialises the calls). Records before
     * {@link #sequence()} as read before this call are the subscriber's to skip.
     */
    synchronized BroadcastReceiver join()
    {
        if (buffer == null)
        {
            // Published by the volatile write; the processing thread sees it once it sees a subscriber (below).
            buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                capacityBytes + BroadcastBufferDescriptor.TRAILER_LENGTH, 64));
        }
        SUBSCRIBERS.getAndAdd(this, 1);
        return new BroadcastReceiver(buffer);
    }

    /** A subscriber left. */
    void leave()
    {
        SUBSCRIBERS.getAndAdd(this, -1);
    }

    /** Records transmitted so far (acquire read). */
    long sequence()
    {
        return (long)SEQUENCE.getAcquire(this);
    }

    /** Outputs that could not be broadcast so far (acquire read). */
    long gaps()
    {
        return (long)GAPS.getAcquire(this);
    }

    /**
     * The length of the last output too long to carry; read after {@link #gaps()} showed one, it is that output's
     * or a later one's.
     */
    int missedLength()
    {
        return missedLength;
    }

    /** The longest output the buffer carries (Agrona's rule: an eighth of it). */
    int maxLength()
    {
        return maxLength;
    }

    /** Subscribers reading this stream now. */
    int subscribers()
    {
        return (int)SUBSCRIBERS.getAcquire(this);
    }

    /** True once the buffer exists (the first subscription allocates it). */
    boolean allocated()
    {
        return buffer != null;
    }

    /** Decodes the sequence bits of a record's type id. */
    static int sequenceBits(final int typeId)
    {
        return typeId >>> 2;
    }

    /** Decodes the kind of a record's type id. */
    static int kind(final int typeId)
    {
        return typeId & 3;
    }
}
