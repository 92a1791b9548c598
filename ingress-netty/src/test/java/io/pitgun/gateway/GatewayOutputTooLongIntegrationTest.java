package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lap summary longer than the subscribers' shared buffer carries (an eighth of {@code SUBSCRIBER_BUFFER_BYTES}) is
 * sent to no live subscriber, and each is closed saying so: 1011, the lengths and the setting, counted
 * {@code output_too_long}. Before, it was closed as too slow (1008 "subscriber too slow: more than N bytes behind",
 * counted and logged {@code slow_subscriber}), though it read everything it was sent.
 */
class GatewayOutputTooLongIntegrationTest
{
    /** Summarised channels: 256 channels of every statistic make a lap summary of about 80 KB. */
    private static final int CHANNELS = 256;

    @TempDir
    Path dir;

    @Test
    void shouldCloseASubscriberThatMissedALapSummaryTooLongForItsBufferAsSuchNotAsSlow() throws Exception
    {
        final Path manifest = Files.writeString(dir.resolve("wide.yaml"), wideSummaryManifest());
        // The least buffer the setting takes: the gateway raises it to carry its largest frame, not a summary.
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of(
            GatewaySetting.MANIFEST, manifest.toString(), GatewaySetting.SUBSCRIBER_BUFFER_BYTES, "4096")))
        {
            final WebSocketMessages subscriber = new WebSocketMessages();
            final WebSocket socket = WebSocketMessages.connect(HttpClient.newHttpClient(),
                gateway.wsUri("/ws?subscribe=derived"), subscriber, Duration.ofSeconds(20));
            Await.until("subscribed", () -> gateway.metric("pitgun_gateway_open_subscribers") == 1);

            // Lap 1's summary is emitted when lap 2 begins; the manifest outputs insights only, so nothing follows.
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 10, 1)).statusCode());
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 10, 1, 2)).statusCode());

            final int code = subscriber.closed.get(20, TimeUnit.SECONDS);
            final String reason = subscriber.closeReason.get(20, TimeUnit.SECONDS);
            assertEquals(1011, code, "close code; reason: " + reason);
            assertTrue(reason.matches("output too long: \\d+ bytes, the subscriber buffer carries \\d+ " +
                "\\(raise SUBSCRIBER_BUFFER_BYTES\\)"), reason);
            Await.until("the close counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"output_too_long\"}") == 1);
            assertEquals(1.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"output_too_long\"}"));
            assertEquals(1.0, gateway.metric("pitgun_outputs_too_long_total"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"slow_subscriber\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"slow_subscriber\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_subscribers_disconnected_slow_total"));
            socket.abort();
        }
    }

    /** {@value #CHANNELS} channels derived from Speed, each summarised per lap by every statistic; insights only. */
    private static String wideSummaryManifest()
    {
        final StringBuilder derived = new StringBuilder();
        final StringBuilder aggregates = new StringBuilder();
        for (int i = 0; i < CHANNELS; i++)
        {
            derived.append("      - name: Speed_").append(i).append("\n        expr: \"Speed + ").append(i)
                .append("\"\n");
            aggregates.append("      - channel: Speed_").append(i).append("\n        stats: [count, first, last, " +
                "min, max, mean, time_weighted_mean, sum, stddev, integral]\n");
        }
        return "version: v1\nname: wide-summary\npipeline:\n  - type: formula\n    derived_channels:\n" + derived +
            "  - type: segment\n    by: lap\n    aggregates:\n" + aggregates +
            "  - type: output\n    contracts: [insight-contract/v1]\n";
    }
}
