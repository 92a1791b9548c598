package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeldThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/1.1 pipelining: requests sent back to back on one connection are answered in the order they were sent, even
 * when the first one's answer (a journaled 202) is ready only after the journal has it and the later ones (a 404,
 * {@code /health}) could be answered at once.
 */
class GatewayPipeliningIntegrationTest
{
    /**
     * A refusal that closes the connection, decided while an earlier request's answer is owed (here a body over the
     * limit, 413), is written after that answer: the client gets the 202 of its journaled beacon, then the 413, then
     * the connection's end; a request behind the refused one is dropped, counted {@code request_after_close}. Before,
     * the 413 went out at once: the client got only the 413 ("nothing was ingested"), which it took for the beacon's
     * answer, though the beacon's envelopes were journaled (a black-box pass: 200 envelopes accepted, one 413 read).
     */
    @Test
    void shouldWriteARefusalOfAPipelinedRequestAfterTheAnswerOwedBeforeIt(@TempDir final Path dataDir)
        throws Exception
    {
        final HeldThreads journal = new HeldThreads(); // the beacon's answer waits until the refusal is decided
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.MAX_BODY_BYTES, "4096"),
            journal);
            RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            final String body = Envelopes.batch(UUID.randomUUID(), 0, 2);
            connection.send("POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                "Content-Length: " + body.length() + "\r\n\r\n" + body +
                "POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                "Content-Length: 5000\r\n\r\n" + "x".repeat(5000) +
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            // The request behind the refused one is dropped once the refusal is decided (or the refusal is written).
            Await.until("the refusal decided", () ->
                gateway.server.counters().rejections(RejectReason.REQUEST_AFTER_CLOSE) == 1 ||
                gateway.server.counters().responses(GatewayCounters.Endpoint.BEACON, 413) == 1);
            journal.release();
            final RawHttpConnection.Response accepted = connection.readResponse();
            assertEquals(202, accepted.status(), accepted.head() + accepted.body());
            final RawHttpConnection.Response refusal = connection.readResponse();
            assertEquals(413, refusal.status(), refusal.head() + refusal.body());
            connection.assertClosedByGateway();
            assertEquals(1, gateway.server.counters().rejections(RejectReason.BODY_TOO_LARGE));
        }
    }

    /**
     * A 417 for a request pipelined behind one whose answer is owed is written after that answer, as the other
     * refusals that close are. Before, it went out at once and Netty's aggregator closed the connection right after
     * it: the client read the 417, then the connection's end, and never the 202 of its beacon, journaled all the same.
     */
    @Test
    void shouldWriteA417OfAPipelinedRequestAfterTheAnswerOwedBeforeIt(@TempDir final Path dataDir) throws Exception
    {
        final HeldThreads journal = new HeldThreads(); // the beacon's answer waits until the 417 is decided
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(), journal);
            RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            connection.send(beacon(Envelopes.batch(UUID.randomUUID(), 0, 2)) +
                "POST /beacon HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nExpect: x\r\n" +
                "Content-Length: 5\r\n\r\nhello" +
                "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Await.until("the 417 decided", () ->
                gateway.server.counters().rejections(RejectReason.REQUEST_AFTER_CLOSE) == 1 ||
                gateway.server.counters().responses(GatewayCounters.Endpoint.BEACON, 417) == 1);
            journal.release();
            final RawHttpConnection.Response accepted = connection.readResponse();
            assertEquals(202, accepted.status(), accepted.head() + accepted.body());
            final RawHttpConnection.Response refusal = connection.readResponse();
            assertEquals(417, refusal.status(), refusal.head() + refusal.body());
            connection.assertClosedByGateway();
            assertEquals(1, gateway.server.counters().rejections(RejectReason.EXPECTATION_FAILED));
            assertEquals(1, gateway.server.counters().rejections(RejectReason.REQUEST_AFTER_CLOSE));
        }
    }

    /**
     * No {@code 100 Continue} for a request pipelined behind one whose answer is owed (RFC 9110 10.1.1 lets a server
     * omit it): written at once, it went out ahead of the earlier request's 202, and a client could take it for that
     * request's interim answer. The client here sends its body at once, as one may; both are answered in order.
     */
    @Test
    void shouldSendNo100ContinueAheadOfTheAnswerOwedBeforeIt(@TempDir final Path dataDir) throws Exception
    {
        final HeldThreads journal = new HeldThreads(); // the beacon's answer waits until the second head is read
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(), journal);
            Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
        {
            socket.setSoTimeout(RawHttpConnection.READ_TIMEOUT_MS);
            final String second = Envelopes.batch(UUID.randomUUID(), 1, 1);
            socket.getOutputStream().write((beacon(Envelopes.batch(UUID.randomUUID(), 0, 1)) +
                beacon(second).replace("Host: localhost\r\n", "Host: localhost\r\nExpect: 100-continue\r\n") +
                "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            // The second request is whole and waits its turn (counted against the partial-message budget).
            Await.until("the second request pipelined", () ->
                gateway.server.counters().partialMessageBytes.get() >= second.length());
            journal.release();

            final String stream = readToEnd(socket.getInputStream()); // the gateway closes after the last answer
            assertTrue(stream.startsWith("HTTP/1.1 202"), stream);
            assertTrue(!stream.contains("100 Continue"), stream);
            assertEquals(3, stream.split("HTTP/1\\.1 ", -1).length - 1, stream);
        }
    }

    @Test
    void shouldAnswerPipelinedRequestsInTheOrderTheyWereSent(@TempDir final Path dataDir) throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
            Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
        {
            socket.setSoTimeout(10_000);
            final String first = Envelopes.batch(UUID.randomUUID(), 0, 1);
            final String second = Envelopes.batch(UUID.randomUUID(), 1, 1);
            socket.getOutputStream().write((beacon(first) + "GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n" + beacon(second) +
                "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();

            final String stream = readToEnd(socket.getInputStream()); // the gateway closes after the last answer
            final int accepted1 = stream.indexOf("HTTP/1.1 202");
            final int notFound = stream.indexOf("HTTP/1.1 404");
            final int accepted2 = stream.indexOf("HTTP/1.1 202", accepted1 + 1);
            final int health = stream.lastIndexOf("HTTP/1.1 ");
            assertTrue(accepted1 == 0 && notFound > accepted1 && accepted2 > notFound && health > accepted2, stream);
            assertEquals(4, stream.split("HTTP/1\\.1 ", -1).length - 1, stream);
        }
    }

    /**
     * One request more than MAX_PIPELINED behind an unanswered journaled one: the connection used to be closed at
     * once, so the request in progress, whose frame was journaled, lost its answer (the unread flood made it a
     * reset), and every further request counted a refusal (115 for one connection of 200). Now the answer due is
     * written, the connection closes after it, the waiting requests have no effect, and the refusal counts once.
     */
    @Test
    void shouldAnswerTheRequestInProgressAndCountOnceWhenTooManyArePipelined(@TempDir final Path dataDir)
        throws Exception
    {
        final HeldThreads held = new HeldThreads(); // the stages wait: the first answer is due only once released
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(), held);
            Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
        {
            socket.setSoTimeout(10_000);
            final StringBuilder flood = new StringBuilder(beacon(Envelopes.batch(UUID.randomUUID(), 0, 1)));
            for (int i = 1; i < 200; i++)
            {
                flood.append(beacon(Envelopes.batch(UUID.randomUUID(), i, 1)));
            }
            socket.getOutputStream().write(flood.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            Await.until("the flood refused", () ->
                gateway.metric("pitgun_gateway_rejections_total{reason=\"too_many_pipelined\"}") > 0);
            held.release();

            final String stream = readToEnd(socket.getInputStream()); // closed after the answer due
            assertTrue(stream.startsWith("HTTP/1.1 202"), stream);
            assertEquals(1, stream.split("HTTP/1\\.1 ", -1).length - 1, stream);
            assertEquals(1.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"too_many_pipelined\"}"));
            assertEquals(List.of(0L), GatewayHarness.journaledSequences(dataDir), "only the first was ingested");
        }
    }

    private static String beacon(final String body)
    {
        return "POST /beacon HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
            body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String readToEnd(final InputStream in) throws Exception
    {
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0)
        {
            seen.write(b);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }
}
