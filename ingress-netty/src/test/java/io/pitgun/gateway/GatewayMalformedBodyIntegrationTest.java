package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A body that is not JSON at its top level is refused once, 400 {@code malformed_json} with the {@code errors[]}
 * entry gateway.md's 400 row promises, and the same bytes as a WebSocket text message get the same answer. Found
 * by a black-box tester: {@code not json} on HTTP was split on its whitespace into two "envelopes", refused and
 * counted twice, while as a WebSocket message it was 422 {@code no_envelope} ("this one holds 2"); and a body broken
 * at its top level ({@code {"schema_version":}, {@code [{"a":1},}) got a 400 without {@code errors[]}.
 */
@Timeout(60)
class GatewayMalformedBodyIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each body, and the byte at which it is broken. */
    private static final Map<String, Integer> BODIES = Map.of(
        "not json", 0,
        "{\"schema_version\":", 18,
        "[{\"a\":1},", 9,
        "42", 0);

    @TempDir
    Path dataDir;

    @Test
    void shouldRefuseABodyBrokenAtItsTopLevelOnceAndAlikeOnBothTransports() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);
            int refusals = 0;
            for (final Map.Entry<String, Integer> body : BODIES.entrySet())
            {
                final HttpResponse<String> beacon = gateway.beacon(body.getKey());
                final JsonNode http = JSON.readTree(beacon.body());
                refusals++;

                assertEquals(400, beacon.statusCode(), body.getKey() + ": " + beacon.body());
                assertEquals("malformed_json", http.get("reason").asText(), beacon.body());
                assertEquals(1, http.path("errors").size(), "one errors[] entry: " + beacon.body());
                final JsonNode error = http.get("errors").get(0);
                assertEquals("MALFORMED_JSON", error.get("code").asText(), beacon.body());
                assertEquals(400, error.get("status").asInt(), beacon.body());
                assertEquals("", error.get("pointer").asText(), beacon.body());
                assertEquals((int)body.getValue(), error.get("byte_offset").asInt(), beacon.body());
                assertTrue(error.has("index") && error.has("envelope_byte_offset") && error.has("message"),
                    beacon.body());
                assertEquals(refusals, gateway.metric("pitgun_gateway_rejections_total{reason=\"malformed_json\"}"),
                    body.getKey() + " counted once per request: " + beacon.body());

                ws.sendText(body.getKey(), true).get(5, TimeUnit.SECONDS);
                final JsonNode nack = collector.next();
                refusals++;

                assertEquals(400, nack.get("http_status").asInt(), body.getKey() + " as a text message: " + nack);
                assertEquals("malformed_json", nack.get("reason").asText(), nack.toString());
                assertEquals(http.get("message"), nack.get("message"), nack.toString());
                assertEquals(String.valueOf(error), String.valueOf(nack.path("errors").path(0)),
                    "the same errors[] entry: " + nack);
                assertEquals(refusals, gateway.metric("pitgun_gateway_rejections_total{reason=\"malformed_json\"}"),
                    body.getKey() + " counted once per message: " + nack);
            }
            assertEquals(0.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"no_envelope\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"wrong_type\"}"));
            assertEquals(Map.of("accepted", 0L, "duplicate", 0L, "partial", 0L, "refused", (long)refusals,
                "not_accepted", 0L), GatewayEnvelopeAccountingIntegrationTest.outcomes(gateway, refusals),
                "each body or message one envelope, refused");
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
    }
}
