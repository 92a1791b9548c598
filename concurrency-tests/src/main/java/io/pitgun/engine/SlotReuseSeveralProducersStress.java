package io.pitgun.engine;

import com.lmax.disruptor.dsl.ProducerType;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A reader asking for a slot's journal index while a producer reuses the slot gets the old index or -1, never the
 * new message's ({@link SlotReuseScenario}). Here with several producers: the multi-producer sequencer's cursor moves on claim.
 */
@JCStressTest
@Outcome(id = "100", expect = ACCEPTABLE, desc = "read before the slot was reused")
@Outcome(id = "-1", expect = ACCEPTABLE, desc = "the reuse was seen: no answer")
@Outcome(id = "999", expect = FORBIDDEN, desc = "answered with the later message's index")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class SlotReuseSeveralProducersStress extends SlotReuseScenario
{
    public SlotReuseSeveralProducersStress()
    {
        super(ProducerType.MULTI);
    }

    @Actor
    public void producer()
    {
        claimAndResetNextSlot();
    }

    @Actor
    public void reader(final J_Result r)
    {
        r.r1 = journalIndexOfFirst();
    }
}
