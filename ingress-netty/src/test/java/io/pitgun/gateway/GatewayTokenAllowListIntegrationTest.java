package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.EnvelopeJson;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.pitgun.gateway.GatewayTokensIntegrationTest.get;
import static io.pitgun.gateway.GatewayTokensIntegrationTest.post;
import static io.pitgun.gateway.GatewayTokensIntegrationTest.refusedUpgrade;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-token allow-lists ({@code sessions}, {@code channels} in the token file) over real HTTP and WebSocket clients:
 * ingest of a session or channel the token does not name is refused (403, counted by reason), over JSON and binary;
 * a subscriber never receives another session or a channel outside its list (nor what derives from one), and asking
 * for a session it may not read is refused before the upgrade; narrowing a token in the file takes effect without a
 * restart, on connections already open too.
 */
class GatewayTokenAllowListIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OTHER_SESSION = "0192f3a4-5b6c-7d8e-9f00-112233445566";
    private static final String MANIFEST = String.join("\n",
        "version: v1",
        "name: allow-lists",
        "pipeline:",
        "  - type: formula",
        "    derived_channels:",
        "      - name: Speed_ms",
        "        expr: \"Speed / 3.6\"",
        "      - name: Rpm_k",
        "        expr: \"Engine_RPM / 1000.0\"",
        "  - type: output",
        "    contracts: [pitgun-envelope/v1]",
        "");

    @TempDir
    Path dir;

    @Test
    void shouldRefuseIngestOutsideTheTokensSessionsAndChannelsAndApplyANarrowingWithoutRestart() throws Exception
    {
        final Path tokens = dir.resolve("tokens.json");
        final String teamA = TokenFile.add(tokens, "team-a", EnumSet.of(Capability.INGEST), 0,
            List.of("53702b3e-*"), List.of("Speed", "Engine_RPM", "Torque_Nm"));
        final String ops = TokenFile.add(tokens, "ops", EnumSet.of(Capability.METRICS), 0);
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.TOKENS_FILE, tokens.toString())))
        {
            final HttpResponse<String> accepted = post(gateway, "/beacon", "application/json",
                Envelopes.batch(UUID.randomUUID(), 0, 2), teamA, null);
            assertEquals(202, accepted.statusCode(), accepted.body());

            final HttpResponse<String> otherSession = post(gateway, "/beacon", "application/json",
                EnvelopeJson.batch(UUID.randomUUID(), "2026-04-11T12:43:44.279Z", OTHER_SESSION, 10, 1, 1,
                    sequence -> 1_712_345_678_000_000L + sequence), teamA, null);
            assertEquals(403, otherSession.statusCode(), otherSession.body());
            assertTrue(otherSession.body().contains("\"reason\":\"session_not_allowed\""), otherSession.body());
            assertTrue(otherSession.body().contains("may not write session " + OTHER_SESSION), otherSession.body());

            final HttpResponse<String> otherChannel = post(gateway, "/beacon", "application/json",
                envelope(Envelopes.SESSION, 20, "\"Speed\":120.5,\"Gear\":3"), teamA, null);
            assertEquals(403, otherChannel.statusCode(), otherChannel.body());
            assertTrue(otherChannel.body().contains("\"reason\":\"channel_not_allowed\""), otherChannel.body());
            assertTrue(otherChannel.body().contains("may not write channel Gear"), otherChannel.body());

            // Binary frames are held to the same lists: HostileFrames.validFrame is of session 53702b3e-....
            final WebSocketMessages acks = new WebSocketMessages();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + teamA)
                .buildAsync(gateway.wsUri("/ws"), acks).get(20, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.wrap(HostileFrames.validFrame(30)), true).get(10, TimeUnit.SECONDS);
            final String ack = acks.texts.poll(20, TimeUnit.SECONDS);
            assertNotNull(ack, "no answer within 20 s");
            assertTrue(ack.contains("\"type\":\"ack\""), ack);

            // Narrowed in the file (a reload, no restart): the session it wrote a moment ago is refused, over HTTP
            // and on the WebSocket opened before.
            assertTrue(TokenFile.allow(tokens, "team-a", List.of(OTHER_SESSION), List.of("Speed")));
            Await.until("the narrowed token refused", () -> post(gateway, "/beacon", "application/json",
                Envelopes.batch(UUID.randomUUID(), 40, 1), teamA, null).statusCode() == 403);
            ws.sendBinary(ByteBuffer.wrap(HostileFrames.validFrame(31)), true).get(10, TimeUnit.SECONDS);
            final String nack = acks.texts.poll(20, TimeUnit.SECONDS);
            assertNotNull(nack, "no answer within 20 s");
            assertTrue(nack.contains("\"reason\":\"session_not_allowed\""), nack);
            ws.abort();

            assertEquals(3, metric(gateway, ops, "session_not_allowed"));
            assertEquals(1, metric(gateway, ops, "channel_not_allowed"));
        }
        final List<Long> journaled = GatewayHarness.journaledSequences(dir.resolve("data"));
        assertTrue(journaled.containsAll(List.of(0L, 1L, 30L)), journaled.toString());
        assertFalse(journaled.contains(10L) || journaled.contains(20L) || journaled.contains(31L), journaled.toString());
    }

    @Test
    void shouldStreamOnlyTheTokensSessionsAndChannelsToASubscriber() throws Exception
    {
        final Path manifest = Files.writeString(dir.resolve("allow.yaml"), MANIFEST);
        final Path tokens = dir.resolve("tokens.json");
        final String producer = TokenFile.add(tokens, "producer", EnumSet.of(Capability.INGEST), 0);
        final String viewerA = TokenFile.add(tokens, "viewer-a", EnumSet.of(Capability.SUBSCRIBE), 0,
            List.of(Envelopes.SESSION), List.of("Speed"));
        final String ops = TokenFile.add(tokens, "ops", EnumSet.of(Capability.METRICS), 0);
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of(
            GatewaySetting.MANIFEST, manifest.toString(), GatewaySetting.TOKENS_FILE, tokens.toString())))
        {
            assertEquals(403, refusedUpgrade(gateway, "/ws?subscribe=derived&session=" + OTHER_SESSION, viewerA));
            assertEquals(1, metric(gateway, ops, "session_not_allowed"));

            final WebSocketMessages all = subscribe(gateway, viewerA, "/ws?subscribe=derived");
            final WebSocketMessages one = subscribe(gateway, viewerA, "/ws?subscribe=derived&session=" +
                Envelopes.SESSION);

            // The other session first: were it streamed, it would arrive before the allowed one.
            final String body = EnvelopeJson.batch(UUID.randomUUID(), "2026-04-11T12:43:44.279Z", OTHER_SESSION, 0, 1,
                1, sequence -> 1_712_345_678_000_000L + sequence) + "\n" + Envelopes.batch(UUID.randomUUID(), 1, 1);
            final HttpResponse<String> accepted = post(gateway, "/beacon", "application/x-ndjson", body, producer, null);
            assertEquals(202, accepted.statusCode(), accepted.body());
            for (final WebSocketMessages subscriber : List.of(all, one))
            {
                final JsonNode frame = nextFrame(subscriber);
                assertEquals(Envelopes.SESSION, frame.at("/frame/session_id").asText(), frame.toString());
                final JsonNode samples = frame.at("/frame/samples");
                assertTrue(samples.has("Speed") && samples.has("Speed_ms"), frame.toString());
                assertFalse(samples.has("Engine_RPM"), "a channel outside the list streamed: " + frame);
                assertFalse(samples.has("Rpm_k"), "a channel derived from one outside the list streamed: " + frame);
            }

            // Narrowed to Engine_RPM: both go on with the new list; then to another session: the one that asked
            // for this session is closed (1008), the other no longer sees it.
            assertTrue(TokenFile.allow(tokens, "viewer-a", List.of(Envelopes.SESSION), List.of("Engine_RPM")));
            long sequence = 2;
            JsonNode narrowed;
            do
            {
                assertEquals(202, post(gateway, "/beacon", "application/json",
                    Envelopes.batch(UUID.randomUUID(), sequence++, 1), producer, null).statusCode());
                narrowed = nextFrame(all);
            }
            while (narrowed.at("/frame/samples").has("Speed"));
            assertTrue(narrowed.at("/frame/samples").has("Rpm_k"), narrowed.toString());

            assertTrue(TokenFile.allow(tokens, "viewer-a", List.of(OTHER_SESSION), List.of()));
            assertEquals(1008, one.closed.get(20, TimeUnit.SECONDS));
            assertEquals("session not allowed", one.closeReason.get(20, TimeUnit.SECONDS));
            assertEquals(2, metric(gateway, ops, "session_not_allowed"));
            // Closed for the session, not for a revoked token (before, counted and audited as token_revoked).
            Await.until("the close counted", () -> series(gateway, ops,
                "pitgun_gateway_ws_closes_total{reason=\"session_not_allowed\"}") == 1);
            assertEquals(0, series(gateway, ops, "pitgun_gateway_ws_closes_total{reason=\"token_revoked\"}"));
        }
    }

    private static JsonNode nextFrame(final WebSocketMessages subscriber) throws Exception
    {
        while (true)
        {
            final String text = subscriber.texts.poll(20, TimeUnit.SECONDS);
            assertNotNull(text, "no output within 20 s");
            final JsonNode message = JSON.readTree(text);
            if (message.path("type").asText().equals("derived_frame"))
            {
                return message;
            }
        }
    }

    private static WebSocketMessages subscribe(final GatewayHarness gateway, final String token, final String path)
        throws Exception
    {
        final WebSocketMessages messages = new WebSocketMessages();
        final double before = gateway.server.counters().openSubscribers.get();
        final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .buildAsync(gateway.wsUri(path), messages).get(20, TimeUnit.SECONDS);
        assertNotNull(ws);
        Await.until("subscribed", () -> gateway.server.counters().openSubscribers.get() == before + 1);
        return messages;
    }

    private static String envelope(final String session, final long sequence, final String samples)
    {
        return EnvelopeJson.head(UUID.randomUUID(), "2026-04-11T12:43:44.279Z", session, "telemetry.sample_batch") +
            "\"payload\":{\"frames\":[{\"sequence\":" + sequence + ",\"timestamp_us\":" +
            (1_712_345_678_000_000L + sequence) + ",\"lap_number\":1,\"samples\":{" + samples + "}}]}}";
    }

    /** {@code pitgun_gateway_rejections_total{reason}} read with the metrics token. */
    private static double metric(final GatewayHarness gateway, final String token, final String reason)
        throws Exception
    {
        return series(gateway, token, "pitgun_gateway_rejections_total{reason=\"" + reason + "\"}");
    }

    /** The value of {@code series} in {@code /metrics}, read with the metrics token. */
    private static double series(final GatewayHarness gateway, final String token, final String series)
        throws Exception
    {
        final HttpResponse<String> answer = get(gateway, "/metrics", token);
        assertEquals(200, answer.statusCode(), answer.body());
        for (final String line : answer.body().split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in /metrics:\n" + answer.body());
    }
}
