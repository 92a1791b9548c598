package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code internal} channels (sim.v1: {@code MGUK_Power}, {@code Brake_Bias}, ...) are accepted and journaled but
 * never streamed to subscribers: not as samples, not through a channel derived from them, not in an insight's
 * statistics. Public channels reach the subscriber as before.
 */
class GatewayInternalChannelIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MANIFEST = String.join("\n",
        "version: v1",
        "name: internal-channels",
        "pipeline:",
        "  - type: formula",
        "    derived_channels:",
        "      - name: Hybrid_Share",
        "        expr: \"MGUK_Power / 120.0\"",
        "      - name: Speed_ms",
        "        expr: \"Speed / 3.6\"",
        "  - type: segment",
        "    by: lap",
        "    aggregates:",
        "      - channel: MGUK_Power",
        "        stats: [max]",
        "      - channel: Speed",
        "        stats: [max]",
        "  - type: output",
        "    contracts: [pitgun-envelope/v1, insight-contract/v1]",
        "");

    @TempDir
    Path dir;

    @Test
    void shouldJournalInternalChannelsButNeverStreamThemToSubscribers() throws Exception
    {
        final Path manifest = Files.writeString(dir.resolve("internal.yaml"), MANIFEST);
        final Path dataDir = dir.resolve("data");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.MANIFEST, manifest.toString())))
        {
            final WebSocketMessages subscriber = new WebSocketMessages();
            final WebSocket socket = WebSocketMessages.connect(HttpClient.newHttpClient(),
                gateway.wsUri("/ws?subscribe=derived"), subscriber, Duration.ofSeconds(20));
            Await.until("subscribed", () -> gateway.metric("pitgun_gateway_open_subscribers") == 1);

            final HttpResponse<String> accepted = gateway.beacon(envelope(1, 1, 50.0, 200.0) + "\n" +
                envelope(2, 2, 60.0, 210.0));
            assertEquals(202, accepted.statusCode(), accepted.body());

            boolean sawFrame = false;
            boolean sawInsight = false;
            while (!(sawFrame && sawInsight))
            {
                final String text = subscriber.texts.poll(20, TimeUnit.SECONDS);
                assertNotNull(text, "no output within 20 s (frame " + sawFrame + ", insight " + sawInsight + ")");
                final JsonNode message = JSON.readTree(text);
                if (message.get("type").asText().equals("derived_frame"))
                {
                    final JsonNode samples = message.at("/frame/samples");
                    assertTrue(samples.has("Speed") && samples.has("Speed_ms"), text);
                    assertFalse(samples.has("MGUK_Power"), "internal channel streamed: " + text);
                    assertFalse(samples.has("Hybrid_Share"), "channel derived from an internal one streamed: " + text);
                    sawFrame = true;
                }
                else
                {
                    final JsonNode channels = message.at("/insight/channels");
                    assertTrue(channels.has("Speed"), text);
                    assertFalse(channels.has("MGUK_Power"), "internal channel's statistics streamed: " + text);
                    sawInsight = true;
                }
            }
            socket.abort();
        }
        // Accepted and journaled all the same.
        assertTrue(GatewayHarness.journaledParameterIds(dataDir).contains(15), "MGUK_Power (id 15) journaled");
    }

    private static String envelope(final long sequence, final int lap, final double mguk, final double speed)
    {
        return "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + UUID.randomUUID() +
            "\",\"ts\":\"2026-04-11T12:43:44.279Z\",\"player_id\":\"" + Envelopes.PLAYER + "\",\"session_id\":\"" +
            Envelopes.SESSION + "\",\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[" +
            "{\"sequence\":" + sequence + ",\"timestamp_us\":" + (1_712_345_678_000_000L + sequence * 1_000) +
            ",\"lap_number\":" + lap + ",\"samples\":{\"MGUK_Power\":" + mguk + ",\"Speed\":" + speed + "}}]}}";
    }
}
