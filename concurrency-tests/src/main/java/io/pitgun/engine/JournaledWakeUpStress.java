package io.pitgun.engine;

import com.lmax.disruptor.Sequence;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.invoke.VarHandle;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The wake-up contract of {@link JournaledListener}: the journal stage stores the journaled sequence (release) and
 * calls its listeners after a full fence; a waiter publishes its interest (volatile), fences, then reads the
 * sequence (what the gateway's {@code JournalAckWaiter} does). Whichever goes second must see the other: a waiter
 * that missed the advance must be seen by the listener, or its answer waits for a wake-up that never comes.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "both saw each other")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the listener wakes the waiter")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the waiter's re-check sees the advance")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up")
@State
public class JournaledWakeUpStress
{
    private final Sequence journaled = new Sequence(-1);
    private final JournaledListeners listeners = new JournaledListeners();
    private final StageErrors errors = new StageErrors(new PipelineCounters(), (stage, error) -> { });
    private volatile long interestedFrom = Long.MAX_VALUE;
    private int listenerSawInterest;

    public JournaledWakeUpStress()
    {
        listeners.add(sequence -> listenerSawInterest = sequence >= interestedFrom ? 1 : 0);
    }

    @Actor
    public void journalStage(final II_Result r)
    {
        journaled.set(0); // as JournalStage.done: a release store
        listeners.onJournaled(0, errors);
        r.r1 = listenerSawInterest;
    }

    @Actor
    public void waiter(final II_Result r)
    {
        interestedFrom = 0;
        VarHandle.fullFence();
        r.r2 = journaled.get() >= 0 ? 1 : 0;
    }
}
