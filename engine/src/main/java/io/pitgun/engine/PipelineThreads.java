package io.pitgun.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * Names and remembers every thread a pipeline starts ({@code pitgun-<pipeline>-<stage>}), so that
 * {@code close()} can join them all: no thread outlives its pipeline. The threads themselves come from the
 * embedder's {@link ThreadFactory} when one was given (to pin stages to cores, say), else are plain threads.
 */
final class PipelineThreads implements ThreadFactory
{
    private final String prefix;
    private final ThreadFactory factory;
    private final List<Thread> threads = new ArrayList<>();
    private String nextName = "stage";

    PipelineThreads(final String pipelineName, final ThreadFactory factory)
    {
        this.prefix = "pitgun-" + pipelineName + "-";
        this.factory = factory;
    }

    /** Starts {@code task} on a new thread named after {@code stage}. */
    synchronized Thread start(final String stage, final Runnable task)
    {
        nextName = stage;
        final Thread thread = newThread(task);
        thread.start();
        return thread;
    }

    @Override
    public synchronized Thread newThread(final Runnable task)
    {
        final Thread thread = factory != null ? factory.newThread(task) : new Thread(task);
        thread.setName(prefix + nextName);
        thread.setDaemon(true);
        threads.add(thread);
        return thread;
    }

    /** Waits for every thread to end; true when all did within {@code timeoutMs} each. */
    boolean joinAll(final long timeoutMs) throws InterruptedException
    {
        final List<Thread> copy;
        synchronized (this)
        {
            copy = new ArrayList<>(threads);
        }
        boolean all = true;
        for (final Thread thread : copy)
        {
            thread.join(timeoutMs);
            all &= !thread.isAlive();
        }
        return all;
    }

    synchronized List<Thread> threads()
    {
        return List.copyOf(threads);
    }
}
