package io.pitgun.engine;

import io.pitgun.manifest.ManifestException;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscription to insights alone is not queued derived frames, so a buffer far smaller than the run's frames
 * holds every insight, while a full subscription of the same size, left unread, is dropped.
 */
class InsightSubscriptionTest
{
    private static final SyntheticRun RUN = new SyntheticRun(1, 3_000, 1_000);
    private static final int BUFFER_BYTES = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldQueueOnlyInsightsForAnInsightSubscriberAndKeepItWhereAFullSubscriberIsDropped() throws ManifestException
    {
        final PipelineConfig config = PipelineConfig.builder().journalDirectory(dir.resolve("journal"))
            .subscriberBufferBytes(BUFFER_BYTES).build();
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(config).build();
        final Subscription insightsOnly = pipeline.subscribeToInsights("registry");
        final Subscription everything = pipeline.subscribe("unread");
        try
        {
            RUN.publish(pipeline);
        }
        finally
        {
            pipeline.close();
        }
        final List<String> insights = new ArrayList<>();
        final int[] frames = new int[1];
        final SubscriptionHandler handler = new SubscriptionHandler()
        {
            @Override
            public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
            {
                frames[0]++;
            }

            @Override
            public void onInsight(final DirectBuffer buffer, final int offset, final int length)
            {
                insights.add(buffer.getStringWithoutLengthUtf8(offset, length));
            }
        };
        insightsOnly.poll(handler, Integer.MAX_VALUE);

        assertTrue(insightsOnly.isInsightsOnly());
        assertFalse(everything.isInsightsOnly());
        assertFalse(insightsOnly.isDropped(), "the insight subscriber was dropped");
        assertEquals(0, frames[0], "derived frames reached the insight subscriber");
        assertEquals(2 * (3 + 1), insights.size(), "three laps and a session for each of two sources");
        for (final String insight : insights)
        {
            assertTrue(insight.contains("\"insight-contract/v1\""), insight);
        }
        // The same buffer could not hold the run's derived frames: the unread full subscriber fell behind, as it
        // learns when it next reads.
        assertEquals(0, everything.poll(handler, Integer.MAX_VALUE));
        assertTrue(everything.isDropped(), "a full subscriber was not dropped, so the test proves nothing");
        assertEquals(0, everything.missedOutputLength(), "dropped for being slow, not for an output too long");
        assertEquals(1, pipeline.counters().get(PipelineCounter.SUBSCRIBERS_DROPPED));
    }

    @Test
    void shouldDropASubscriberWhenTheLastOutputWasTooLongToBroadcast() throws ManifestException
    {
        // A lap summary of about 1.5 KB against a broadcast that carries at most 1 KB (an eighth of the smallest
        // buffer): it is not broadcast, and its subscriber is to be dropped rather than silently miss it. Before,
        // the drop was noticed only at the next record read: with none after it (an insights-only manifest, the
        // last summaries of a run) the subscriber read nothing, was not dropped and nothing counted it.
        final TelemetryPipeline pipeline = TelemetryPipeline.builder()
            .manifest(Manifests.compile("lap-speed-every-percentile.yaml"))
            .config(PipelineConfig.builder().journalDirectory(dir.resolve("journal")).subscriberBufferBytes(4096)
                .build()).build();
        final Subscription subscription = pipeline.subscribe("test");
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SyntheticRun.sessionId(0), SyntheticRun.producerId(),
                0);
            for (int i = 0; i < 10; i++)
            {
                writer.begin(i, SyntheticRun.START_US + i * 1_000L).lapNumber(1)
                    .putDouble(SyntheticRun.SPEED, 100 + i).commit();
            }
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(List.of(), SubscribedInsights.drain(subscription), "nothing was broadcast");
        assertTrue(subscription.isDropped(), "the subscriber that missed the lap summary was not dropped");
        assertTrue(subscription.missedOutputLength() > subscription.maxOutputLength(), "the lengths it was dropped " +
            "for: " + subscription.missedOutputLength() + " over " + subscription.maxOutputLength());
        assertEquals(1, pipeline.counters().get(PipelineCounter.SUBSCRIBERS_DROPPED));
        assertEquals(1, pipeline.counters().get(PipelineCounter.OUTPUTS_TOO_LONG), "the lap summary not broadcast");
    }
}
