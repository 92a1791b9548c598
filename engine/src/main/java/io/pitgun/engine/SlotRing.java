package io.pitgun.engine;

import com.lmax.disruptor.EventFactory;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.ProducerType;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The Disruptor ring of off-heap slots: one cache-line aligned direct allocation of {@code capacity * slotBytes}
 * bytes, cut into fixed {@link FrameSlot} views that the ring pre-allocates as its entries.
 */
public final class SlotRing implements AutoCloseable
{
    private final SlotDescriptor descriptor;
    private final ByteBuffer memory;
    private final RingBuffer<FrameSlot> ringBuffer;

    /**
     * @param capacity     number of slots, a power of two.
     * @param descriptor   slot layout.
     * @param producerType single or multi producer.
     * @param waitStrategy how consumers wait.
     */
    public SlotRing(final int capacity, final SlotDescriptor descriptor, final ProducerType producerType,
        final WaitStrategy waitStrategy)
    {
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        this.descriptor = descriptor;
        if (capacity > descriptor.largestCapacity())
        {
            // PipelineConfig refuses such a channel_capacity for slots without derived channels; the manifest's
            // derived channels widen the slots, so a ring near the bound can still be refused here.
            throw new IllegalArgumentException("ring of " + capacity + " slots of " + descriptor.slotBytes() +
                " bytes exceeds 2 GiB: channel_capacity at most " + descriptor.largestCapacity() +
                " with these slots; lower channel_capacity or max_frame_bytes");
        }
        memory = BufferUtil.allocateDirectAligned(capacity * descriptor.slotBytes(), BitUtil.CACHE_LINE_LENGTH);
        ringBuffer = RingBuffer.create(producerType, new SlotFactory(memory, descriptor), capacity, waitStrategy);
    }

    /** The Disruptor ring. */
    public RingBuffer<FrameSlot> ringBuffer()
    {
        return ringBuffer;
    }

    /** The slot layout. */
    public SlotDescriptor descriptor()
    {
        return descriptor;
    }

    /**
     * Releases the ring. The memory itself is left to the garbage collector (it goes with the last slot view):
     * freeing it explicitly would crash a producer that still holds a claimed slot while the pipeline closes.
     */
    @Override
    public void close()
    {
    }

    /** Bytes of off-heap memory the slots use. */
    public long memoryBytes()
    {
        return memory.capacity();
    }

    /** The ring fills its entries in order 0..capacity-1, so a counter gives each its slot. */
    private static final class SlotFactory implements EventFactory<FrameSlot>
    {
        private final ByteBuffer memory;
        private final SlotDescriptor descriptor;
        private int next;

        SlotFactory(final ByteBuffer memory, final SlotDescriptor descriptor)
        {
            this.memory = memory;
            this.descriptor = descriptor;
        }

        @Override
        public FrameSlot newInstance()
        {
            final int slotBytes = descriptor.slotBytes();
            final FrameSlot slot = new FrameSlot(new UnsafeBuffer(memory, next * slotBytes, slotBytes), descriptor);
            slot.reset(SlotDescriptor.STATUS_REJECTED);
            next++;
            return slot;
        }
    }
}
