package io.pitgun.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.dsl.ProducerType;

/**
 * The body both slot-reuse stress tests share ({@link SlotReuseOneProducerStress},
 * {@link SlotReuseSeveralProducersStress}); they differ only in the ring's producer type. Sequence 0 is journaled
 * at index 100 in a ring of two slots. {@link #claimAndResetNextSlot()} claims sequence 2 (the same slot), resets it
 * and writes a replayed message's journal index (999) before publishing, as {@code publishReplayed} does;
 * {@link #journalIndexOfFirst()} asks for sequence 0's index meanwhile, which must be 100 or -1 (slot reused),
 * never the later message's 999 or the reset value.
 */
abstract class SlotReuseScenario
{
    private static final SlotDescriptor DESCRIPTOR = new SlotDescriptor(64, 0);

    private final RingBuffer<FrameSlot> ring;
    private final Sequence journaled = new Sequence(-1);
    private final ClaimedSequence claimed;
    private final JournalIndexLookup lookup;

    SlotReuseScenario(final ProducerType producerType)
    {
        ring = new SlotRing(2, DESCRIPTOR, producerType, new BlockingWaitStrategy()).ringBuffer();
        claimed = new ClaimedSequence(ring, producerType == ProducerType.SINGLE);
        // An empty history: past the slot's reuse the answer is -1 (JournalIndexHistoryStress tests the history).
        lookup = new JournalIndexLookup(ring, journaled, claimed, new JournalIndexHistory(1));
        for (int i = 0; i < 2; i++)
        {
            final long sequence = ring.next();
            claimed.onClaimed(sequence);
            ring.get(sequence).reset(SlotDescriptor.STATUS_READY);
            ring.get(sequence).journalIndex(100 + sequence);
            ring.publish(sequence);
        }
        journaled.set(1);
    }

    /** The producer's side: claims sequence 2 and rewrites the slot sequence 0 had. */
    final void claimAndResetNextSlot()
    {
        final long sequence = ring.next(); // 2: no consumer gates this ring, so it never waits
        claimed.onClaimed(sequence);
        final FrameSlot slot = ring.get(sequence);
        slot.reset(SlotDescriptor.STATUS_READY);
        slot.journalIndex(999);
    }

    /** The reader's side: sequence 0's journal index, or -1. */
    final long journalIndexOfFirst()
    {
        return lookup.journalIndexOf(0);
    }
}
