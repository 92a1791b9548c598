package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restricted channels on the way out, over real WebSocket subscriptions of a session that carries one
 * ({@code Engine_Map}, restricted in sim.v1): a subscriber whose token has {@code read_restricted} receives it, what
 * is derived from it, and its lap statistics; one without never does. Internal channels reach neither, nor does a
 * channel derived from an internal and a restricted one.
 */
class GatewayReadRestrictedIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MANIFEST = String.join("\n",
        "version: v1",
        "name: restricted-out",
        "pipeline:",
        "  - type: formula",
        "    derived_channels:",
        "      - name: Map_Tenth",
        "        expr: \"Engine_Map / 10.0\"",
        "      - name: Map_And_Hybrid",
        "        expr: \"Engine_Map + MGUK_Power\"",
        "      - name: Speed_ms",
        "        expr: \"Speed / 3.6\"",
        "  - type: segment",
        "    by: lap",
        "    aggregates:",
        "      - channel: Engine_Map",
        "        stats: [max]",
        "      - channel: Speed",
        "        stats: [max]",
        "  - type: output",
        "    contracts: [pitgun-envelope/v1, insight-contract/v1]",
        "");

    @TempDir
    Path dir;

    @Test
    void shouldStreamRestrictedChannelsOnlyToSubscribersWithReadRestricted() throws Exception
    {
        final Tokens tokens = tokens();
        try (GatewayHarness gateway = start(tokens))
        {
            final WebSocketMessages restricted = subscribe(gateway, tokens.analyst());
            final WebSocketMessages plain = subscribe(gateway, tokens.viewer());

            final String body = envelope(1, 1, 4, 50.0, 200.0) + "\n" + envelope(2, 2, 5, 60.0, 210.0);
            final HttpResponse<String> accepted = gateway.client.send(HttpRequest.newBuilder(gateway.uri("/beacon"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-ndjson")
                .header("Authorization", "Bearer " + tokens.producer())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(202, accepted.statusCode(), accepted.body());

            expect(restricted, true);
            expect(plain, false);
        }
    }

    /**
     * A frame whose every channel a subscriber may not read does not reach it, not even with empty samples: that it
     * came, and when, would tell about those channels. Counted in {@code /metrics}.
     */
    @Test
    void shouldWithholdFramesOfOnlyChannelsASubscriberMayNotRead() throws Exception
    {
        final Tokens tokens = tokens();
        try (GatewayHarness gateway = start(tokens))
        {
            final WebSocketMessages restricted = subscribe(gateway, tokens.analyst());
            final WebSocketMessages plain = subscribe(gateway, tokens.viewer());

            // 1: a restricted channel only; 2: an internal one only; 3: a public one, the last.
            final HttpResponse<String> accepted = post(gateway, tokens, frame(1, "\"Engine_Map\":4") + "," +
                frame(2, "\"MGUK_Power\":50.0") + "," + frame(3, "\"Speed\":200.0"));
            assertEquals(202, accepted.statusCode(), accepted.body());

            assertEquals(List.of(1L, 3L), sequencesUpTo(restricted, 3));
            assertEquals(List.of(3L), sequencesUpTo(plain, 3));
            final HttpResponse<String> metrics = gateway.client.send(HttpRequest.newBuilder(gateway.uri("/metrics"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + tokens.operator()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode(), metrics.body());
            // Frame 2 withheld from both audiences, frame 1 from the one without read_restricted.
            assertTrue(Pattern.compile("^pitgun_gateway_subscriber_frames_withheld_total 3$", Pattern.MULTILINE)
                .matcher(metrics.body()).find(), metrics.body());
        }
    }

    /**
     * A manifest's whitelist can empty a frame of the channels it came with: such a frame does not reach a subscriber
     * either, even one with {@code read_restricted}, as it no longer says what it carried.
     */
    @Test
    void shouldWithholdFramesAWhitelistEmptied() throws Exception
    {
        final Tokens tokens = tokens();
        try (GatewayHarness gateway = start(tokens, String.join("\n", "version: v1", "name: speed-only",
            "pipeline:", "  - type: filter", "    whitelist: [Speed]", "")))
        {
            final WebSocketMessages restricted = subscribe(gateway, tokens.analyst());
            final WebSocketMessages plain = subscribe(gateway, tokens.viewer());

            final HttpResponse<String> accepted = post(gateway, tokens, frame(1, "\"Engine_Map\":4") + "," +
                frame(2, "\"Speed\":200.0"));
            assertEquals(202, accepted.statusCode(), accepted.body());

            assertEquals(List.of(2L), sequencesUpTo(restricted, 2));
            assertEquals(List.of(2L), sequencesUpTo(plain, 2));
        }
    }

    /**
     * A derived channel present in every frame (a constant, the last value of a public channel) does not make a frame
     * of restricted channels worth sending to a subscriber without {@code read_restricted}: it would tell when such
     * frames came.
     */
    @Test
    void shouldWithholdFramesWhoseReadableChannelsArePresentInEveryFrame() throws Exception
    {
        final Tokens tokens = tokens();
        try (GatewayHarness gateway = start(tokens, String.join("\n", "version: v1", "name: always-present",
            "pipeline:", "  - type: formula", "    derived_channels:", "      - name: One", "        expr: \"1.0\"",
            "      - name: Held", "        expr: \"hold(Speed)\"", "")))
        {
            final WebSocketMessages restricted = subscribe(gateway, tokens.analyst());
            final WebSocketMessages plain = subscribe(gateway, tokens.viewer());

            final HttpResponse<String> accepted = post(gateway, tokens, frame(1, "\"Speed\":200.0") + "," +
                frame(2, "\"Engine_Map\":4") + "," + frame(3, "\"Speed\":201.0"));
            assertEquals(202, accepted.statusCode(), accepted.body());

            assertEquals(List.of(1L, 2L, 3L), sequencesUpTo(restricted, 3));
            assertEquals(List.of(1L, 3L), sequencesUpTo(plain, 3));
        }
    }

    /** The sequences of the frames {@code subscriber} receives, up to and including {@code last}. */
    private static List<Long> sequencesUpTo(final WebSocketMessages subscriber, final long last)
        throws Exception
    {
        final List<Long> sequences = new ArrayList<>();
        while (sequences.isEmpty() || sequences.get(sequences.size() - 1) != last)
        {
            final String text = subscriber.texts.poll(20, TimeUnit.SECONDS);
            assertNotNull(text, "no frame " + last + " within 20 s; frames so far " + sequences);
            final JsonNode message = JSON.readTree(text);
            if (message.get("type").asText().equals("derived_frame"))
            {
                assertTrue(message.at("/frame/samples").size() > 0, "a frame with no channel to show: " + text);
                sequences.add(message.at("/frame/sequence").asLong());
            }
        }
        return sequences;
    }

    /** POSTs one envelope of {@code frames} (JSON frame objects, comma-separated) as the producer. */
    private static HttpResponse<String> post(final GatewayHarness gateway, final Tokens tokens, final String frames)
        throws Exception
    {
        final String body = "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + UUID.randomUUID() +
            "\",\"ts\":\"2026-04-11T12:43:44.279Z\",\"player_id\":\"" + Envelopes.PLAYER + "\",\"session_id\":\"" +
            Envelopes.SESSION + "\",\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[" + frames +
            "]}}";
        return gateway.client.send(HttpRequest.newBuilder(gateway.uri("/beacon")).timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json").header("Authorization", "Bearer " + tokens.producer())
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String frame(final long sequence, final String samples)
    {
        return "{\"sequence\":" + sequence + ",\"timestamp_us\":" + (1_712_345_678_000_000L + sequence * 1_000) +
            ",\"lap_number\":1,\"samples\":{" + samples + "}}";
    }

    /** The secrets of the test's tokens, in the file {@link #start} gives the gateway. */
    private record Tokens(Path file, String producer, String analyst, String viewer, String operator)
    {
    }

    private Tokens tokens() throws Exception
    {
        final Path file = dir.resolve("tokens.json");
        return new Tokens(file, TokenFile.add(file, "producer", EnumSet.of(Capability.INGEST), 0),
            TokenFile.add(file, "analyst", EnumSet.of(Capability.SUBSCRIBE, Capability.READ_RESTRICTED), 0),
            TokenFile.add(file, "viewer", EnumSet.of(Capability.SUBSCRIBE), 0),
            TokenFile.add(file, "operator", EnumSet.of(Capability.METRICS), 0));
    }

    /** A gateway running the test's manifest with {@code tokens}, restricted channels allowed from the producer. */
    private GatewayHarness start(final Tokens tokens) throws Exception
    {
        return start(tokens, MANIFEST);
    }

    /** The same with another manifest. */
    private GatewayHarness start(final Tokens tokens, final String manifestText) throws Exception
    {
        final Path manifest = Files.writeString(dir.resolve("restricted.yaml"), manifestText);
        return new GatewayHarness(dir.resolve("data"), Map.of(GatewaySetting.MANIFEST, manifest.toString(),
            GatewaySetting.TOKENS_FILE, tokens.file().toString(), GatewaySetting.RESTRICTED_CLIENTS, "producer"));
    }

    /** Reads frames and an insight from {@code subscriber} and checks what it may see. */
    private static void expect(final WebSocketMessages subscriber, final boolean readsRestricted) throws Exception
    {
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
                assertEquals(readsRestricted, samples.has("Engine_Map"), text);
                assertEquals(readsRestricted, samples.has("Map_Tenth"), text);
                assertFalse(samples.has("MGUK_Power"), "internal channel streamed: " + text);
                assertFalse(samples.has("Map_And_Hybrid"), "channel derived from an internal one streamed: " + text);
                sawFrame = true;
            }
            else
            {
                final JsonNode channels = message.at("/insight/channels");
                assertTrue(channels.has("Speed"), text);
                assertEquals(readsRestricted, channels.has("Engine_Map"), text);
                sawInsight = true;
            }
        }
    }

    private static WebSocketMessages subscribe(final GatewayHarness gateway, final String token) throws Exception
    {
        final WebSocketMessages messages = new WebSocketMessages();
        final double before = gateway.server.counters().openSubscribers.get();
        final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .buildAsync(gateway.wsUri("/ws?subscribe=derived"), messages).get(20, TimeUnit.SECONDS);
        assertNotNull(ws);
        Await.until("subscribed", () -> gateway.server.counters().openSubscribers.get() == before + 1);
        return messages;
    }

    private static String envelope(final long sequence, final int lap, final int engineMap, final double mguk,
        final double speed)
    {
        return "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + UUID.randomUUID() +
            "\",\"ts\":\"2026-04-11T12:43:44.279Z\",\"player_id\":\"" + Envelopes.PLAYER + "\",\"session_id\":\"" +
            Envelopes.SESSION + "\",\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[" +
            "{\"sequence\":" + sequence + ",\"timestamp_us\":" + (1_712_345_678_000_000L + sequence * 1_000) +
            ",\"lap_number\":" + lap + ",\"samples\":{\"MGUK_Power\":" + mguk + ",\"Engine_Map\":" + engineMap +
            ",\"Speed\":" + speed + "}}]}}";
    }
}
