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
 * With several producers, {@code FRAMES_ACCEPTED} takes one {@link PipelineCounters#addShared} per batch
 * ({@code RingPublisher.tryPublishBatch}) beside single-frame increments from other producers: no frame is lost.
 */
@JCStressTest
@Outcome(id = "6", expect = ACCEPTABLE, desc = "the batch of five and the single frame counted")
@Outcome(expect = FORBIDDEN, desc = "a count was lost")
@State
public class SharedCounterBatchAddStress
{
    private final PipelineCounters counters = new PipelineCounters();

    @Actor
    public void batchProducer()
    {
        counters.addShared(PipelineCounter.FRAMES_ACCEPTED, 5);
    }

    @Actor
    public void frameProducer()
    {
        counters.addShared(PipelineCounter.FRAMES_ACCEPTED, 1);
    }

    @Arbiter
    public void arbiter(final J_Result r)
    {
        r.r1 = counters.get(PipelineCounter.FRAMES_ACCEPTED);
    }
}
