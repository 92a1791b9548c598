package io.pitgun.engine;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Runs one Agrona {@link Agent} on a thread of its own under an {@link AgentRunner} and an {@link IdleStrategy}, the
 * way every Pitgun duty cycle that is not a Disruptor stage runs (the journal pretoucher, the gateway's run-registry
 * poller): the agent's {@code doWork()} does a bounded amount of work and returns how much, the idle strategy backs
 * off on 0, and {@link #close(long)} ends it with a bounded wait.
 * <p>
 * Errors: whatever the duty cycle throws goes to the given {@link ErrorHandler}, which counts and reports it (the
 * pipeline's handler counts {@code STAGE_ERRORS} and keeps the first for {@code firstError()}, which
 * {@code GET /health} reports); the agent then carries on with its next duty cycle, after the idle strategy's
 * back-off as for an idle cycle (Agrona's runner would go straight into the next one, so an error that recurs would
 * spin a core and flood the handler). An
 * {@link AgentTerminationException} is how an agent ends itself once it has said why (the pretoucher turning
 * itself off): it ends the thread and is not reported as an error.
 * <p>
 * Shutdown: {@link #close(long)} asks the runner to stop, waits, interrupts the thread between slices of the wait
 * (an agent parked in its idle strategy wakes at once) and gives up at the deadline rather than waiting for ever,
 * as Agrona's own {@code AgentRunner.close()} would; the agent's {@code onClose()} runs on its own thread as it ends.
 */
public final class BoundedAgentRunner implements AutoCloseable
{
    /** How long {@link #close()} waits for the thread to end. */
    public static final long DEFAULT_CLOSE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    /** The wait between interrupts while closing. */
    private static final int CLOSE_SLICE_MS = 100;

    private final AgentRunner runner;
    private final Thread thread;

    private BoundedAgentRunner(final AgentRunner runner, final Thread thread)
    {
        this.runner = runner;
        this.thread = thread;
    }

    /**
     * Starts {@code agent} on a thread from {@code threadFactory} (which names it; the agent's {@code roleName()} is
     * not used as the thread name).
     *
     * @param agent         the duty cycle.
     * @param idleStrategy  how to back off when {@code doWork()} returns 0.
     * @param errorHandler  told of every exception the duty cycle throws, on the agent's thread; it counts them.
     * @param threadFactory makes the (unstarted) thread.
     * @return the running agent.
     */
    public static BoundedAgentRunner start(
        final Agent agent,
        final IdleStrategy idleStrategy,
        final ErrorHandler errorHandler,
        final ThreadFactory threadFactory)
    {
        Objects.requireNonNull(errorHandler, "errorHandler");
        final ErrorHandler reporting = error ->
        {
            if (!(error instanceof AgentTerminationException))
            {
                errorHandler.onError(error);
            }
        };
        final AgentRunner runner = new AgentRunner(idleStrategy, reporting, null, new BackingOffOnError(agent, reporting));
        final Thread thread = threadFactory.newThread(runner);
        thread.start();
        return new BoundedAgentRunner(runner, thread);
    }

    /** The agent's thread. */
    public Thread thread()
    {
        return thread;
    }

    /** True once the agent's thread has run {@code onClose()} and ended its duty cycle. */
    public boolean isClosed()
    {
        return runner.isClosed();
    }

    /**
     * Stops the agent and waits at most {@code timeoutNs} for its thread to end.
     *
     * @return true when it ended; false when it was still running at the deadline (abandoned: a daemon thread the
     *         caller reports).
     */
    public boolean close(final long timeoutNs)
    {
        final long deadline = System.nanoTime() + timeoutNs;
        final int sliceMs = (int)Math.max(1, Math.min(CLOSE_SLICE_MS, TimeUnit.NANOSECONDS.toMillis(timeoutNs)));
        try
        {
            // Agrona retries for ever; the fail action is called after each slice, and stops the wait at the deadline.
            runner.close(sliceMs, stuck ->
            {
                if (System.nanoTime() - deadline >= 0)
                {
                    throw new DeadlinePassed();
                }
            });
        }
        catch (final DeadlinePassed ex)
        {
            return false;
        }
        return !thread.isAlive() || joinUntil(deadline);
    }

    /** Stops the agent, waiting at most {@link #DEFAULT_CLOSE_TIMEOUT_NS}. */
    @Override
    public void close()
    {
        if (!close(DEFAULT_CLOSE_TIMEOUT_NS))
        {
            throw new IllegalStateException("agent thread " + thread.getName() + " still running after " +
                TimeUnit.NANOSECONDS.toMillis(DEFAULT_CLOSE_TIMEOUT_NS) + " ms; abandoned");
        }
    }

    // AgentRunner marks itself closed just before its thread returns: wait for that last step, within the deadline.
    private boolean joinUntil(final long deadline)
    {
        try
        {
            final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs > 0)
            {
                thread.join(leftMs);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** Ends Agrona's retrying close at our deadline; never escapes {@link #close(long)}. */
    private static final class DeadlinePassed extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        DeadlinePassed()
        {
            super(null, null, false, false);
        }
    }

    /** Reports what a duty cycle throws and counts the cycle as idle, so that the idle strategy backs off. */
    private static final class BackingOffOnError implements Agent
    {
        private final Agent agent;
        private final ErrorHandler errorHandler;

        BackingOffOnError(final Agent agent, final ErrorHandler errorHandler)
        {
            this.agent = agent;
            this.errorHandler = errorHandler;
        }

        @Override
        public void onStart()
        {
            agent.onStart();
        }

        @Override
        public int doWork() throws Exception
        {
            try
            {
                return agent.doWork();
            }
            catch (final AgentTerminationException ex)
            {
                throw ex;
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
                return 0;
            }
        }

        @Override
        public void onClose()
        {
            agent.onClose();
        }

        @Override
        public String roleName()
        {
            return agent.roleName();
        }
    }
}
