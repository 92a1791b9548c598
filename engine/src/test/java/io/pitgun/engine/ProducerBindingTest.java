package io.pitgun.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@code producer: single} pipeline bound to its producer thread ({@link TelemetryPipeline#bindProducer()}) refuses
 * every publish and claim from another thread before it touches the ring: unbound, the Disruptor's single-producer
 * sequencer would hand the second thread slots the first one holds. The bound thread publishes as before, and
 * close() still ends the ring from any thread.
 */
@Timeout(30)
class ProducerBindingTest
{
    private static final int FRAMES = 3;

    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
    private final List<ExecutorService> threads = new ArrayList<>();
    private TelemetryPipeline pipeline;

    @AfterEach
    void stop()
    {
        threads.forEach(ExecutorService::shutdownNow);
        if (pipeline != null)
        {
            pipeline.close();
        }
    }

    @Test
    void shouldRefuseEveryPublishFromAnotherThreadOnceBound() throws Exception
    {
        pipeline = pipeline(ProducerMode.SINGLE);
        final ExecutorService producer = thread();
        final int length = FrameCheckOnPublishTest.oneSampleFrame(frame);
        onThread(producer, () ->
        {
            pipeline.bindProducer();
            for (int i = 0; i < FRAMES; i++)
            {
                assertTrue(pipeline.tryPublish(frame, 0, length) >= 0);
            }
        });

        // This test's thread is not the producer: each way in is refused, and nothing is claimed or counted.
        final FrameWriter writer = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 1);
        final SlotClaim claim = pipeline.newSlotClaim();
        refused(() -> pipeline.tryPublish(frame, 0, length));
        refused(() -> pipeline.publish(frame, 0, length));
        refused(() -> pipeline.tryPublishBatch(frame, new int[] {0}, new int[] {length}, 0, 1));
        refused(() -> pipeline.tryPublishValidatedBatch(frame, new int[] {0}, new int[] {length}, 0, 1, 0, 0, 0, 0,
            0));
        refused(() -> pipeline.publishReplayed(frame, 0, length, 0));
        refused(() -> writer.tryBegin(1, 1));
        refused(() -> writer.begin(1, 1));
        refused(claim::tryClaim);
        refused(claim::claim);
        assertEquals(FRAMES, pipeline.counters().get(PipelineCounter.FRAMES_ACCEPTED));

        // The producer's next frame takes the next sequence: nothing refused had claimed one.
        onThread(producer, () -> assertEquals(FRAMES, pipeline.tryPublish(frame, 0, length)));

        // A frame claimed on the producer's thread is not committed or aborted from another: it stays open, and
        // its own thread commits it.
        final FrameWriter producersWriter = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 2);
        onThread(producer, () -> producersWriter.begin(1, 1).putDouble(3, 100));
        refused(producersWriter::commit);
        refused(producersWriter::abort);
        final SlotClaim producersClaim = pipeline.newSlotClaim();
        onThread(producer, producersClaim::claim);
        refused(() -> producersClaim.commit(length));
        refused(producersClaim::abort);
        onThread(producer, () -> assertEquals(FRAMES + 1, producersWriter.commit()));
        onThread(producer, () ->
        {
            producersClaim.buffer().putBytes(producersClaim.offset(), frame, 0, length);
            assertEquals(FRAMES + 2, producersClaim.commit(length));
        });

        pipeline.close(); // from this thread: the end-of-stream slot is close()'s, not a producer's
        assertEquals(FRAMES + 3, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
    }

    @Test
    void shouldBindOnceForThePipelinesLife() throws Exception
    {
        pipeline = pipeline(ProducerMode.SINGLE);
        final ExecutorService producer = thread();
        onThread(producer, pipeline::bindProducer);
        onThread(producer, pipeline::bindProducer); // the same thread again: nothing changes

        final IllegalStateException takeover = assertThrows(IllegalStateException.class, pipeline::bindProducer);
        assertTrue(takeover.getMessage().contains("already bound"), takeover.getMessage());
        final int length = FrameCheckOnPublishTest.oneSampleFrame(frame);
        refused(() -> pipeline.tryPublish(frame, 0, length));
        onThread(producer, () -> assertTrue(pipeline.tryPublish(frame, 0, length) >= 0));
    }

    @Test
    void shouldRefuseToBindAMultiProducerPipeline() throws Exception
    {
        pipeline = pipeline(ProducerMode.MULTI);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, pipeline::bindProducer);
        assertTrue(ex.getMessage().contains("producer: multi"), ex.getMessage());
        assertTrue(pipeline.tryPublish(frame, 0, FrameCheckOnPublishTest.oneSampleFrame(frame)) >= 0, "any thread still publishes");
    }

    @Test
    void shouldLetAnyThreadPublishIntoAnUnboundSingleProducerPipeline() throws Exception
    {
        // Unbound, it trusts its caller as before: one thread at a time, handed over by the caller.
        pipeline = pipeline(ProducerMode.SINGLE);
        final int length = FrameCheckOnPublishTest.oneSampleFrame(frame);
        assertTrue(pipeline.tryPublish(frame, 0, length) >= 0);
        onThread(thread(), () -> assertTrue(pipeline.tryPublish(frame, 0, length) >= 0));
        assertEquals(2, pipeline.counters().get(PipelineCounter.FRAMES_ACCEPTED));
    }

    private static void refused(final Executable publish)
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class, publish);
        assertTrue(ex.getMessage().contains("bound to thread"), ex.getMessage());
    }

    private TelemetryPipeline pipeline(final ProducerMode mode) throws Exception
    {
        return TelemetryPipeline.builder().manifest(Manifests.compile("fast-only.yaml"))
            .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).producerMode(mode).build()).build();
    }

    private ExecutorService thread()
    {
        final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-producer"));
        threads.add(thread);
        return thread;
    }

    private static void onThread(final ExecutorService thread, final Work work) throws Exception
    {
        try
        {
            thread.submit(() ->
            {
                work.run();
                return null;
            }).get(10, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof Error error)
            {
                throw error;
            }
            fail("the producer thread failed", ex.getCause());
        }
    }

    /** What the producer thread runs. */
    private interface Work
    {
        void run() throws Exception;
    }
}
