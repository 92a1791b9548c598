package io.pitgun.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * Names and remembers every thread a pipeline starts ({@code pitgun-<pipeline>-<stage>}), so that
 * {@code close()} can join them all: no thread outlives its pipeline.
 */
final class PipelineThreads implements ThreadFactory
{
    private final String prefix;
    private final List<Thread> threads = new ArrayList<>();
    private String nextName = "stage";

    PipelineThreads(final String pipelineName)
    {
        this.prefix = "pitgun-" + pipelineName + "-";
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
        final Thread thread = new Thread(task, prefix + nextName);
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
