package io.pitgun.engine;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The duty-cycle runner: failures reach the error handler and the agent carries on; close is bounded. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BoundedAgentRunnerTest
{
    @Test
    void shouldReportEachFailureOfTheDutyCycleAndCarryOn() throws InterruptedException
    {
        final AtomicInteger cycles = new AtomicInteger();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final CountDownLatch closed = new CountDownLatch(1);
        final Agent failingEveryOtherCycle = new TestAgent(() ->
        {
            if (cycles.incrementAndGet() % 2 == 0)
            {
                throw new IllegalStateException("injected failure " + cycles.get());
            }
            return 1;
        }, closed);
        final BoundedAgentRunner runner = BoundedAgentRunner.start(failingEveryOtherCycle,
            new YieldingIdleStrategy(), errors::add, task -> new Thread(task, "test-failing-agent"));
        while (errors.size() < 3)
        {
            Thread.sleep(1);
        }
        assertTrue(runner.close(TimeUnit.SECONDS.toNanos(5)));
        assertTrue(closed.await(0, TimeUnit.SECONDS), "onClose ran");
        assertTrue(errors.get(0).getMessage().startsWith("injected failure"), errors.get(0).toString());
        assertTrue(cycles.get() > 2 * 3 - 1, "it carried on after each failure: " + cycles.get());
        assertFalse(runner.thread().isAlive());
        assertEquals("test-failing-agent", runner.thread().getName());
    }

    @Test
    void shouldBackOffAfterAFailingDutyCycleAsAfterAnIdleOne() throws InterruptedException
    {
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger idles = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);
        final Agent alwaysFailing = new TestAgent(() ->
        {
            failures.incrementAndGet();
            throw new IllegalStateException("the same failure every cycle");
        }, closed);
        final IdleStrategy countingIdle = new IdleStrategy()
        {
            @Override
            public void idle(final int workCount)
            {
                if (workCount == 0)
                {
                    idles.incrementAndGet();
                    Thread.yield();
                }
            }

            @Override
            public void idle()
            {
                Thread.yield();
            }

            @Override
            public void reset()
            {
            }
        };
        final BoundedAgentRunner runner = BoundedAgentRunner.start(alwaysFailing, countingIdle, error -> { },
            Thread::new);
        while (failures.get() < 100)
        {
            Thread.sleep(1);
        }
        assertTrue(runner.close(TimeUnit.SECONDS.toNanos(5)));
        assertTrue(idles.get() >= failures.get() - 1, failures.get() + " failures, " + idles.get() + " back-offs");
    }

    @Test
    void shouldEndWithoutReportingAnErrorWhenTheAgentEndsItself() throws InterruptedException
    {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final CountDownLatch closed = new CountDownLatch(1);
        final BoundedAgentRunner runner = BoundedAgentRunner.start(new TestAgent(() ->
        {
            throw new AgentTerminationException("done");
        }, closed), new SleepingMillisIdleStrategy(1), errors::add, Thread::new);
        runner.thread().join();
        assertTrue(closed.await(0, TimeUnit.SECONDS), "onClose ran");
        assertEquals(List.of(), errors);
        assertTrue(runner.close(TimeUnit.SECONDS.toNanos(1)));
    }

    @Test
    void shouldGiveUpClosingAStuckAgentAtTheDeadline() throws InterruptedException
    {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        final BoundedAgentRunner runner = BoundedAgentRunner.start(new TestAgent(() ->
        {
            entered.countDown();
            // A duty cycle that ignores interrupts: what close() must not wait on for ever.
            while (release.getCount() > 0)
            {
                Thread.onSpinWait();
            }
            return 0;
        }, new CountDownLatch(1)), new YieldingIdleStrategy(), error -> { }, Thread::new);
        entered.await();
        final long start = System.nanoTime();
        assertFalse(runner.close(TimeUnit.MILLISECONDS.toNanos(300)), "abandoned");
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMs < 2_000, "close took " + tookMs + " ms for a 300 ms deadline");
        release.countDown();
        runner.thread().join();
    }

    /** A duty cycle given as a lambda; counts down {@code closed} in onClose. */
    private static final class TestAgent implements Agent
    {
        private final DutyCycle cycle;
        private final CountDownLatch closed;

        TestAgent(final DutyCycle cycle, final CountDownLatch closed)
        {
            this.cycle = cycle;
            this.closed = closed;
        }

        @Override
        public int doWork()
        {
            return cycle.doWork();
        }

        @Override
        public void onClose()
        {
            closed.countDown();
        }

        @Override
        public String roleName()
        {
            return "test";
        }
    }

    @FunctionalInterface
    private interface DutyCycle
    {
        int doWork();
    }
}
