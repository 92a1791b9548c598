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
 * The journal stage writes a message's journal index into its slot, then advances the journaled sequence (release).
 * A reader that sees the sequence journaled must see that index, never the slot's previous one.
 */
@JCStressTest
@Outcome(id = "-1", expect = ACCEPTABLE, desc = "not journaled yet")
@Outcome(id = "42", expect = ACCEPTABLE, desc = "journaled, with its own index")
@Outcome(id = "7", expect = FORBIDDEN, desc = "acknowledged with the slot's previous journal index")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class JournaledIndexVisibilityStress
{
    private static final SlotDescriptor DESCRIPTOR = new SlotDescriptor(64, 0);

    private final RingBuffer<FrameSlot> ring =
        new SlotRing(2, DESCRIPTOR, ProducerType.MULTI, new BlockingWaitStrategy()).ringBuffer();
    private final Sequence journaled = new Sequence(-1);
    private final JournalIndexLookup lookup =
        new JournalIndexLookup(ring, journaled, new ClaimedSequence(ring, false), new JournalIndexHistory(1));

    public JournaledIndexVisibilityStress()
    {
        final long sequence = ring.next();
        ring.get(sequence).reset(SlotDescriptor.STATUS_READY);
        ring.get(sequence).journalIndex(7); // what an earlier message left in the slot
        ring.publish(sequence);
    }

    @Actor
    public void journalStage()
    {
        ring.get(0).journalIndex(42);
        journaled.set(0);
    }

    @Actor
    public void reader(final J_Result r)
    {
        r.r1 = lookup.journalIndexOf(0);
    }
}
