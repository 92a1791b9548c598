package io.pitgun.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * Why a counter with two writers must never use {@link PipelineCounters#increment} (a plain read and a release
 * store, correct for one writer only): mixed with an atomic add on another thread, an increment can be lost.
 * {@code DROPPED_UNDECODABLE} was written this way before issue #12; this test shows the lost update it allowed.
 */
@JCStressTest
@Outcome(id = "2", expect = ACCEPTABLE, desc = "both increments counted")
@Outcome(id = "1", expect = ACCEPTABLE_INTERESTING, desc = "lost update: the single-writer store overwrote the add")
@State
public class MixedCounterWritersStress
{
    private final PipelineCounters counters = new PipelineCounters();

    @Actor
    public void singleWriterStore()
    {
        counters.increment(PipelineCounter.STAGE_ERRORS);
    }

    @Actor
    public void atomicAdd()
    {
        counters.incrementShared(PipelineCounter.STAGE_ERRORS);
    }

    @Arbiter
    public void arbiter(final J_Result r)
    {
        r.r1 = counters.get(PipelineCounter.STAGE_ERRORS);
    }
}
