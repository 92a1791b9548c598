package io.pitgun.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@code DROPPED_UNDECODABLE} has two writers: a producer refusing a message and the processing thread skipping an
 * undecodable slot. Both use {@link PipelineCounters#incrementShared}, so no increment is lost.
 */
@JCStressTest
@Outcome(id = "2", expect = ACCEPTABLE, desc = "both increments counted")
@Outcome(id = "1", expect = FORBIDDEN, desc = "an increment was lost")
@State
public class SharedCounterIncrementStress
{
    private final PipelineCounters counters = new PipelineCounters();

    @Actor
    public void processingThread()
    {
        counters.incrementShared(PipelineCounter.DROPPED_UNDECODABLE);
    }

    @Actor
    public void producer()
    {
        counters.incrementShared(PipelineCounter.DROPPED_UNDECODABLE);
    }

    @Arbiter
    public void arbiter(final J_Result r)
    {
        r.r1 = counters.get(PipelineCounter.DROPPED_UNDECODABLE);
    }
}
