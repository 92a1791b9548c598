package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeldThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #12 point 11 through the real gateway: {@code /health} reports degraded states (503 with the reasons) from
 * the live state, and stops, refusals and closes are counted by their own reason.
 */
class GatewayHealthIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldReportDegradedAndRefuseWhenTheJournalStageHasFailed() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.ACK_TIMEOUT_MS, "30000")))
        {
            assertEquals(200, gateway.get("/health").statusCode());
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 2)).statusCode());

            // The journal goes away under the idle stage (as a failing disk or a bug would make it): its next append
            // throws and the stage stops for good.
            gateway.server.pipeline().journal().orElseThrow().close();
            final HttpResponse<String> lost = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 2, 2));
            assertEquals(503, lost.statusCode(), lost.body()); // never acknowledged: it was not journaled
            // Answered as soon as the stage stopped (the ack timeout is 30 s), saying why.
            assertEquals("journal_failed", JSON.readTree(lost.body()).get("reason").asText(), lost.body());
            assertTrue(gateway.server.pipeline().journalFailure().isPresent());

            final HttpResponse<String> health = gateway.get("/health");
            assertEquals(503, health.statusCode(), health.body());
            final JsonNode json = JSON.readTree(health.body());
            assertEquals("degraded", json.get("status").asText(), health.body());
            assertTrue(reasons(json).contains("journal_failed"), health.body());

            final HttpResponse<String> refused = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 4, 2));
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("journal_failed", JSON.readTree(refused.body()).get("reason").asText(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent(), refused.body());
            assertEquals(2.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"journal_failed\"}"));
            assertEquals(1.0, gateway.metric("pitgun_journal_failed"));
        }
    }

    /**
     * The frames of the batch the journal failed on are refused, not held: before, they stayed "in the ring, not
     * journaled" for good, and every {@code /health} from the ack timeout on also reported {@code
     * ingest_queue_wedged}, telling an operator to look for a stuck stage that was not there.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldReportOnlyTheJournalFailureNotAWedgedQueueAfterTheAckTimeout() throws Exception
    {
        final long ackTimeoutMs = 200;
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.ACK_TIMEOUT_MS, Long.toString(ackTimeoutMs))))
        {
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 2)).statusCode());
            gateway.server.pipeline().journal().orElseThrow().close();
            assertEquals(503, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 2, 2)).statusCode());

            // /health judges a wedge across calls: one now, one after the ack timeout has passed since.
            assertEquals(Set.of("journal_failed"), reasons(JSON.readTree(gateway.get("/health").body())));
            final long pastTimeoutNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * ackTimeoutMs);
            while (System.nanoTime() < pastTimeoutNs)
            {
                Thread.sleep(ackTimeoutMs / 4); // a span of time is the condition here, not a race
            }
            final HttpResponse<String> health = gateway.get("/health");
            assertEquals(503, health.statusCode(), health.body());
            assertEquals(Set.of("journal_failed"), reasons(JSON.readTree(health.body())), health.body());
        }
    }

    /**
     * A cycle file cut short under the running gateway (truncate, a failing copy-back): writing there faults (the
     * JVM's SIGBUS). Before, every fault was taken for a full disk: each batch was retried for ever with space free,
     * every request answered 503 ack_timeout after the ack timeout, a stack trace logged per entry, and the journal
     * reported failed only when the stage's batch bookkeeping broke ("the batch already holds 64 messages"). Now the
     * stage fails at the first fault, saying which file is cut short.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldFailTheJournalNamingTheCycleFileCutShortUnderIt() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.ACK_TIMEOUT_MS, "30000")))
        {
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 2)).statusCode());
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dataDir.resolve("journal")))
            {
                for (final Path file : files.filter(f -> f.toString().endsWith(".cq4")).toList())
                {
                    try (java.io.RandomAccessFile cut = new java.io.RandomAccessFile(file.toFile(), "rw"))
                    {
                        cut.setLength(65_536);
                    }
                }
            }

            final long sentNs = System.nanoTime();
            final HttpResponse<String> lost = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 2, 2));
            assertEquals(503, lost.statusCode(), lost.body());
            assertEquals("journal_failed", JSON.readTree(lost.body()).get("reason").asText(), lost.body());
            assertTrue(System.nanoTime() - sentNs < TimeUnit.SECONDS.toNanos(25), "answered before the ack timeout");
            final HttpResponse<String> health = gateway.get("/health");
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(reasons(JSON.readTree(health.body())).contains("journal_failed"), health.body());
            final String failure = gateway.server.pipeline().journalFailure().orElseThrow().getMessage();
            assertTrue(failure.contains("DAMAGED: ") && failure.contains(".cq4 is cut short: it ends at byte 65,536"),
                failure);
            assertEquals(1.0, gateway.metric("pitgun_journal_failed"));

            final HttpResponse<String> refused = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 4, 2));
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("journal_failed", JSON.readTree(refused.body()).get("reason").asText(), refused.body());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldReportTheIngestQueueWedgedWhileNothingIsJournaledForLongerThanTheAckTimeout() throws Exception
    {
        final HeldThreads held = new HeldThreads();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.ACK_TIMEOUT_MS, "300",
            GatewaySetting.RATE_LIMIT, "0"), held))
        {
            assertEquals(200, gateway.get("/health").statusCode());
            // Held stages journal nothing: the frame waits in the ring for as long as the test holds them.
            final HttpResponse<String> answer = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 1));
            assertEquals(503, answer.statusCode(), answer.body());
            Await.until("/health reports the wedged ingest queue", () ->
            {
                final HttpResponse<String> health = gateway.get("/health");
                return health.statusCode() == 503 &&
                    reasons(JSON.readTree(health.body())).contains("ingest_queue_wedged");
            });
            held.release();
            Await.until("/health is ok once the journal moves again", () -> gateway.get("/health").statusCode() == 200);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCountAMalformedHttpRequestAsMalformedHttpNotMalformedJson() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
            {
                connection.send("POST /beacon HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                    "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
                final RawHttpConnection.Response response = connection.readResponse();
                assertEquals(400, response.status(), response.body());
                assertEquals("malformed_http", JSON.readTree(response.body()).get("reason").asText(), response.body());
            }
            assertEquals(1.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"malformed_http\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"malformed_json\"}"));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCountWebSocketClosesByReason() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
            Await.until("the client's close is counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"client\"}") == 1.0);

            final WebSocket abrupt = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
            abrupt.abort(); // no close frame: the connection just ends
            Await.until("the vanished client is counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"peer_gone\"}") == 1.0);
        }
    }

    /**
     * Closes the gateway starts on a protocol violation were counted as {@code peer_gone}: Netty's frame decoder
     * closes first and throws after, and the close was counted before the handler recorded why (found by a
     * black-box test). An unmasked frame and a frame over MAX_WS_FRAME_BYTES.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCountWebSocketClosesTheGatewayStartsByTheirReason() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.MAX_WS_FRAME_BYTES, "1024")))
        {
            try (RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
            {
                ws.send(new byte[] {(byte)0x81, 0x02, 'h', 'i'}); // a client frame without a mask: RFC 6455 5.1
                final RawWebSocket.Frame close = ws.read();
                assertTrue(close.isClose() && close.closeCode() == 1002, "close code " + close.closeCode());
            }
            try (RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
            {
                ws.send(RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[4096]));
                final RawWebSocket.Frame close = ws.read();
                assertTrue(close.isClose() && close.closeCode() == 1009, "close code " + close.closeCode());
            }
            Await.until("both closes counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"protocol_error\"}") +
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"message_too_big\"}") +
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"peer_gone\"}") >= 2.0);
            assertEquals(1.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"protocol_error\"}"));
            assertEquals(1.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"message_too_big\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"peer_gone\"}"));
        }
    }

    /** Every 404 is counted by reason, as every other refusal: they were answered uncounted (a black-box test). */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCountNotFoundAnswers() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
            {
                connection.send("GET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals(404, connection.readResponse().status());
                connection.send("GET /dictionary/No_Such_Channel HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals(404, connection.readResponse().status());
            }
            assertEquals(2.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"not_found\"}"));
        }
    }

    private static Set<String> reasons(final JsonNode health)
    {
        final Set<String> reasons = new HashSet<>();
        final JsonNode list = health.get("reasons");
        if (list != null)
        {
            list.forEach(problem -> reasons.add(problem.get("reason").asText()));
        }
        return reasons;
    }
}
