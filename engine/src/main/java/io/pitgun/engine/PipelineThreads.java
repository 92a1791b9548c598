package io.pitgun.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

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

    /** A factory of (unstarted) threads named after {@code stage}, for runners that start their thread themselves. */
    ThreadFactory named(final String stage)
    {
        return task ->
        {
            synchronized (this)
            {
                nextName = stage;
                return newThread(task);
            }
        };
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

    /**
     * Waits until {@code deadline} ({@link System#nanoTime()}) for every thread to end, then interrupts those still
     * alive and waits {@code graceNs} more for them. Never waits longer, even when interrupted itself (the interrupt
     * is kept for the caller).
     *
     * @return the threads still alive: abandoned.
     */
    List<Thread> joinOrAbandon(final long deadline, final long graceNs)
    {
        final List<Thread> copy;
        synchronized (this)
        {
            copy = new ArrayList<>(threads);
        }
        boolean interrupted = joinUntil(copy, deadline);
        final List<Thread> stuck = new ArrayList<>();
        for (final Thread thread : copy)
        {
            if (thread.isAlive())
            {
                thread.interrupt();
                stuck.add(thread);
            }
        }
        interrupted |= joinUntil(stuck, System.nanoTime() + graceNs);
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
        stuck.removeIf(thread -> !thread.isAlive());
        return stuck;
    }

    private static boolean joinUntil(final List<Thread> threads, final long deadline)
    {
        boolean interrupted = false;
        for (final Thread thread : threads)
        {
            while (thread.isAlive())
            {
                final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0)
                {
                    break;
                }
                try
                {
                    thread.join(leftMs);
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true; // close() still returns by its deadline; the caller sees the interrupt
                }
            }
        }
        return interrupted;
    }

    /** The names, for messages. */
    static String names(final List<Thread> threads)
    {
        final List<String> names = new ArrayList<>();
        for (final Thread thread : threads)
        {
            names.add(thread.getName());
        }
        return names.toString();
    }

    synchronized List<Thread> threads()
    {
        return List.copyOf(threads);
    }

    /** Whether the calling thread is one of these (a stage's, the pretoucher's). */
    synchronized boolean isCallerOneOfThem()
    {
        return threads.contains(Thread.currentThread());
    }
}
