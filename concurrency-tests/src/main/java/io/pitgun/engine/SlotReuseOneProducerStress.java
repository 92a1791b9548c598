package io.pitgun.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.dsl.ProducerType;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Sequence 0 is journaled at index 100 in a ring of two slots. A producer claims sequence 2 (the same slot), resets
 * it and writes a replayed message's journal index (999) before publishing, as {@code publishReplayed} does. A
 * reader asking for sequence 0 meanwhile must get 100 or -1 (slot reused), never the later message's 999 or the
 * reset value. Here with one producer: the single-producer sequencer moves its cursor only on publish, so the claim itself must be published first ({@link ClaimedSequence}).
 */
@JCStressTest
@Outcome(id = "100", expect = ACCEPTABLE, desc = "read before the slot was reused")
@Outcome(id = "-1", expect = ACCEPTABLE, desc = "the reuse was seen: no answer")
@Outcome(id = "999", expect = FORBIDDEN, desc = "answered with the later message's index")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class SlotReuseOneProducerStress
{
    private static final SlotDescriptor DESCRIPTOR = new SlotDescriptor(64, 0);

    private final RingBuffer<FrameSlot> ring =
        new SlotRing(2, DESCRIPTOR, ProducerType.SINGLE, new BlockingWaitStrategy()).ringBuffer();
    private final Sequence journaled = new Sequence(-1);
    private final ClaimedSequence claimed = new ClaimedSequence(ring, true);
    private final JournalIndexLookup lookup = new JournalIndexLookup(ring, journaled, claimed);

    public SlotReuseOneProducerStress()
    {
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

    @Actor
    public void producer()
    {
        final long sequence = ring.next(); // 2: no consumer gates this ring, so it never waits
        claimed.onClaimed(sequence);
        final FrameSlot slot = ring.get(sequence);
        slot.reset(SlotDescriptor.STATUS_READY);
        slot.journalIndex(999);
    }

    @Actor
    public void reader(final J_Result r)
    {
        r.r1 = lookup.journalIndexOf(0);
    }
}
