package io.pitgun.testsupport;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes threads that wait for {@link #release()} before running their task, deaf to interrupts. Given to a
 * pipeline (its {@code threadFactory}, or the gateway's), it holds every stage thread: nothing is consumed from the
 * ring (it fills) and nothing is journaled (acks time out), for as long as a test wants and not a moment longer,
 * whatever the machine's speed.
 */
public final class HeldThreads implements ThreadFactory
{
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger made = new AtomicInteger();

    @Override
    public Thread newThread(final Runnable task)
    {
        made.incrementAndGet();
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

    /** Lets every thread made so far (and later) run its task. Idempotent. */
    public void release()
    {
        released.countDown();
    }

    /** Threads made so far: proof that the pipeline used this factory. */
    public int threadsMade()
    {
        return made.get();
    }
}
