package io.pitgun.engine;

import io.pitgun.manifest.ManifestException;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TelemetryPipelineBuilder#outputHandler}: receives every derived frame and insight the pipeline outputs, on
 * a small ring where a lossy subscriber would fall behind; a handler that throws is reported once, not
 * called again, and the pipeline goes on.
 */
class OutputHandlerTest
{
    @Test
    void shouldReceiveEveryOutput() throws ManifestException
    {
        final SyntheticRun run = new SyntheticRun(2, 5_000, 1_000);
        final long[] frames = {0};
        final long[] insights = {0};
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).channelCapacity(64).build())
            .outputHandler(new SubscriptionHandler()
            {
                @Override
                public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
                {
                    frames[0]++;
                }

                @Override
                public void onInsight(final DirectBuffer buffer, final int offset, final int length)
                {
                    insights[0]++;
                }
            })
            .build();
        run.publish(pipeline);
        pipeline.close();

        assertEquals(run.totalFrames(), frames[0]);
        assertEquals(pipeline.counters().get(PipelineCounter.DERIVED_FRAMES), frames[0]);
        assertEquals(pipeline.counters().get(PipelineCounter.INSIGHTS), insights[0]);
        assertTrue(insights[0] > 0);
    }

    @Test
    void shouldReportAFailingHandlerOnceAndGoOn() throws ManifestException
    {
        final SyntheticRun run = new SyntheticRun(1, 2_000, 500);
        final List<String> errors = new ArrayList<>();
        final int[] calls = {0};
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).build())
            .errorHandler((stage, error) -> errors.add(stage))
            .outputHandler(new SubscriptionHandler()
            {
                @Override
                public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
                {
                    calls[0]++;
                    throw new IllegalStateException("disk full");
                }

                @Override
                public void onInsight(final DirectBuffer buffer, final int offset, final int length)
                {
                    calls[0]++;
                }
            })
            .build();
        run.publish(pipeline);
        pipeline.close();

        assertEquals(1, calls[0]);
        assertEquals(List.of("sink HandlerSink (skipped from now on)"), errors);
        assertTrue(pipeline.firstError().isPresent());
        assertEquals(run.totalFrames(), pipeline.counters().get(PipelineCounter.DERIVED_FRAMES));
    }

    @Test
    void shouldGoOnWhenTheErrorHandlerItselfThrows() throws ManifestException
    {
        // An embedder's handler that throws must not end the processing thread (nor, with journal.thread: producer,
        // a publish between its claim and the ring's publish).
        final SyntheticRun run = new SyntheticRun(1, 2_000, 500);
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).build())
            .errorHandler((stage, error) ->
            {
                throw new IllegalArgumentException("handler broken");
            })
            .outputHandler(new SubscriptionHandler()
            {
                @Override
                public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
                {
                    throw new IllegalStateException("disk full");
                }

                @Override
                public void onInsight(final DirectBuffer buffer, final int offset, final int length)
                {
                }
            })
            .build();
        run.publish(pipeline);
        pipeline.close();

        assertEquals(run.totalFrames(), pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
        assertEquals(run.totalFrames(), pipeline.counters().get(PipelineCounter.DERIVED_FRAMES));
        final Throwable first = pipeline.firstError().orElseThrow();
        assertEquals("disk full", first.getMessage());
        assertEquals(1, first.getSuppressed().length, "the handler's own failure rides along");
        assertEquals("handler broken", first.getSuppressed()[0].getMessage());
    }
}
