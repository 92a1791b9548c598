package io.pitgun.engine.tuning;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code max_sources_per_session} state: the limit holds across threads racing on one session, the tracked sessions
 * stay within their cap with every eviction counted, a thread's cache does not outlive an eviction, and a pair already
 * admitted is admitted again without allocating.
 */
class SessionSourceLimitTest
{
    @Test
    void shouldAdmitAtMostTheLimitOfSourcesOfOneSessionAcrossThreads() throws Exception
    {
        final SessionSourceLimit limit = new SessionSourceLimit(3, 16, () -> { });
        final int threads = 4;
        final CyclicBarrier start = new CyclicBarrier(threads);
        final AtomicInteger admittedNew = new AtomicInteger();
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try
        {
            final Future<?>[] done = new Future<?>[threads];
            for (int t = 0; t < threads; t++)
            {
                final int first = t * 100;
                done[t] = pool.submit(() ->
                {
                    final SessionSourceLimit.Cache cache = limit.newCache(64);
                    start.await(10, TimeUnit.SECONDS);
                    for (int source = first; source < first + 100; source++)
                    {
                        if (cache.admit(7, 9, source))
                        {
                            admittedNew.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            for (final Future<?> future : done)
            {
                future.get(30, TimeUnit.SECONDS);
            }
        }
        finally
        {
            pool.shutdownNow();
        }
        assertEquals(3, admittedNew.get());
        assertEquals(1, limit.trackedSessions());
    }

    @Test
    void shouldForgetTheLeastRecentSessionBeyondTheCapCountingItAndInvalidatingCaches()
    {
        final AtomicLong evicted = new AtomicLong();
        final SessionSourceLimit limit = new SessionSourceLimit(1, 2, evicted::incrementAndGet);
        final SessionSourceLimit.Cache cache = limit.newCache(16);
        final SessionSourceLimit.Cache other = limit.newCache(16);
        assertTrue(cache.admit(0, 1, 5));
        assertFalse(cache.admit(0, 1, 6));
        assertTrue(other.admit(0, 1, 5)); // known in the table: another thread's first frame of it is admitted
        assertTrue(cache.admit(0, 2, 5));
        assertTrue(cache.admit(0, 3, 5)); // a third session: the least recent, session 1, is forgotten
        assertEquals(1, evicted.get());
        assertEquals(1, limit.evictions());
        assertEquals(2, limit.trackedSessions());

        // Forgotten, session 1 starts again from no source: the cached pair (1, 5) is not admitted from the cache
        // (else it would not be counted), so source 6 takes the one place and 5 is then refused.
        assertTrue(cache.admit(0, 1, 6));
        assertFalse(cache.admit(0, 1, 5));
        assertFalse(other.admit(0, 1, 5));
        assertEquals(2, limit.evictions());
        assertEquals(2, limit.trackedSessions());
    }

    @Test
    void shouldAdmitKnownPairsWithoutAllocating()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        final SessionSourceLimit limit = new SessionSourceLimit(4, 64, () -> { });
        final SessionSourceLimit.Cache cache = limit.newCache(1024);
        final int frames = 100_000;
        long admitted = run(cache, frames);
        final long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        admitted += run(cache, frames);
        final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;

        // 8 sessions of 4 sources each: every frame admitted; one allocation per frame would be at least 1.6 MB.
        assertEquals(2L * frames, admitted);
        assertTrue(allocated < 4_096, "admitting " + frames + " frames allocated " + allocated + " bytes");
    }

    private static long run(final SessionSourceLimit.Cache cache, final int frames)
    {
        long admitted = 0;
        for (int i = 0; i < frames; i++)
        {
            admitted += cache.admit(0x53702b3eL, i % 8, i % 4) ? 1 : 0;
        }
        return admitted;
    }
}
