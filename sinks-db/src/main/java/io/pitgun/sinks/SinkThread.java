package io.pitgun.sinks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The thread a sink that follows the journal runs on ({@code pitgun-sink-NAME}, a daemon) and how it stops: its loop
 * runs while {@link #isRunning()}, waits between attempts with {@link #pause}, and {@link #stop()} ends both and
 * waits for the thread, at most 35 s. A latch, not an interrupt, wakes a pause: Chronicle's tailer must not see an
 * interrupted thread.
 */
public final class SinkThread
{
    private static final Logger LOG = LoggerFactory.getLogger(SinkThread.class);
    private static final long STOP_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(35);

    private final String sinkName;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    /**
     * A thread, not yet started, that runs {@code loop}.
     *
     * @param sinkName the sink's name, in the thread's name and the logs.
     * @param loop     the sink's loop, which returns once {@link #isRunning()} is false.
     */
    public SinkThread(final String sinkName, final Runnable loop)
    {
        this.sinkName = sinkName;
        this.thread = new Thread(loop, "pitgun-sink-" + sinkName);
        this.thread.setDaemon(true);
    }

    /** Starts the thread. */
    public void start()
    {
        thread.start();
    }

    /** False once {@link #stop()} was called (or a pause was interrupted): the loop should return. */
    public boolean isRunning()
    {
        return running;
    }

    /** Waits {@code ms}, or less when {@link #stop()} is called meanwhile. */
    public void pause(final long ms)
    {
        try
        {
            stopped.await(ms, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Tells the loop to return, wakes a pause and waits for the thread, at most 35 s (logged if it did not stop). */
    public void stop()
    {
        running = false;
        stopped.countDown();
        try
        {
            thread.join(STOP_TIMEOUT_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            LOG.error("sink {}: its thread did not stop within 35 s", sinkName);
        }
    }
}
