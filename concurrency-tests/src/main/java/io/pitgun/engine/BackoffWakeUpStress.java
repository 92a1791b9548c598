package io.pitgun.engine;

import com.lmax.disruptor.Sequence;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The wake-up handshake of {@link BackoffWaitStrategy} with a single producer, whose publish is one release store of
 * the cursor (the Disruptor's {@code SingleProducerSequencer.publish}) followed by {@code signalAllWhenBlocking}:
 * a stage about to park registers itself ({@link BackoffWaitStrategy#registerSleeper}), then looks at the cursor
 * once more; the producer, after its store, asks whether anyone may be asleep
 * ({@link BackoffWaitStrategy#mayBeAsleep}). Whichever goes second must see the other: a stage that missed the
 * publish must be seen by the producer, or it sleeps out its whole park with a frame waiting (up to 2 ms).
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "both saw each other")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the producer wakes the stage")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the stage's last look sees the publish")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: the stage parks with a frame published")
@State
public class BackoffWakeUpStress
{
    private final Sequence cursor = new Sequence(-1);
    private final BackoffWaitStrategy strategy = new BackoffWaitStrategy();

    @Actor
    public void producer(final II_Result r)
    {
        cursor.set(0); // as SingleProducerSequencer.publish: a release store
        r.r1 = strategy.mayBeAsleep() ? 1 : 0;
    }

    @Actor
    public void stage(final II_Result r)
    {
        strategy.registerSleeper();
        r.r2 = cursor.get() >= 0 ? 1 : 0;
    }
}
