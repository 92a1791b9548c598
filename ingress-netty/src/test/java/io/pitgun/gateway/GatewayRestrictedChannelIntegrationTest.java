package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Channels that the dictionary marks {@code restricted} (in sim.v1: {@code Fuel_Flow_Sensor_Count} and
 * {@code Engine_Map}) are accepted only from the client addresses in {@code RESTRICTED_CLIENTS}, over HTTP and over
 * WebSocket (text and binary): from anyone else the request is refused whole, counted, and nothing is journaled.
 */
class GatewayRestrictedChannelIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ParameterRegistry SIM_V1 = ParameterRegistry.simV1();
    private static final String ENGINE_MAP = "Engine_Map";
    private static final String FUEL_FLOW = "Fuel_Flow_Sensor_Count";
    private static final String RESTRICTED_REJECTIONS = "pitgun_gateway_rejections_total{reason=\"restricted_channel\"}";
    /** An address that is not the test's own, so a list that holds only it does not allow this client. */
    private static final String OTHER_CLIENT = "10.11.12.13";

    @TempDir
    Path dataDir;

    @Test
    void simV1ShouldMarkTheChannelsThisTestSendsRestricted()
    {
        assertEquals(AccessLevel.RESTRICTED, SIM_V1.byName(ENGINE_MAP).access());
        assertEquals(AccessLevel.RESTRICTED, SIM_V1.byName(FUEL_FLOW).access());
        assertEquals(AccessLevel.PUBLIC, SIM_V1.byName("Speed").access());
    }

    @Test
    void shouldRefuseARestrictedChannelOverHttpFromAClientNotListed() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RESTRICTED_CLIENTS, OTHER_CLIENT)))
        {
            // Two envelopes, the second with Engine_Map in its frame 1: nothing of the request is ingested.
            final HttpResponse<String> refused = gateway.post("/beacon", "application/x-ndjson",
                Envelopes.batch(UUID.randomUUID(), 0, 1) + "\n" + withRestricted(UUID.randomUUID(), 1, ENGINE_MAP, "3"));
            assertEquals(422, refused.statusCode(), refused.body());
            final JsonNode answer = JSON.readTree(refused.body());
            assertEquals("rejected", answer.get("status").asText());
            assertEquals("restricted_channel", answer.get("reason").asText(), refused.body());
            assertEquals(0, answer.get("frames_accepted").asInt());
            assertEquals(1, answer.get("errors").size(), refused.body());
            final JsonNode error = answer.get("errors").get(0);
            assertEquals(1, error.get("index").asInt());
            assertEquals(1, error.get("frame").asInt());
            assertEquals("RESTRICTED_CHANNEL", error.get("code").asText());
            assertEquals(422, error.get("status").asInt());
            assertEquals("/payload/frames/1/samples/" + ENGINE_MAP, error.get("pointer").asText());
            assertTrue(error.get("message").asText().contains(ENGINE_MAP), error.toString());
            assertFalse(refused.body().contains("Exception"), refused.body());

            assertEquals(1, gateway.metric(RESTRICTED_REJECTIONS));
            assertEquals(1, gateway.metric("pitgun_gateway_responses_total{endpoint=\"beacon\",status=\"422\"}"));
            assertEquals(0, gateway.metric("pitgun_gateway_frames_published_total"));
        }
        assertEquals(List.of(), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldAcceptARestrictedChannelOverHttpFromAListedClient() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir,
            Map.of(GatewaySetting.RESTRICTED_CLIENTS, OTHER_CLIENT + ", 127.0.0.1")))
        {
            final HttpResponse<String> accepted = gateway.post("/beacon", "application/x-ndjson",
                Envelopes.batch(UUID.randomUUID(), 0, 1) + "\n" + withRestricted(UUID.randomUUID(), 1, ENGINE_MAP, "3"));
            assertEquals(202, accepted.statusCode(), accepted.body());
            assertEquals(3, JSON.readTree(accepted.body()).get("frames_accepted").asInt());
            assertEquals(0, gateway.metric(RESTRICTED_REJECTIONS));
        }
        assertEquals(List.of(0L, 1L, 2L), GatewayHarness.journaledSequences(dataDir));
        assertTrue(GatewayHarness.journaledParameterIds(dataDir).contains(SIM_V1.byName(ENGINE_MAP).id()),
            "the restricted channel is journaled");
    }

    @Test
    void shouldNackARestrictedChannelOverWebSocketFromAClientNotListed() throws Exception
    {
        final UUID eventId = UUID.randomUUID();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);

            ws.sendText(withRestricted(eventId, 0, FUEL_FLOW, "123456"), true).get(5, TimeUnit.SECONDS);
            final JsonNode text = collector.next();
            assertEquals("nack", text.get("type").asText(), text.toString());
            assertEquals(eventId.toString(), text.get("event_id").asText());
            assertEquals(0, text.get("message_number").asLong());
            assertEquals(422, text.get("http_status").asInt());
            assertEquals("restricted_channel", text.get("reason").asText());
            assertTrue(text.get("message").asText().contains("nothing of this request was ingested"), text.toString());
            assertEquals(0, text.get("frames_accepted").asInt());
            final JsonNode error = text.get("errors").get(0);
            assertEquals("RESTRICTED_CHANNEL", error.get("code").asText());
            assertEquals("/payload/frames/1/samples/" + FUEL_FLOW, error.get("pointer").asText());

            // Binary: the same frames as SBE (encoded by a decoder that is allowed them).
            ws.sendBinary(sbe(withRestricted(UUID.randomUUID(), 10, FUEL_FLOW, "123456")), true).get(5, TimeUnit.SECONDS);
            final JsonNode binary = collector.next();
            assertEquals("nack", binary.get("type").asText(), binary.toString());
            assertFalse(binary.has("event_id"), binary.toString());
            assertEquals(1, binary.get("message_number").asLong());
            assertEquals(422, binary.get("http_status").asInt());
            assertEquals("restricted_channel", binary.get("reason").asText());
            assertTrue(binary.get("message").asText().contains(FUEL_FLOW), binary.toString());
            assertTrue(binary.get("message").asText().startsWith("message 1 at byte "), binary.toString());
            assertEquals(0, binary.get("frames_accepted").asInt());

            // The connection stays usable: a message without restricted channels is acknowledged.
            ws.sendText(Envelopes.batch(UUID.randomUUID(), 20, 1), true).get(5, TimeUnit.SECONDS);
            final JsonNode ack = collector.next();
            assertEquals("ack", ack.get("type").asText(), ack.toString());
            assertEquals(2, ack.get("message_number").asLong());

            assertEquals(2, gateway.metric(RESTRICTED_REJECTIONS));
            assertEquals(1, gateway.metric("pitgun_gateway_responses_total{endpoint=\"ws_text\",status=\"422\"}"));
            assertEquals(1, gateway.metric("pitgun_gateway_responses_total{endpoint=\"ws_binary\",status=\"422\"}"));
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
        assertEquals(List.of(20L), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldAckARestrictedChannelOverWebSocketFromAListedClient() throws Exception
    {
        final UUID eventId = UUID.randomUUID();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RESTRICTED_CLIENTS, "127.0.0.1")))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);

            ws.sendText(withRestricted(eventId, 0, FUEL_FLOW, "123456"), true).get(5, TimeUnit.SECONDS);
            final JsonNode text = collector.next();
            assertEquals("ack", text.get("type").asText(), text.toString());
            assertEquals(eventId.toString(), text.get("event_id").asText());
            assertEquals(0, text.get("message_number").asLong());
            assertEquals(202, text.get("http_status").asInt());
            assertEquals(2, text.get("frames_accepted").asInt());

            ws.sendBinary(sbe(withRestricted(UUID.randomUUID(), 10, ENGINE_MAP, "7")), true).get(5, TimeUnit.SECONDS);
            final JsonNode binary = collector.next();
            assertEquals("ack", binary.get("type").asText(), binary.toString());
            assertEquals(1, binary.get("message_number").asLong());
            assertEquals(2, binary.get("frames_accepted").asInt());

            assertEquals(0, gateway.metric(RESTRICTED_REJECTIONS));
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
        assertEquals(List.of(0L, 1L, 10L, 11L), GatewayHarness.journaledSequences(dataDir));
        assertTrue(GatewayHarness.journaledParameterIds(dataDir).containsAll(
            Set.of(SIM_V1.byName(FUEL_FLOW).id(), SIM_V1.byName(ENGINE_MAP).id())));
    }

    /** A two-frame envelope whose frame 1 also carries the restricted {@code channel}. */
    private static String withRestricted(final UUID eventId, final long firstSequence, final String channel,
        final String value)
    {
        final String plain = Envelopes.batch(eventId, firstSequence, 2);
        final String restricted = plain.replaceFirst("(?s)(.*)\"Torque_Nm\":300.25",
            "$1\"Torque_Nm\":300.25,\"" + channel + "\":" + value);
        assertTrue(restricted.contains(channel), restricted);
        return restricted;
    }

    /** The envelope's frames as SBE messages, as a binary WebSocket client sends them. */
    private static ByteBuffer sbe(final String envelope)
    {
        final EnvelopeDecoder decoder = new EnvelopeDecoder(SIM_V1).allowRestricted(true);
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1 << 16);
        final byte[] text = envelope.getBytes(StandardCharsets.UTF_8);
        assertTrue(decoder.decode(text, 0, text.length, out, 0), () -> decoder.error().toString());
        return ByteBuffer.wrap(out.byteArray(), 0, decoder.result().encodedLength());
    }
}
