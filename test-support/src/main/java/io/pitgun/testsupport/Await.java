package io.pitgun.testsupport;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waits for a condition with a bounded deadline instead of sleeping and hoping: polls it every
 * {@value #POLL_MS} ms and fails, naming what was awaited, once the deadline has passed.
 */
public final class Await
{
    /** How long {@link #until(String, Callable)} waits. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MS = 10;

    private Await()
    {
    }

    /**
     * Polls {@code condition} until it holds; fails after {@link #DEFAULT_TIMEOUT}.
     *
     * @param what      what is awaited, for the failure message.
     * @param condition checked at once and then every {@value #POLL_MS} ms; an exception it throws fails the wait.
     * @throws AssertionError if the condition did not hold in time.
     * @throws Exception      whatever the condition threw.
     */
    public static void until(final String what, final Callable<Boolean> condition) throws Exception
    {
        until(what, DEFAULT_TIMEOUT, condition);
    }

    /**
     * Polls {@code condition} until it holds; fails after {@code timeout}.
     *
     * @throws AssertionError if the condition did not hold in time.
     * @throws Exception      whatever the condition threw.
     */
    public static void until(final String what, final Duration timeout, final Callable<Boolean> condition)
        throws Exception
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            Thread.sleep(POLL_MS);
        }
    }
}
