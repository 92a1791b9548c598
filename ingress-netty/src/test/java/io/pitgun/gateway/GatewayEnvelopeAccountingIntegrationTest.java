package io.pitgun.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.HeldThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every envelope the gateway reads is counted once by what happened to it, and from {@code /metrics} alone
 * {@code pitgun_gateway_envelopes_received_total} is the sum of {@code pitgun_gateway_envelopes_total}'s outcomes,
 * each consistent with the answer's {@code envelope_status} / {@code errors}. Found by a black-box tester:
 * {@code outcome="partial"} counted envelopes of which no frame went in (a loadgen run: partial 7,337, exactly the
 * ring_full refusals, whose answers said {@code "frames_accepted":0,"state":"not_accepted"}), and the valid envelope
 * of a request refused all-or-nothing, or after a 409 in the same body, was counted nowhere.
 */
@Timeout(60)
class GatewayEnvelopeAccountingIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> OUTCOMES = List.of("accepted", "duplicate", "partial", "refused", "not_accepted");
    private static final int RING = 64;

    @TempDir
    Path dataDir;

    /** Partial only when some of the envelope's frames are in; one the full ring took nothing of is not_accepted. */
    @Test
    void shouldCountAnEnvelopeTheFullRingTookNothingOfAsNotAcceptedNotPartial() throws Exception
    {
        final HeldThreads held = new HeldThreads();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.CHANNEL_CAPACITY, "" + RING,
            GatewaySetting.ACK_MODE, "accepted"), held))
        {
            // More frames than the ring has slots: it goes in frame by frame, 64 of its 80 before the ring is full.
            final HttpResponse<String> partly = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, RING + 16));
            assertEquals(503, partly.statusCode(), partly.body());
            assertEquals("partial", state(partly, 0), partly.body());
            assertEquals(1.0, gateway.metric("pitgun_gateway_envelopes_total{outcome=\"partial\"}"), partly.body());

            // Two envelopes that fit the ring, which is full: neither goes in (each all at once or not at all).
            final HttpResponse<String> refused = gateway.post("/beacon", "application/x-ndjson",
                Envelopes.batch(UUID.randomUUID(), 100, 16) + "\n" + Envelopes.batch(UUID.randomUUID(), 200, 16));
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("ring_full", JSON.readTree(refused.body()).get("reason").asText(), refused.body());
            assertEquals("not_accepted", state(refused, 0), refused.body());
            assertEquals("not_accepted", state(refused, 1), refused.body());
            assertEquals(1.0, gateway.metric("pitgun_gateway_envelopes_total{outcome=\"partial\"}"),
                "only the envelope of which some frames went in is partial");
            assertEquals(Map.of("accepted", 0L, "duplicate", 0L, "partial", 1L, "refused", 0L, "not_accepted", 2L),
                outcomes(gateway, 3), "the ring_full envelopes are not partial");
            held.release();
        }
    }

    /**
     * All or nothing: the valid envelope of a request with bad ones, and the one after a 409 in the same body, are
     * not_accepted; the bad ones and the conflicting one refused; received is their sum, on both transports.
     */
    @Test
    void shouldCountEveryEnvelopeOfARefusedRequestOnce() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final String bad = Envelopes.batch(UUID.randomUUID(), 0, 1).replace("\"Speed\"", "\"Sped\"");
            final HttpResponse<String> invalid = gateway.post("/beacon", "application/x-ndjson",
                String.join("\n", bad, bad.replace("Sped", "Spee"), bad.replace("Sped", "Spd"),
                    Envelopes.batch(UUID.randomUUID(), 1, 1)));
            assertEquals(422, invalid.statusCode(), invalid.body());
            assertEquals(Map.of("accepted", 0L, "duplicate", 0L, "partial", 0L, "refused", 3L, "not_accepted", 1L),
                outcomes(gateway, 4), "the valid envelope of the refused request");

            final UUID reused = UUID.randomUUID();
            assertEquals(202, gateway.beacon(Envelopes.batch(reused, 10, 2)).statusCode());
            final HttpResponse<String> conflict = gateway.post("/beacon", "application/x-ndjson",
                Envelopes.batch(reused, 20, 3) + "\n" + Envelopes.batch(UUID.randomUUID(), 30, 1));
            assertEquals(409, conflict.statusCode(), conflict.body());
            // What the client is told agrees with the count: the conflicting envelope refused (a resend of it would
            // be 409 again; its entry said not_accepted, "resend it unchanged", before), the one after it to resend.
            final com.fasterxml.jackson.databind.JsonNode entries = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(conflict.body()).get("errors");
            assertEquals("refused", entries.get(0).get("state").asText(), conflict.body());
            assertEquals("not_accepted", entries.get(1).get("state").asText(), conflict.body());
            assertEquals(Map.of("accepted", 1L, "duplicate", 0L, "partial", 0L, "refused", 4L, "not_accepted", 2L),
                outcomes(gateway, 7), "the conflicting envelope refused, the one after it not accepted");

            final String twice = Envelopes.batch(UUID.randomUUID(), 40, 1) + "\n" + Envelopes.batch(reused, 10, 2);
            assertEquals(202, gateway.post("/beacon", "application/x-ndjson", twice).statusCode());
            assertEquals(202, gateway.post("/beacon", "application/x-ndjson", twice).statusCode());
            assertEquals(Map.of("accepted", 2L, "duplicate", 3L, "partial", 0L, "refused", 4L, "not_accepted", 2L),
                outcomes(gateway, 11));

            // A WebSocket text message of two envelopes is refused whole: one received, refused.
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);
            ws.sendText(Envelopes.batch(UUID.randomUUID(), 50, 1) + " " + Envelopes.batch(UUID.randomUUID(), 51, 1),
                true).get(5, TimeUnit.SECONDS);
            assertEquals("no_envelope", collector.next().get("reason").asText());
            ws.sendText(Envelopes.batch(UUID.randomUUID(), 52, 1), true).get(5, TimeUnit.SECONDS);
            assertEquals("ack", collector.next().get("type").asText());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            assertEquals(Map.of("accepted", 3L, "duplicate", 3L, "partial", 0L, "refused", 5L, "not_accepted", 2L),
                outcomes(gateway, 13));
        }
    }

    private static String state(final HttpResponse<String> answer, final int envelope) throws Exception
    {
        return JSON.readTree(answer.body()).get("envelope_status").get(envelope).get("state").asText();
    }

    /**
     * {@code pitgun_gateway_envelopes_total} by outcome, after checking that {@code received} envelopes were read
     * and that they add up to it.
     */
    static Map<String, Long> outcomes(final GatewayHarness gateway, final long received) throws Exception
    {
        final Map<String, Long> outcomes = new LinkedHashMap<>();
        long sum = 0;
        for (final String outcome : OUTCOMES)
        {
            final long value = (long)gateway.metric("pitgun_gateway_envelopes_total{outcome=\"" + outcome + "\"}");
            outcomes.put(outcome, value);
            sum += value;
        }
        assertEquals(received, (long)gateway.metric("pitgun_gateway_envelopes_received_total"), outcomes.toString());
        assertEquals(received, sum, "received = the sum of the outcomes: " + outcomes);
        return outcomes;
    }
}
