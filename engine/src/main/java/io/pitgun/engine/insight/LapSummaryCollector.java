package io.pitgun.engine.insight;

import io.pitgun.engine.BoundedAgentRunner;
import io.pitgun.engine.Subscription;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Collects the {@code lap_summary} insights of a pipeline subscription on a thread of its own: a
 * {@link LapSummaryAgent} run by a {@link BoundedAgentRunner} that sleeps a millisecond when a poll finds nothing
 * (a person reads the result; latency does not matter). A failure of the agent (an unreadable insight, or anything
 * its duty cycle throws) goes to this collector's error handler, which counts it and keeps the first for {@link #awaitLaps} to report. Usage:
 * {@code start()}, let the pipeline end (shut the gateway down), then {@code awaitLaps(timeout, unit)}.
 */
public final class LapSummaryCollector
{
    private final LapSummaryAgent agent;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private volatile BoundedAgentRunner runner;

    /** @param subscription the pipeline subscription to read; the collector closes it. */
    public LapSummaryCollector(final Subscription subscription)
    {
        agent = new LapSummaryAgent(subscription, this::onError);
    }

    /** Starts the agent on a daemon thread named after its role. */
    public void start()
    {
        runner = BoundedAgentRunner.start(agent, new SleepingMillisIdleStrategy(1), this::onError, task ->
        {
            final Thread thread = new Thread(task, agent.roleName());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Waits for the pipeline's end (call after the gateway shut down), stops the agent and returns the laps in
     * arrival order.
     *
     * @param timeout how long to wait at most.
     * @param unit    its unit.
     * @return the laps.
     * @throws IllegalStateException when the end did not come in time, the subscriber fell behind and was dropped,
     *                               or an insight was unreadable.
     * @throws InterruptedException  when interrupted while waiting.
     */
    public List<LapSummary> awaitLaps(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final boolean finished = agent.finished().await(timeout, unit);
        final BoundedAgentRunner started = runner;
        if (started != null)
        {
            started.close(BoundedAgentRunner.DEFAULT_CLOSE_TIMEOUT_NS); // bounded: a stuck agent is left, a daemon
        }
        if (!finished)
        {
            throw new IllegalStateException("the lap summaries did not arrive within " + timeout + " " + unit);
        }
        final Throwable error = firstError.get();
        if (error != null)
        {
            throw new IllegalStateException(error.getMessage() + (errors.get() > 1 ?
                " (and " + (errors.get() - 1) + " more error(s))" : ""), error);
        }
        if (agent.problem() != null)
        {
            throw new IllegalStateException(agent.problem());
        }
        return agent.laps();
    }

    /** Failures surfaced by {@link #awaitLaps}: how many the agent's duty cycle has thrown so far. */
    public long errorCount()
    {
        return errors.get();
    }

    private void onError(final Throwable error)
    {
        errors.incrementAndGet();
        firstError.compareAndSet(null, error);
    }
}
