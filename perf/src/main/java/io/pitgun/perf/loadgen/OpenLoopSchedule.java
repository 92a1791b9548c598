package io.pitgun.perf.loadgen;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends envelope {@code i} at {@code start + i / rate}, whatever the answers do (open loop), spread round-robin
 * over the connections, then waits at most the drain time for the answers still out. One-second intervals are
 * closed on the recorder meanwhile.
 */
final class OpenLoopSchedule
{
    private static final long SPIN_NS = 50_000;

    private OpenLoopSchedule()
    {
    }

    /** Runs the schedule; returns the nanoTime at which the first envelope was intended. */
    static long run(final LoadgenTransport transport, final LoadgenRecorder recorder, final double rate,
        final long envelopes, final int connections, final long drainNs) throws InterruptedException
    {
        final ScheduledExecutorService intervals = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "loadgen-intervals");
            t.setDaemon(true);
            return t;
        });
        intervals.scheduleAtFixedRate(recorder::closeInterval, 1, 1, TimeUnit.SECONDS);
        final double intervalNs = 1e9 / rate;
        final long startNs = System.nanoTime() + 1_000_000;
        try
        {
            for (long i = 0; i < envelopes; i++)
            {
                final long intendedNs = startNs + (long)(i * intervalNs);
                for (long wait = intendedNs - System.nanoTime(); wait > 0; wait = intendedNs - System.nanoTime())
                {
                    if (wait > SPIN_NS)
                    {
                        LockSupport.parkNanos(wait - SPIN_NS);
                    }
                    else
                    {
                        Thread.onSpinWait();
                    }
                }
                transport.send((int)(i % connections), i, intendedNs);
            }
            final long deadline = System.nanoTime() + drainNs;
            while (transport.outstanding() > 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            recorder.unanswered(transport.outstanding());
        }
        finally
        {
            intervals.shutdownNow();
            intervals.awaitTermination(5, TimeUnit.SECONDS);
            recorder.closeInterval();
        }
        return startNs;
    }
}
