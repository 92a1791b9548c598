package io.pitgun.engine;

import io.pitgun.manifest.ManifestException;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #12 point 9: subscribers cost ingestion nothing in proportion to their number, and their memory is
 * bounded and released on close. Direct memory is read from the JVM's own accounting (the {@code direct} buffer
 * pool), which counts every {@code ByteBuffer.allocateDirect} the pipeline makes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubscriberFanoutTest
{
    private static final int BUFFER_BYTES = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void shouldHoldNoDirectMemoryPerSubscriberAcross200SubscribeCloseCyclesOr300OpenSubscribers()
        throws ManifestException
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).subscriberBufferBytes(BUFFER_BYTES).build())
            .build();
        try
        {
            final long before = directMemoryUsed();
            for (int i = 0; i < 200; i++)
            {
                pipeline.subscribe("cycle " + i).close();
            }
            final long afterCycles = directMemoryUsed() - before;
            // At most the one shared buffer (and its trailer): not 200 queues, and none kept after close.
            assertTrue(afterCycles <= BUFFER_BYTES + 4096, "200 subscribe/close cycles hold " + afterCycles +
                " bytes of direct memory");

            final List<Subscription> open = new ArrayList<>();
            for (int i = 0; i < 300; i++)
            {
                open.add(pipeline.subscribe("open " + i));
            }
            final long withOpen = directMemoryUsed() - before;
            assertTrue(withOpen <= BUFFER_BYTES + 4096, "300 open subscribers hold " + withOpen +
                " bytes of direct memory");
            open.forEach(Subscription::close);
            assertEquals(0, pipeline.subscriberFanout().openSubscriptions(), "closed subscriptions are still held");
        }
        finally
        {
            pipeline.close();
        }
    }

    @Test
    void shouldWriteEachOutputOnceWhateverTheNumberOfSubscribersAndDeliverItToEveryOneThatKeepsUp()
        throws ManifestException
    {
        final SyntheticRun run = new SyntheticRun(1, 200, 100);
        final long oneSubscriber = recordsTransmitted(run, 1);
        final long threeHundred = recordsTransmitted(run, 300);
        assertTrue(oneSubscriber > 0, "nothing was broadcast");
        assertEquals(oneSubscriber, threeHundred,
            "the processing thread wrote more for 300 subscribers than for one: work grows with subscribers");
    }

    @Test
    void shouldNotDeliverToANewSubscriberWhatWasWrittenBeforeItSubscribed() throws ManifestException
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).subscriberBufferBytes(BUFFER_BYTES).build())
            .build();
        final Subscription early = pipeline.subscribe("early");
        final Counting earlyCount = new Counting();
        final Counting lateCount = new Counting();
        Subscription late = null;
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SyntheticRun.sessionId(0), SyntheticRun.producerId(), 0);
            writeAndAwait(pipeline, writer, 0, 10);
            late = pipeline.subscribe("late");
            writeAndAwait(pipeline, writer, 10, 5);
        }
        finally
        {
            pipeline.close();
        }
        early.poll(earlyCount, Integer.MAX_VALUE);
        late.poll(lateCount, Integer.MAX_VALUE);
        assertEquals(15, earlyCount.frames);
        assertEquals(5, lateCount.frames, "the late subscriber received frames from before it subscribed");
        assertFalse(early.isDropped() || late.isDropped());
        assertTrue(early.isEnded() && late.isEnded());
    }

    private long recordsTransmitted(final SyntheticRun run, final int subscribers) throws ManifestException
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).subscriberBufferBytes(BUFFER_BYTES).build())
            .build();
        final List<Subscription> open = new ArrayList<>();
        for (int i = 0; i < subscribers; i++)
        {
            open.add(pipeline.subscribe("s" + i));
        }
        try
        {
            run.publish(pipeline);
        }
        finally
        {
            pipeline.close();
        }
        final long derived = pipeline.counters().get(PipelineCounter.DERIVED_FRAMES);
        final long insights = pipeline.counters().get(PipelineCounter.INSIGHTS);
        // Every subscriber that reads gets every output, and the buffer holds the whole run: nobody is dropped.
        for (final Subscription subscription : open)
        {
            final Counting counting = new Counting();
            subscription.poll(counting, Integer.MAX_VALUE);
            assertEquals(derived, counting.frames, subscription.name());
            assertEquals(insights, counting.insights, subscription.name());
            assertFalse(subscription.isDropped(), subscription.name());
        }
        final long transmitted = pipeline.subscriberFanout().recordsTransmitted();
        assertEquals(derived + insights, transmitted, "one record per output");
        return transmitted;
    }

    private static void writeAndAwait(final TelemetryPipeline pipeline, final FrameWriter writer, final int first,
        final int count)
    {
        for (int i = first; i < first + count; i++)
        {
            writer.begin(i, i * 1_000L).putDouble(SyntheticRun.SPEED, 100).commit();
        }
        // Bounded by the test's timeout; the processing thread makes progress on its own.
        while (pipeline.counters().get(PipelineCounter.DERIVED_FRAMES) < first + count)
        {
            Thread.onSpinWait();
        }
    }

    private static long directMemoryUsed()
    {
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if (pool.getName().equals("direct"))
            {
                return pool.getMemoryUsed();
            }
        }
        throw new AssertionError("no direct buffer pool");
    }

    private static final class Counting implements SubscriptionHandler
    {
        long frames;
        long insights;

        @Override
        public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            frames++;
        }

        @Override
        public void onInsight(final DirectBuffer buffer, final int offset, final int length)
        {
            insights++;
        }
    }
}
