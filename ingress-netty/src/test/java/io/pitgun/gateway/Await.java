package io.pitgun.gateway;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Waits for a condition with a bounded deadline instead of sleeping and hoping. */
final class Await
{
    static final long DEFAULT_TIMEOUT_S = 30;

    private Await()
    {
    }

    /** Polls {@code condition} every 20 ms until it holds; fails naming {@code what} after 30 s. */
    static void until(final String what, final Callable<Boolean> condition) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEFAULT_TIMEOUT_S);
        while (!condition.call())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("not within " + DEFAULT_TIMEOUT_S + " s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
