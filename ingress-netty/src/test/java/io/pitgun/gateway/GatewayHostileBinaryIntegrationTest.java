package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile binary WebSocket messages (issue #12, point 4): each is answered with a nack naming the problem and
 * counted by reason, the connection stays open, no ingest-queue place leaks, and every other client keeps
 * ingesting.
 */
@Timeout(120)
class GatewayHostileBinaryIntegrationTest
{
    /** More than the ingest queue holds (1024), so one leaked place per message would wedge the gateway. */
    private static final int MESSAGES = Integer.getInteger("pitgun.test.hostileMessages", 1_200);

    @TempDir
    Path dataDir;

    @Test
    void shouldNackEveryHostileBinaryMessageAndKeepAcceptingOtherClients() throws Exception
    {
        final List<HostileFrames.Case> cases = HostileFrames.all();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RATE_LIMIT, "0")))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < MESSAGES; i++)
            {
                final HostileFrames.Case hostile = cases.get(i % cases.size());
                ws.sendBinary(ByteBuffer.wrap(hostile.bytes()), true).get(10, TimeUnit.SECONDS);
                final JsonNode nack = collector.next();
                assertEquals("nack", nack.get("type").asText(), hostile.name() + ": " + nack);
                assertEquals(hostile.reason(), nack.get("reason").asText(), hostile.name() + ": " + nack);
                assertEquals(i, nack.get("message_number").asLong(), nack.toString());
                assertTrue(nack.get("message").asText().startsWith("message 0 at byte 0: "), nack.toString());
            }
            assertFalse(collector.closed.isDone(), "the gateway closed the connection");

            // The same connection still ingests, and so does another client.
            ws.sendBinary(ByteBuffer.wrap(HostileFrames.validFrame(7)), true).get(10, TimeUnit.SECONDS);
            final JsonNode ack = collector.next();
            assertEquals("ack", ack.get("type").asText(), ack.toString());
            final HttpResponse<String> beacon = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 100, 1));
            assertEquals(202, beacon.statusCode(), beacon.body());

            for (final HostileFrames.Case hostile : cases)
            {
                assertTrue(gateway.metric("pitgun_gateway_rejections_total{reason=\"" + hostile.reason() + "\"}") > 0);
            }
            final int perRound = MESSAGES / cases.size();
            assertTrue(gateway.metric("pitgun_gateway_rejections_total{reason=\"bad_sbe\"}") >= perRound * 10.0);
            // Places are given back just after the answer is written: wait for that, not for luck.
            Await.until("every ingest-queue place given back", () -> gateway.server.counters().inFlightEnvelopes() == 0);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
        assertEquals(List.of(7L, 100L), GatewayHarness.journaledSequences(dataDir));
    }
}
