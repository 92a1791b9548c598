package io.pitgun.engine;

import io.pitgun.manifest.ManifestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An idle pipeline with the default settings leaves the cores alone: the CPU time its threads (process, pretouch)
 * use while nothing is published stays a small share of one core. CPU time, not wall timing: a loaded machine gives
 * the threads less CPU, never more, so the bound holds there too. The bound is #15's target, 5 %: each wake of a
 * parked thread costs ~30 µs of CPU on the 2-core VM, so the longest parks decide it — with 1 ms parks on both
 * threads an idle pipeline took ~4-5 % (too close to the bound); with the 2 ms (process) and 4 ms (pretouch) parks
 * it takes ~2 %. {@code SLEEPING}'s ~55 µs parks (about 20–30 % of a core) fail it by far.
 */
class IdlePipelineCpuTest
{
    private static final long WINDOW_NS = TimeUnit.SECONDS.toNanos(2);
    private static final double BOUND_PERCENT_OF_A_CORE = 5.0;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void shouldUseLittleCpuWhenIdleWithTheDefaultWaitStrategy() throws ManifestException
    {
        final PipelineConfig config = PipelineConfig.builder().journalDirectory(dir).build();
        try (TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(config).build())
        {
            final FrameWriter writer = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 0);
            long last = -1;
            for (int i = 1; i <= 100; i++)
            {
                last = writer.begin(i, i * 1_000L).putDouble(SyntheticRun.SPEED, 100).commit();
            }
            assertTrue(pipeline.awaitJournaled(last, TimeUnit.SECONDS.toNanos(30)), "journaled");

            final double percent = idleCpuPercent(pipeline.threads());

            assertTrue(percent <= BOUND_PERCENT_OF_A_CORE, String.format(
                "an idle pipeline (%s) used %.1f %% of a core over %d ms", config.waitStrategy().symbol(), percent,
                TimeUnit.NANOSECONDS.toMillis(WINDOW_NS)));
        }
    }

    /** CPU time of {@code threads} over a window of {@link #WINDOW_NS} wall time, in percent of one core. */
    private static double idleCpuPercent(final List<Thread> threads)
    {
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        // Past the wait strategy's busy phase and the pretoucher's first populate steps.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        final long startCpu = cpuNs(mx, threads);
        final long start = System.nanoTime();
        // A measurement window, not a wait for a condition: park until the wall time has passed.
        for (long left = WINDOW_NS; left > 0; left = start + WINDOW_NS - System.nanoTime())
        {
            LockSupport.parkNanos(left);
        }
        final long wallNs = System.nanoTime() - start;
        return 100.0 * (cpuNs(mx, threads) - startCpu) / wallNs;
    }

    private static long cpuNs(final ThreadMXBean mx, final List<Thread> threads)
    {
        long sum = 0;
        for (final Thread thread : threads)
        {
            sum += Math.max(0, mx.getThreadCpuTime(thread.getId()));
        }
        return sum;
    }
}
