package io.pitgun.engine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;

/**
 * Makes threads that wait for {@link #release()} before running their task, deaf to interrupts: a stage stuck for
 * as long as a test wants, whatever the machine's speed.
 */
final class HeldStageThreads implements ThreadFactory
{
    private final CountDownLatch released = new CountDownLatch(1);

    @Override
    public Thread newThread(final Runnable task)
    {
        return new Thread(() ->
        {
            boolean interrupted = false;
            while (released.getCount() > 0)
            {
                try
                {
                    released.await();
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true; // held means held: only release() lets the stage run
                }
            }
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
            task.run();
        });
    }

    /** Lets every thread run its task. Idempotent. */
    void release()
    {
        released.countDown();
    }
}
