package io.pitgun.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * After warm-up the merge allocates nothing per frame: the processing thread's allocated bytes (the JVM's
 * per-thread counter, independent of timing) barely move while it merges thousands of frames of two batched
 * sources across hundreds of windows, some emitted by the sources' progress and some by the lateness bound.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MergeAllocationTest
{
    private static final UUID SESSION = UUID.fromString("5e55a0a1-0000-4000-8000-000000000001");
    private static final UUID PRODUCER = UUID.fromString("7d16dde5-88a6-4b47-8cd8-c711601cd61f");
    private static final int CAPACITY = 1024;

    @Test
    void shouldMergeWithoutAllocatingPerFrameAfterWarmUp() throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);

        try (TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(MergeScenarioTest.manifest(1_000, null))
            .config(PipelineConfig.builder().channelCapacity(CAPACITY).ackMode(AckMode.ACCEPTED).build()).build())
        {
            final Thread processing = pipeline.threads().stream().filter(t -> t.getName().endsWith("process"))
                .findFirst().orElseThrow();
            final FrameWriter car = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final FrameWriter box = pipeline.newFrameWriter(SESSION, PRODUCER, 1);
            final long[] next = {0};
            final int rounds = 2_000;

            publish(car, box, next, rounds);
            awaitProcessed(pipeline);
            final long before = threads.getThreadAllocatedBytes(processing.getId());
            publish(car, box, next, rounds);
            awaitProcessed(pipeline);
            final long allocated = threads.getThreadAllocatedBytes(processing.getId()) - before;

            assertEquals(0, pipeline.counters().get(PipelineCounter.FRAMES_LATE));
            assertTrue(pipeline.counters().get(PipelineCounter.FRAMES_MERGED) > 4 * rounds, "merged across sources");
            // 8 000 frames: one allocation per frame would be >= 128 000 bytes
            assertTrue(allocated < 16_384, "merging " + 8 * rounds + " frames allocated " + allocated + " bytes");
        }
    }

    /** Per round, a batch of 4 car frames then a batch of 4 box frames, 250 us apart, the box 500 us behind. */
    private static void publish(final FrameWriter car, final FrameWriter box, final long[] next, final int rounds)
    {
        for (int r = 0; r < rounds; r++)
        {
            final long base = 1_000_000 + next[0] * 1_000;
            for (int i = 0; i < 4; i++)
            {
                car.begin(next[0] * 4 + i, base + 250L * i).putDouble(SyntheticRun.TORQUE, 300)
                    .putDouble(SyntheticRun.SPEED, 100 + i).commit();
            }
            for (int i = 0; i < 4; i++)
            {
                box.begin(next[0] * 4 + i, base - 500 + 250L * i).putLong(SyntheticRun.ENGINE_RPM, 9_000 + i)
                    .putDouble(SyntheticRun.SPEED, 90).commit();
            }
            next[0]++;
        }
    }

    private static void awaitProcessed(final TelemetryPipeline pipeline)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pipeline.remainingCapacity() < CAPACITY)
        {
            assertTrue(System.nanoTime() < deadline, "the pipeline did not drain within 30 s");
            Thread.onSpinWait();
        }
    }
}
