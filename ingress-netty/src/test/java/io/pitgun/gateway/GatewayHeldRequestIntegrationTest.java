package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeldThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the gateway holds of a request begun in the same read as the end of the one before (a client that sends
 * them together): it is timed by the read timeout from that read (408 {@code request_timeout}), and what it holds
 * counts against the partial-message budget in a buffer of its size, not in the 64 KiB read buffer a large body
 * grew. And a body the partial-message budget can never hold is refused as too large (413), not 503 for ever.
 * Found by a black-box pass: such connections were closed only by the idle timeout, uncounted, and 1,800 of them
 * (each after a 300 KB body) exhausted a {@code -Xmx128m} gateway's direct memory.
 */
class GatewayHeldRequestIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    @TempDir
    Path dataDir;

    @Test
    void shouldTimeOutARequestWhoseFirstByteCameWithTheEndOfThePreviousOne() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.READ_TIMEOUT_S, "1")))
        {
            // Its first byte only (held unread by the decoder), and its whole request line (read, its head not).
            for (final String next : List.of("G", "GET /health HTTP/1.1\r\n"))
            {
                try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
                {
                    final long startNs = System.nanoTime();
                    connection.send(HEALTH + next); // one send: one read, as the black-box pass's
                    assertEquals(200, connection.readResponse().status());
                    final RawHttpConnection.Response timedOut = connection.readResponse();
                    assertEquals(408, timedOut.status(), timedOut.head() + timedOut.body());
                    assertTrue(System.nanoTime() - startNs < 20_000_000_000L, "closed by the idle timeout?");
                    final JsonNode answer = JSON.readTree(timedOut.body());
                    assertEquals("request_timeout", answer.get("reason").asText(), timedOut.body());
                    connection.assertClosedByGateway();
                }
            }
            Await.until("both counted", () ->
                gateway.metric("pitgun_gateway_rejections_total{reason=\"request_timeout\"}") == 2);
            assertEquals(0, gateway.server.counters().rejections(RejectReason.CLIENT_CLOSED_REQUEST));
            Await.until("their shares given back", () -> gateway.server.counters().partialMessageBytes.get() == 0);
        }
    }

    /**
     * 100 connections (the black-box pass's 1,800, scaled down) each send a 100 KB body and the first byte of a next
     * request in one send, then nothing: the byte each holds is counted in {@code partial_message_bytes}, in a
     * buffer of its size (before: 0 counted, a read buffer of up to 64 KiB held each), and each is ended by the read
     * timeout, its share given back.
     */
    @Test
    void shouldCountAndRightSizeTheNextRequestsBytesHeldAfterALargeBody() throws Exception
    {
        final int connections = 100;
        final String body = "x".repeat(100_000);
        final String post = "POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
            "Content-Length: " + body.length() + "\r\n\r\n" + body;
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.READ_TIMEOUT_S, "10",
            GatewaySetting.RATE_LIMIT, "0")))
        {
            final GatewayCounters counters = gateway.server.counters();
            final List<RawHttpConnection> held = new ArrayList<>();
            try
            {
                for (int i = 0; i < connections; i++)
                {
                    final RawHttpConnection connection = new RawHttpConnection(gateway.server.address());
                    held.add(connection);
                    connection.send(post + "G");
                    final RawHttpConnection.Response answer = connection.readResponse();
                    assertEquals(400, answer.status(), answer.head() + answer.body());
                    assertFalse("close".equalsIgnoreCase(answer.header("Connection")), answer.head());
                }
                Await.until("every held byte counted", () -> counters.partialMessageBytes.get() >= connections);
                final long heldBytes = counters.partialMessageBytes.get();
                assertTrue(heldBytes <= connections * 64L, "each held byte in a buffer of its size, not in the " +
                    "read buffer: " + heldBytes + " bytes counted for " + connections + " connections");
                assertEquals(heldBytes, (long)gateway.metric("pitgun_gateway_partial_message_bytes"));

                for (final RawHttpConnection connection : held)
                {
                    final RawHttpConnection.Response timedOut = connection.readResponse();
                    assertEquals(408, timedOut.status(), timedOut.head() + timedOut.body());
                    connection.assertClosedByGateway();
                }
            }
            finally
            {
                for (final RawHttpConnection connection : held)
                {
                    connection.close();
                }
            }
            assertEquals(connections, counters.rejections(RejectReason.REQUEST_TIMEOUT));
            Await.until("every share given back", () -> counters.partialMessageBytes.get() == 0);
            assertEquals(0, counters.rejections(RejectReason.PARTIAL_MESSAGE_BUDGET));
        }
    }

    /**
     * A budget for unfinished requests below {@code MAX_BODY_BYTES} (as {@link DirectMemoryFit} sets at small heaps)
     * can never hold a body larger than it: 413 naming the budget, whether the body says its length up front or
     * streams chunked past it, not 503 with {@code Retry-After} for ever.
     */
    @Test
    void shouldRefuseABodyTheBudgetCanNeverHoldAsTooLarge() throws Exception
    {
        final int budget = 200_000;
        final String body = "x".repeat(300_000);
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES, Integer.toString(budget),
            GatewaySetting.RATE_LIMIT, "0")))
        {
            try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
            {
                connection.send("POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                    "Content-Length: " + body.length() + "\r\n\r\n");
                assertTooLarge(connection.readResponse(), budget);
            }
            try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
            {
                final StringBuilder chunked = new StringBuilder("POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
                for (int i = 0; i < 30; i++)
                {
                    chunked.append(Integer.toHexString(10_000)).append("\r\n").append(body, 0, 10_000).append("\r\n");
                }
                try
                {
                    connection.send(chunked.toString());
                }
                catch (final java.io.IOException closedByGateway)
                {
                    // the answer is what is checked
                }
                assertTooLarge(connection.readResponse(), budget);
            }
            assertEquals(2, gateway.server.counters().rejections(RejectReason.BODY_TOO_LARGE));
            assertEquals(0, gateway.server.counters().rejections(RejectReason.PARTIAL_MESSAGE_BUDGET));
            Await.until("shares given back", () -> gateway.server.counters().partialMessageBytes.get() == 0);
        }
    }

    /**
     * Requests pipelined behind one whose answer waits (for the journal, held here) are held whole until their turn,
     * and count against the partial-message budget meanwhile, as they did while they arrived; their shares come back
     * as each is answered. Before, a request gave its share back as soon as it was whole: up to 64 whole bodies per
     * connection (each up to MAX_BODY_BYTES) were held uncounted, bounded in total by nothing but the connection caps.
     */
    @Test
    void shouldCountPipelinedRequestsAgainstTheBudgetWhileTheyWait() throws Exception
    {
        final HeldThreads journal = new HeldThreads(); // the first answer waits: the others are held behind it
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(), journal);
            RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            final StringBuilder requests = new StringBuilder();
            long heldBehind = 0;
            for (int i = 0; i < 4; i++)
            {
                final String body = Envelopes.batch(UUID.randomUUID(), 10L * i, 10);
                requests.append("POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n")
                    .append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
                heldBehind += i == 0 ? 0 : body.length();
            }
            connection.send(requests.toString());
            final long behind = heldBehind;
            Await.until("the three behind the first held and counted", () ->
                gateway.server.counters().partialMessageBytes.get() == behind);
            journal.release();
            for (int i = 0; i < 4; i++)
            {
                final RawHttpConnection.Response accepted = connection.readResponse();
                assertEquals(202, accepted.status(), accepted.head() + accepted.body());
            }
            Await.until("their shares given back", () -> gateway.server.counters().partialMessageBytes.get() == 0);
        }
    }

    private static void assertTooLarge(final RawHttpConnection.Response response, final int budget) throws Exception
    {
        assertEquals(413, response.status(), response.head() + response.body());
        assertNull(response.header("Retry-After"), response.head());
        final JsonNode answer = JSON.readTree(response.body());
        assertEquals("body_too_large", answer.get("reason").asText(), response.body());
        final String message = answer.get("message").asText();
        assertTrue(message.contains(GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES.envName()) &&
            message.contains(Integer.toString(budget)), message);
        assertFalse(message.contains("Exception"), message);
    }
}
