package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's connection-level refusals (header block too large, slow request, oversized WebSocket message, idle
 * connection) against the real gateway on a free loopback port. Each answer must name the problem without a stack
 * trace, and the gateway must accept a valid beacon afterwards. Timeouts are set to their smallest value (1 s) and
 * waited for by blocking reads with a generous bound: nothing here asserts how fast anything is.
 */
class GatewayRefusalIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_S = 30;

    @TempDir
    Path dataDir;

    @Test
    void shouldAnswer431WithJsonWhenTheHeaderBlockIsOverTheLimit() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.MAX_HEADER_BYTES, "1024")))
        {
            final HttpResponse<String> response = gateway.client.send(HttpRequest.newBuilder(gateway.uri("/health"))
                .timeout(Duration.ofSeconds(WAIT_S)).header("X-Padding", "p".repeat(1500)).GET().build(),
                HttpResponse.BodyHandlers.ofString());

            assertEquals(431, response.statusCode(), response.body());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
            assertRefusal(response.body(), "rejected", "header_too_large", "1024 bytes",
                GatewaySetting.MAX_HEADER_BYTES.envName());
            assertEquals(1, awaitRejections(gateway, RejectReason.HEADER_TOO_LARGE, 1));
            assertBeaconAccepted(gateway);
        }
    }

    @Test
    void shouldAnswer408WithJsonAndCloseWhenARequestBodyStalls() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.READ_TIMEOUT_S, "1")))
        {
            final String envelope = Envelopes.batch(UUID.randomUUID(), 0, 1);
            try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
            {
                // The head promises the whole envelope; only half of it is sent, then the client stalls.
                connection.send("POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                    "Content-Length: " + envelope.length() + "\r\n\r\n" + envelope.substring(0, envelope.length() / 2));

                final RawHttpConnection.Response response = connection.readResponse();
                assertEquals(408, response.status(), response.head() + response.body());
                assertEquals("close", response.header("Connection"), response.head());
                assertRefusal(response.body(), "rejected", "request_timeout", "within 1 s",
                    GatewaySetting.READ_TIMEOUT_S.envName());
                connection.assertClosedByGateway();
            }
            assertEquals(1, awaitRejections(gateway, RejectReason.REQUEST_TIMEOUT, 1));
            // The gateway ended the request, not the client: counted once, by the gateway's reason.
            assertFalse(gateway.http.metricOrNaN("pitgun_gateway_rejections_total{reason=\"client_closed_request\"}")
                > 0, "the gateway's own close counted as the client's");
            // Nothing of the half-sent envelope was ingested; the next complete one is.
            assertEquals(0, gateway.server.counters().framesAccepted());
            assertBeaconAccepted(gateway);
        }
        assertEquals(List.of(0L), GatewayHarness.journaledSequences(dataDir));
    }

    /**
     * A connection that never sends a byte holds a place under the connection caps: it is closed after the read
     * timeout (no answer: there is no request), not only after the idle timeout (60 s). Found by a black-box probe:
     * 250 silent connections from each of nine loopback addresses kept every other client out for a minute.
     */
    @Test
    void shouldCloseAConnectionThatSendsNothingWithinTheReadTimeout() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.READ_TIMEOUT_S, "1")))
        {
            final long startNs = System.nanoTime();
            try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
            {
                connection.assertClosedByGateway(); // at most 30 s, half the idle timeout
            }
            assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(20), "closed by the idle timeout?");
            assertEquals(1, awaitRejections(gateway, RejectReason.REQUEST_TIMEOUT, 1));
            assertBeaconAccepted(gateway);
        }
    }

    @Test
    void shouldNotTimeOutAKeepAliveConnectionBetweenRequests() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.READ_TIMEOUT_S, "1")))
        {
            try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
            {
                connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertEquals(200, connection.readResponse().status());
                // Longer than the read timeout with no request under way: the slow-request guard must stay
                // disarmed, so the second request on the same connection is answered normally.
                Thread.sleep(1_500);
                connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                final RawHttpConnection.Response second = connection.readResponse();
                assertEquals(200, second.status(), second.head() + second.body());
            }
            assertEquals(0, gateway.server.counters().rejections(RejectReason.REQUEST_TIMEOUT));
        }
    }

    @Test
    void shouldCloseWith1009WhenOneWebSocketFrameIsOverTheLimit() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.MAX_WS_FRAME_BYTES, "4096")))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(WAIT_S, TimeUnit.SECONDS);
            sendIgnoringClose(ws, "x".repeat(6000), true);

            assertEquals(1009, collector.closed.get(WAIT_S, TimeUnit.SECONDS));
            assertTrue(collector.closeReason.get(WAIT_S, TimeUnit.SECONDS).contains("4096"), collector.closeReason.get());
            assertFalse(collector.closeReason.get().contains("Exception"), collector.closeReason.get());
            assertTrue(collector.texts.isEmpty(), "the oversized message was answered: " + collector.texts);
            // Netty's decoder sends the close before the gateway's handler counts it: wait for the count.
            assertEquals(1, awaitRejections(gateway, RejectReason.BODY_TOO_LARGE, 1));
            assertBeaconAccepted(gateway);
        }
    }

    @Test
    void shouldCloseWith1009WhenAFragmentedWebSocketMessageIsOverTheLimit() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.MAX_WS_FRAME_BYTES, "4096")))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(WAIT_S, TimeUnit.SECONDS);
            // Each frame is under the limit; the message they make up is not.
            ws.sendText("x".repeat(3000), false).get(WAIT_S, TimeUnit.SECONDS);
            sendIgnoringClose(ws, "x".repeat(3000), true);

            assertEquals(1009, collector.closed.get(WAIT_S, TimeUnit.SECONDS));
            assertTrue(collector.closeReason.get(WAIT_S, TimeUnit.SECONDS).contains("4096"), collector.closeReason.get());
            assertFalse(collector.closeReason.get().contains("Exception"), collector.closeReason.get());
            assertEquals(1, awaitRejections(gateway, RejectReason.BODY_TOO_LARGE, 1));
            assertBeaconAccepted(gateway);
        }
    }

    @Test
    void shouldCloseIdleHttpAndWebSocketConnections() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.IDLE_TIMEOUT_S, "1")))
        {
            try (RawHttpConnection silent = new RawHttpConnection(gateway.server.address());
                 RawHttpConnection afterOneRequest = new RawHttpConnection(gateway.server.address()))
            {
                afterOneRequest.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                final RawHttpConnection.Response health = afterOneRequest.readResponse();
                assertEquals(200, health.status(), health.body());
                // Neither connection sends anything more: the idle timeout closes both, without an answer, counted.
                afterOneRequest.assertClosedByGateway();
                silent.assertClosedByGateway();
                // At least: the harness's own HTTP client may hold a pooled connection the timeout closes too.
                Await.until("both idle closes counted", () ->
                    gateway.server.counters().rejections(RejectReason.IDLE_TIMEOUT) >= 2);
            }

            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(gateway.wsUri("/ws"), collector)
                .get(WAIT_S, TimeUnit.SECONDS);
            assertEquals(WebSocket.NORMAL_CLOSURE, collector.closed.get(WAIT_S, TimeUnit.SECONDS));
            assertEquals("idle", collector.closeReason.get(WAIT_S, TimeUnit.SECONDS));

            // A fresh client: the shared one's pooled connections may have been closed for idleness too.
            final HttpResponse<String> beacon = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.uri("/beacon"))
                .timeout(Duration.ofSeconds(WAIT_S)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Envelopes.batch(UUID.randomUUID(), 0, 1))).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(202, beacon.statusCode(), beacon.body());
        }
    }

    /**
     * The idle close lingers: a request the client sends once the gateway has closed its side is read and discarded,
     * counted, and the client reads the connection's end, not a reset (RFC 9112 9.5). Before, the idle close was a
     * plain close, and such a request, or one sent just as the timeout fired, was answered by the kernel with a
     * reset. (When exactly the timeout fires cannot be aimed at from outside: this sends right after it.)
     */
    @Test
    void shouldCloseAnIdleConnectionLingering() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.IDLE_TIMEOUT_S, "1"));
            RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            final String request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
            connection.send(request);
            assertEquals(200, connection.readResponse().status());
            connection.assertClosedByGateway(); // the idle timeout: the gateway's side is shut
            connection.send(request); // as a client that did not see the close yet
            Await.until("the request behind the idle close discarded", () ->
                gateway.server.counters().lingeringDiscardedBytes.get() >= request.length());
            connection.assertEndOfStream();
        }
    }

    /** Sends, tolerating a failure because the gateway closes the connection while (or right after) it is sent. */
    private static void sendIgnoringClose(final WebSocket ws, final String text, final boolean last)
    {
        try
        {
            ws.sendText(text, last).get(WAIT_S, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            // The close frame that follows is what the test checks.
        }
    }

    private static void assertRefusal(final String body, final String status, final String reason,
        final String... mentions) throws Exception
    {
        final JsonNode answer = JSON.readTree(body);
        assertEquals(status, answer.get("status").asText(), body);
        assertEquals(reason, answer.get("reason").asText(), body);
        final String message = answer.get("message").asText();
        for (final String mention : mentions)
        {
            assertTrue(message.contains(mention), "message does not name '" + mention + "': " + body);
        }
        assertFalse(body.contains("Exception"), body);
        assertFalse(body.contains("\tat ") || body.contains("\\tat "), body);
    }

    /** The rejection count once it reaches {@code expected}, or what it is after {@link #WAIT_S} seconds. */
    private static long awaitRejections(final GatewayHarness gateway, final RejectReason reason, final long expected)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        long count = gateway.server.counters().rejections(reason);
        while (count < expected && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
            count = gateway.server.counters().rejections(reason);
        }
        return count;
    }

    private static void assertBeaconAccepted(final GatewayHarness gateway) throws Exception
    {
        final HttpResponse<String> response = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 1));
        assertEquals(202, response.statusCode(), response.body());
        assertEquals(1, JSON.readTree(response.body()).get("frames_accepted").asInt(), response.body());
    }
}
