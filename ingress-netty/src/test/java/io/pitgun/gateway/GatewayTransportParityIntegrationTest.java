package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /beacon} and a WebSocket text message go through one ingest path: for the same envelope the beacon's
 * status is the nack's {@code http_status}, and the outcome fields are the same — accepted, acknowledged again as
 * a duplicate, refused for a reused {@code event_id}, refused by the dictionary.
 */
@Timeout(60)
class GatewayTransportParityIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> OUTCOME = List.of("status", "reason", "envelopes", "envelopes_accepted",
        "envelopes_duplicate", "frames_accepted", "ack_mode");

    @TempDir
    Path dataDir;

    @Test
    void shouldAnswerTheSameOutcomeOverHttpAndWebSocket() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);
            final UUID httpId = UUID.randomUUID();
            final UUID wsId = UUID.randomUUID();
            final List<Function<UUID, String>> envelopes = List.of(
                id -> Envelopes.batch(id, 0, 2),                                        // accepted
                id -> Envelopes.batch(id, 0, 2),                                        // duplicate: acked again
                id -> Envelopes.batch(id, 5, 3),                                        // same id, other content: 409
                id -> Envelopes.batch(UUID.randomUUID(), 9, 1).replace("\"Speed\"", "\"Sped\"")); // 422
            final int[] expectedStatus = {202, 202, 409, 422};
            for (int i = 0; i < envelopes.size(); i++)
            {
                final HttpResponse<String> beacon = gateway.beacon(envelopes.get(i).apply(httpId));
                ws.sendText(envelopes.get(i).apply(wsId), true).get(5, TimeUnit.SECONDS);
                final JsonNode http = JSON.readTree(beacon.body());
                final JsonNode message = collector.next();
                assertEquals(expectedStatus[i], beacon.statusCode(), beacon.body());
                assertEquals(beacon.statusCode(), message.get("http_status").asInt(), message.toString());
                assertEquals(expectedStatus[i] == 202 ? "ack" : "nack", message.get("type").asText());
                assertEquals(i, message.get("message_number").asLong());
                for (final String field : OUTCOME)
                {
                    assertEquals(String.valueOf(http.get(field)), String.valueOf(message.get(field)),
                        field + " of envelope " + i + ": " + http + " vs " + message);
                }
                assertEquals(http.has("journal_index"), message.has("journal_index"), http + " vs " + message);
                assertEquals(String.valueOf(http.path("errors").path(0).path("code")),
                    String.valueOf(message.path("errors").path(0).path("code")));
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
    }
    /**
     * Each binary message's ack names the journal position of its own last frame. After the idempotency change of
     * this session, a binary message's answer looked up position -1 and got the last tail read's index: the second
     * of three messages was answered with the first one's (found by a review).
     */
    @Test
    void shouldNameEachBinaryMessagesOwnJournalIndex() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);
            final EnvelopeDecoder decoder = new EnvelopeDecoder(ParameterRegistry.simV1());
            final ExpandableArrayBuffer sbe = new ExpandableArrayBuffer(1 << 16);
            long previous = -1;
            for (int k = 0; k < 3; k++)
            {
                final byte[] text = Envelopes.batch(UUID.randomUUID(), k * 3L, 3).getBytes(StandardCharsets.UTF_8);
                assertTrue(decoder.decode(text, 0, text.length, sbe, 0));
                ws.sendBinary(ByteBuffer.wrap(sbe.byteArray(), 0, decoder.result().encodedLength()), true)
                    .get(5, TimeUnit.SECONDS);
                final JsonNode ack = collector.next();
                assertEquals("ack", ack.get("type").asText(), ack.toString());
                final long index = ack.path("journal_index").asLong(-1);
                assertTrue(index > previous, "message " + k + " after the previous one's " + previous + ": " + ack);
                previous = index;
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
    }
}
