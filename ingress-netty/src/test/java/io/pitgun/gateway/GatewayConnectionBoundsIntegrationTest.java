package io.pitgun.gateway;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #12 point 8: one connection cannot grow the gateway's memory without bound, nor can many. A client that
 * never reads its acks is paused (no more reading) and then closed as a slow consumer while other clients are
 * served; unfinished messages of all connections share one byte budget; connections are capped in total and per
 * client address, refused on accept. Against the real gateway on a free loopback port (other loopback addresses,
 * 127.0.0.2 and up, act as other clients); every wait is bounded, nothing asserts a speed.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GatewayConnectionBoundsIntegrationTest
{
    private static final long WAIT_S = 30;
    /** A WebSocket text message of one byte: not JSON, so every one is answered with a nack of ~200 bytes. */
    private static final byte[] TINY_MESSAGE = RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[] {'x'});
    /** The most the never-reading client sends: without back-pressure, ~20x as much in nacks piles up. */
    private static final long MAX_SENT_BYTES = 64L << 20;

    @TempDir
    Path dataDir;

    @Test
    void shouldPauseThenCloseAWebSocketClientThatNeverReadsItsAcksWhileOthersAreServed() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.OUTBOUND_HIGH_WATER_BYTES, "65536",
            GatewaySetting.OUTBOUND_LIMIT_BYTES, "8388608",
            GatewaySetting.SLOW_CONSUMER_TIMEOUT_MS, "2000")))
        {
            final long directBefore = usedDirectMemory();
            final RawWebSocket deaf = new RawWebSocket(gateway.server.address(), "/ws", null, 4096);
            final CompletableFuture<Long> sender = CompletableFuture.supplyAsync(() -> sendUntilClosed(deaf));
            try
            {
                Await.until("the gateway paused reading from the client that does not read",
                    () -> gateway.server.counters().connectionsPaused() >= 1 || sender.isDone());
                final long directWhilePaused = usedDirectMemory();

                // Meanwhile the gateway serves everyone else.
                final HttpResponse<String> accepted = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 4));
                assertEquals(202, accepted.statusCode(), accepted.body());
                final HttpResponse<String> health = gateway.get("/health");
                assertEquals(200, health.statusCode(), health.body());

                final long sent = sender.get(WAIT_S, TimeUnit.SECONDS);
                assertTrue(sent < MAX_SENT_BYTES, "the gateway kept reading " + sent + " bytes from a client " +
                    "that never read an ack");
                assertEquals(1.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"slow_consumer\"}"));
                // The gateway closed it, for its own reason: not a client that vanished (peer_gone), as it was.
                Await.until("the close counted", () -> wsCloses(gateway, "slow_consumer") +
                    wsCloses(gateway, "peer_gone") >= 1);
                assertEquals(1.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"slow_consumer\"}"));
                assertEquals(0.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"peer_gone\"}"));
                assertTrue(gateway.metric("pitgun_gateway_connections_paused_total") >= 1);
                assertEquals(0.0, gateway.metric("pitgun_gateway_paused_connections"));
                assertAnswersCountedAsWrittenNotAsRead(gateway);
                // The connection's unsent acks are bounded by OUTBOUND_LIMIT_BYTES (8 MiB), not by what it sent.
                final long grown = Math.max(directWhilePaused, usedDirectMemory()) - directBefore;
                assertTrue(grown < 32L << 20, "direct memory grew by " + grown + " bytes");
            }
            finally
            {
                deaf.close();
            }
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 4, 4)).statusCode());
        }
    }

    /**
     * The nacks of a client that read none of them are in {@code pitgun_gateway_responses_total} (by its status, as
     * written), and the series' definition says so, as docs/gateway.md does. Before, both said "answers by endpoint
     * and HTTP status", which read as answers a client got; an operator summing it found answers nobody received.
     */
    private static void assertAnswersCountedAsWrittenNotAsRead(final GatewayHarness gateway) throws Exception
    {
        final String metrics = gateway.get("/metrics").body();
        double nacks = 0;
        for (final String line : metrics.split("\n"))
        {
            if (line.startsWith("pitgun_gateway_responses_total{endpoint=\"ws_text\""))
            {
                nacks += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        assertTrue(nacks > 0, "the unread nacks are counted as written: " + nacks);
        assertTrue(metrics.contains("# HELP pitgun_gateway_responses_total Answers by endpoint and HTTP status, " +
            "counted as written to their connection, not as read: also those unread when it was closed as " +
            "slow_consumer."), "the definition says what is counted");
    }

    @Test
    void shouldCloseTheConnectionsHoldingTheMostWhenAllTogetherPassTheTotalOutboundLimit() throws Exception
    {
        // Each connection alone stays within its own limits: one minute, and OUTBOUND_LIMIT_BYTES left at its default
        // (4 MiB; paused past 64 KiB, a connection takes on no more than the nacks of one read, ~2 MB). Only the
        // total can close them. (Both limits given, the total below the other, would be refused as contradictory.)
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.OUTBOUND_HIGH_WATER_BYTES, "65536",
            GatewaySetting.SLOW_CONSUMER_TIMEOUT_MS, "60000",
            GatewaySetting.OUTBOUND_TOTAL_LIMIT_BYTES, "2048")))
        {
            final RawWebSocket first = new RawWebSocket(gateway.server.address(), "/ws", null, 4096);
            final RawWebSocket second = new RawWebSocket(gateway.server.address(), "/ws", null, 4096);
            try
            {
                final CompletableFuture<Long> firstSender = CompletableFuture.supplyAsync(() -> sendUntilClosed(first));
                final CompletableFuture<Long> secondSender = CompletableFuture.supplyAsync(() -> sendUntilClosed(second));
                assertTrue(firstSender.get(WAIT_S, TimeUnit.SECONDS) < MAX_SENT_BYTES, "not closed");
                assertTrue(secondSender.get(WAIT_S, TimeUnit.SECONDS) < MAX_SENT_BYTES, "not closed");
            }
            finally
            {
                first.close();
                second.close();
            }
            assertEquals(2, gateway.server.counters().rejections(RejectReason.SLOW_CONSUMER));
            Await.until("both closes counted, as slow_consumer", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"slow_consumer\"}") == 2.0);
            assertEquals(0.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"peer_gone\"}"));
            assertEquals(200, gateway.get("/health").statusCode());
            Await.until("the unsent bytes summed again", () -> gateway.server.counters().outboundBytes.get() <= 2048);
        }
    }

    @Test
    void shouldRefuseConnectionsOverThePerPeerAndTotalCapsOnAcceptAndCountThem() throws Exception
    {
        final InetAddress peerB = InetAddress.getByName("127.0.0.2");
        final InetAddress peerC = InetAddress.getByName("127.0.0.3");
        final InetAddress peerD = InetAddress.getByName("127.0.0.4");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.MAX_CONNECTIONS_PER_PEER, "2",
            GatewaySetting.MAX_CONNECTIONS, "3")))
        {
            final GatewayCounters counters = gateway.server.counters();
            try (RawHttpConnection b1 = healthyConnection(gateway, peerB);
                 RawHttpConnection b2 = healthyConnection(gateway, peerB))
            {
                try (RawHttpConnection b3 = new RawHttpConnection(gateway.server.address(), peerB))
                {
                    b3.assertClosedByGateway();
                }
                assertEquals(1, counters.rejections(RejectReason.PEER_CONNECTION_LIMIT));

                try (RawHttpConnection c1 = healthyConnection(gateway, peerC))
                {
                    // Three open: a fourth from a fresh address is over the total.
                    try (RawHttpConnection d1 = new RawHttpConnection(gateway.server.address(), peerD))
                    {
                        d1.assertClosedByGateway();
                    }
                    assertEquals(1, counters.rejections(RejectReason.CONNECTION_LIMIT));
                    assertEquals(3, counters.openConnections());
                }
            }
            // Closed connections give their places back (the gateway sees the close on its own loop).
            Await.until("places given back", () -> counters.openConnections() == 0);
            try (RawHttpConnection b1 = healthyConnection(gateway, peerB);
                 RawHttpConnection b2 = healthyConnection(gateway, peerB);
                 RawHttpConnection d1 = healthyConnection(gateway, peerD))
            {
                assertEquals(3, counters.openConnections());
            }
            assertEquals(1, counters.rejections(RejectReason.PEER_CONNECTION_LIMIT));
            assertEquals(1, counters.rejections(RejectReason.CONNECTION_LIMIT));
        }
    }

    @Test
    void shouldCloseTheConnectionWhoseUnfinishedMessageWouldPassTheSharedBudget() throws Exception
    {
        final int fragmentBytes = 120 * 1024;
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES, Integer.toString(300_000))))
        {
            final byte[] firstFragment = RawWebSocket.frame(RawWebSocket.TEXT, false, filler(fragmentBytes));
            try (RawWebSocket a = new RawWebSocket(gateway.server.address(), "/ws", null, 0);
                 RawWebSocket b = new RawWebSocket(gateway.server.address(), "/ws", null, 0);
                 RawWebSocket c = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
            {
                a.send(firstFragment);
                b.send(firstFragment);
                Await.until("two unfinished messages held", () ->
                    gateway.server.counters().partialMessageBytes.get() >= 2L * fragmentBytes);

                c.send(firstFragment);
                final RawWebSocket.Frame refused = c.read();
                assertTrue(refused.isClose(), "expected a close frame, got opcode " + refused.opcode());
                assertEquals(1008, refused.closeCode(), refused.text());
                assertEquals(1, gateway.server.counters().rejections(RejectReason.PARTIAL_MESSAGE_BUDGET));
                assertTrue(gateway.server.counters().partialMessageBytes.get() <= 300_000);

                // Finishing a message gives its bytes back: it is answered (a nack: not JSON) and the budget frees.
                a.send(RawWebSocket.frame(RawWebSocket.CONTINUATION, true, new byte[] {'x'}));
                final RawWebSocket.Frame nack = a.read();
                assertTrue(nack.text().contains("malformed_json"), nack.text());
                Await.until("the finished message's bytes given back", () ->
                    gateway.server.counters().partialMessageBytes.get() < 2L * fragmentBytes);
                try (RawWebSocket d = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
                {
                    d.send(firstFragment);
                    d.send(RawWebSocket.frame(RawWebSocket.CONTINUATION, true, new byte[] {'x'}));
                    assertTrue(d.read().text().contains("malformed_json"));
                }
            }
            Await.until("every share given back on close",
                () -> gateway.server.counters().partialMessageBytes.get() == 0);
            assertEquals(1, gateway.server.counters().rejections(RejectReason.PARTIAL_MESSAGE_BUDGET));
        }
    }

    /**
     * An HTTP request refused for the partial-message budget (503, closed) is counted under its endpoint
     * ({@code POST /beacon}, not {@code other}) and logged at the overload log's rate, as the WebSocket one is;
     * before, it was counted under {@code other}, audited as {@code ? ?}, and not logged.
     */
    @Test
    void shouldCountAndLogABeaconRefusedForThePartialMessageBudgetUnderItsEndpoint() throws Exception
    {
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        final Logger overloadLogger = (Logger)LoggerFactory.getLogger(OverloadLog.class);
        logged.start();
        overloadLogger.addAppender(logged);
        final String head = "POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
            "Content-Length: 250000\r\n\r\n";
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES, Integer.toString(300_000)));
            RawHttpConnection first = new RawHttpConnection(gateway.server.address());
            RawHttpConnection second = new RawHttpConnection(gateway.server.address()))
        {
            first.send(head + " ".repeat(200_000));
            Await.until("the first body held", () -> gateway.server.counters().partialMessageBytes.get() >= 200_000);
            second.send(head + " ".repeat(90_000));
            Await.until("the second body held", () -> gateway.server.counters().partialMessageBytes.get() >= 290_000);
            // A few bytes more pass the budget: small enough to be written whole before the gateway closes (a
            // write still under way when it does fails with a reset).
            second.send(" ".repeat(20_000));
            final RawHttpConnection.Response refused = second.readResponse();
            assertEquals(503, refused.status(), refused.head() + refused.body());
            assertTrue(refused.body().contains("partial_message_budget"), refused.body());
            second.assertClosedByGateway();
            assertEquals(1.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"partial_message_budget\"}"));
            assertEquals(1.0, gateway.metric("pitgun_gateway_responses_total{endpoint=\"beacon\",status=\"503\"}"));
            assertTrue(logged.list.stream().anyMatch(event -> event.getFormattedMessage()
                .contains("partial_message_budget") && event.getFormattedMessage().contains("POST /beacon")),
                "no overload warning naming the refusal and its request: " + logged.list);
        }
        finally
        {
            overloadLogger.detachAppender(logged);
        }
    }

    /**
     * A WebSocket message larger than the partial-message budget alone can never be taken, however long its client
     * waits: closed 1009 (too big) naming the budget, counted as body_too_large. Before, it got the budget's 1008
     * "too many unfinished messages; retry later", which a client retries for ever (a review of the HTTP side's
     * fix, where such a body is now 413).
     */
    @Test
    void shouldCloseAMessageLargerThanTheWholeBudgetAsTooBig() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES, Integer.toString(300_000))))
        {
            try (RawWebSocket a = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
            {
                a.send(RawWebSocket.frame(RawWebSocket.TEXT, false, filler(200 * 1024)));
                a.send(RawWebSocket.frame(RawWebSocket.CONTINUATION, false, filler(200 * 1024)));
                final RawWebSocket.Frame refused = a.read();
                assertTrue(refused.isClose(), "expected a close frame, got opcode " + refused.opcode());
                assertEquals(1009, refused.closeCode(), refused.text());
                assertTrue(refused.text().contains("PARTIAL_MESSAGE_BUDGET_BYTES"), refused.text());
            }
            assertEquals(1, gateway.server.counters().rejections(RejectReason.BODY_TOO_LARGE));
            assertEquals(0, gateway.server.counters().rejections(RejectReason.PARTIAL_MESSAGE_BUDGET));
            Await.until("every share given back on close",
                () -> gateway.server.counters().partialMessageBytes.get() == 0);
        }
    }

    private static RawHttpConnection healthyConnection(final GatewayHarness gateway, final InetAddress local)
        throws IOException
    {
        final RawHttpConnection connection = new RawHttpConnection(gateway.server.address(), local);
        connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        final RawHttpConnection.Response response = connection.readResponse();
        assertEquals(200, response.status(), response.head() + response.body());
        return connection;
    }

    /** Sends tiny messages in 64 KiB writes until the gateway closes the connection or MAX_SENT_BYTES went out. */
    private static long sendUntilClosed(final RawWebSocket socket)
    {
        final ByteArrayOutputStream batch = new ByteArrayOutputStream();
        while (batch.size() < 65_536)
        {
            batch.writeBytes(TINY_MESSAGE);
        }
        final byte[] bytes = batch.toByteArray();
        long sent = 0;
        try
        {
            while (sent < MAX_SENT_BYTES)
            {
                socket.send(bytes);
                sent += bytes.length;
            }
        }
        catch (final IOException closedByGateway)
        {
            return sent;
        }
        return sent;
    }

    /** {@code pitgun_gateway_ws_closes_total} for {@code reason}; 0 for a reason this build does not have. */
    private static double wsCloses(final GatewayHarness gateway, final String reason) throws Exception
    {
        final double value = gateway.http.metricOrNaN("pitgun_gateway_ws_closes_total{reason=\"" + reason + "\"}");
        return Double.isNaN(value) ? 0 : value;
    }

    private static byte[] filler(final int bytes)
    {
        final byte[] filler = new byte[bytes];
        java.util.Arrays.fill(filler, (byte)' ');
        return filler;
    }

    private static long usedDirectMemory()
    {
        return ((ByteBufAllocatorMetricProvider)ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
    }
}
