package io.pitgun.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.manifest.ManifestException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The segment stage aggregates a channel only over the frames that carry it: a frame without the channel must not
 * count the value an earlier frame captured (the stage marks what each frame captured with a per-frame stamp rather
 * than clearing a table per frame).
 */
class SegmentCaptureTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldAggregateOnlyTheFramesThatCarryTheChannel() throws IOException, ManifestException
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-speed.yaml"))
            .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).subscriberBufferBytes(1 << 20).build()).build();
        final Subscription subscription = pipeline.subscribeToInsights("test");
        final List<String> insights = new ArrayList<>();
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(UUID.randomUUID(), SyntheticRun.producerId(), 0);
            final long t = SyntheticRun.START_US;
            // Lap 1: Speed in frames 0 and 2 only; frames 1 and 3 carry another channel.
            writer.begin(0, t).lapNumber(1).putDouble(SyntheticRun.SPEED, 10.0).commit();
            writer.begin(1, t + 1_000).lapNumber(1).putLong(SyntheticRun.ENGINE_RPM, 9_000).commit();
            writer.begin(2, t + 2_000).lapNumber(1).putDouble(SyntheticRun.SPEED, 30.0).commit();
            writer.begin(3, t + 3_000).lapNumber(1).putLong(SyntheticRun.ENGINE_RPM, 9_100).commit();
            // Lap 2 closes lap 1: one frame without Speed, one with.
            writer.begin(4, t + 4_000).lapNumber(2).putLong(SyntheticRun.ENGINE_RPM, 9_200).commit();
            writer.begin(5, t + 5_000).lapNumber(2).putDouble(SyntheticRun.SPEED, 50.0).commit();
        }
        finally
        {
            pipeline.close();
        }
        insights.addAll(SubscribedInsights.drain(subscription));

        assertFalse(subscription.isDropped());
        assertEquals(2, insights.size(), () -> "two lap summaries: " + insights);
        final JsonNode lap1 = JSON.readTree(insights.get(0));
        assertEquals(1, lap1.get("lap_number").asInt());
        assertEquals(4, lap1.at("/window/frame_count").asLong());
        assertEquals(2, lap1.at("/channels/Speed/count").asLong(), lap1::toString);
        assertEquals(10.0, lap1.at("/channels/Speed/min").asDouble());
        assertEquals(20.0, lap1.at("/channels/Speed/mean").asDouble());
        final JsonNode lap2 = JSON.readTree(insights.get(1));
        assertEquals(1, lap2.at("/channels/Speed/count").asLong(), lap2::toString);
        assertEquals(50.0, lap2.at("/channels/Speed/max").asDouble());
    }
}
