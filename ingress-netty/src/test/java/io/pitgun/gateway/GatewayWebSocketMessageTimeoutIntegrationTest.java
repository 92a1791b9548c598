package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WebSocket message must arrive completely within {@code READ_TIMEOUT_S} of its first byte, as an HTTP request
 * must: a slow loris that declares a large frame (or opens a fragmented message) and then sends a byte (or a
 * fragment) now and then, each resetting the idle timeout, is closed with 1008 naming the timeout, counted
 * ({@code request_timeout}, and {@code ws_closes_total{reason="message_timeout"}}), and gives back what it held of
 * the shared budget of unfinished messages. Found by a black-box attacker: 66 such connections held the whole
 * 64 MiB budget past the idle timeout, and every other client's message or request of 50 KB or more was refused
 * {@code partial_message_budget} meanwhile. A connection that sends whole messages slowly, or is quiet between
 * messages, and a producer sending a large message at normal speed, are left alone. Against the real gateway over raw
 * sockets, with a read timeout of 1 s (2 s where a message is paced on purpose); every wait is bounded, nothing
 * asserts a speed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayWebSocketMessageTimeoutIntegrationTest
{
    /** Between the slow loris's bytes (or fragments): well under the idle timeout, so only the new bound can cut it. */
    private static final long TRICKLE_MS = 200;

    @TempDir
    Path dataDir;

    @Test
    void shouldCloseAConnectionWhoseFrameTricklesInPastTheReadTimeoutAndGiveBackItsBudget() throws Exception
    {
        final int frameBytes = 250_000;
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.READ_TIMEOUT_S, "1",
            GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES, "300000")))
        {
            final byte[] frame = RawWebSocket.frame(RawWebSocket.BINARY, true, new byte[frameBytes]);
            final int held = frame.length - 200; // all but 200 bytes, then one byte every TRICKLE_MS: 40 s to finish
            try (RawWebSocket loris = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
            {
                loris.send(Arrays.copyOf(frame, held));
                Await.until("the gateway holds the unfinished frame", () ->
                    gateway.server.counters().partialMessageBytes.get() >= held - 14);
                final AtomicBoolean stop = new AtomicBoolean();
                final CompletableFuture<Void> trickle = CompletableFuture.runAsync(() ->
                    trickle(loris, Arrays.copyOfRange(frame, held, frame.length), false, stop));
                try
                {
                    // Meanwhile another client's larger message does not fit in the budget the slow loris holds.
                    try (RawWebSocket other = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
                    {
                        other.send(RawWebSocket.frame(RawWebSocket.TEXT, true, spaces(100_000)));
                        final RawWebSocket.Frame refused = other.read();
                        assertTrue(refused.isClose(), "expected a close, got opcode " + refused.opcode());
                        assertTrue(refused.text().contains("unfinished messages"), refused.text());
                    }

                    final RawWebSocket.Frame closed = loris.read();
                    assertTrue(closed.isClose(), "expected a close frame, got opcode " + closed.opcode() + ": " +
                        closed.text());
                    assertEquals(1008, closed.closeCode(), closed.text());
                    assertTrue(closed.text().contains("within 1 s") &&
                        closed.text().contains(GatewaySetting.READ_TIMEOUT_S.envName()), closed.text());
                }
                finally
                {
                    stop.set(true);
                    trickle.get(30, TimeUnit.SECONDS);
                }
            }
            final GatewayCounters counters = gateway.server.counters();
            Await.until("its share of the budget given back", () -> counters.partialMessageBytes.get() == 0);
            Await.until("its close counted", () -> wsCloses(gateway, "message_timeout") == 1);
            assertEquals(1, counters.rejections(RejectReason.REQUEST_TIMEOUT));
            assertEquals(1, counters.rejections(RejectReason.PARTIAL_MESSAGE_BUDGET));
            Await.until("the refused client's close counted by why, not as peer_gone", () ->
                wsCloses(gateway, "partial_message_budget") == 1);
            assertEquals(0, wsCloses(gateway, "peer_gone"));
            assertEquals(0, wsCloses(gateway, "idle"));

            // The budget is free again: the same larger message is taken (and answered: not JSON, a nack).
            try (RawWebSocket other = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
            {
                other.send(RawWebSocket.frame(RawWebSocket.TEXT, true, spaces(100_000)));
                final RawWebSocket.Frame answer = other.read();
                assertEquals(RawWebSocket.TEXT, answer.opcode(), answer.text());
                assertTrue(answer.text().contains("\"nack\""), answer.text());
            }
        }
    }

    /**
     * Pings and pongs between messages are whole frames, not unfinished messages: they hold none of the shared budget
     * (found by a black-box pass). Before, an ingest connection's control frames stayed counted until its next data
     * message: one that only pinged (a keep-alive, or a flood) held ever more of the budget, was closed 1008 "too many
     * unfinished messages" once it held all of it, and meanwhile another client's message larger than what was left
     * was refused {@code partial_message_budget}. Every ping is answered with its own payload.
     */
    @Test
    void shouldNotHoldTheBudgetForPingsAndPongsBetweenMessages() throws Exception
    {
        final int budgetBytes = 65_536;
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES, Integer.toString(budgetBytes))))
        {
            try (RawWebSocket pinger = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
            {
                // Three quarters of the budget in pings and unsolicited pongs, then a producer's message of half.
                pingAndPong(pinger, budgetBytes * 3 / 4);
                try (RawWebSocket producer = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
                {
                    final UUID eventId = UUID.randomUUID();
                    final byte[] envelope = Envelopes.batch(eventId, 0, 1).getBytes(StandardCharsets.UTF_8);
                    final byte[] padded = Arrays.copyOf(envelope, budgetBytes / 2); // JSON whitespace behind it
                    Arrays.fill(padded, envelope.length, padded.length, (byte)' ');
                    producer.send(RawWebSocket.frame(RawWebSocket.TEXT, true, padded));
                    final RawWebSocket.Frame ack = producer.read();
                    assertEquals(RawWebSocket.TEXT, ack.opcode(), ack.text());
                    assertTrue(ack.text().contains("\"type\":\"ack\"") && ack.text().contains(eventId.toString()),
                        ack.text());
                }
                // Twice the budget in all: still answered, never closed.
                pingAndPong(pinger, budgetBytes * 2);
            }
            final GatewayCounters counters = gateway.server.counters();
            Await.until("nothing held", () -> counters.partialMessageBytes.get() == 0);
            assertEquals(0, counters.rejections(RejectReason.PARTIAL_MESSAGE_BUDGET));
            assertEquals(0, wsCloses(gateway, "partial_message_budget"));
        }
    }

    /** Sends {@code bytes} of pings and unsolicited pongs in turns, reading each ping's pong (its payload). */
    private static void pingAndPong(final RawWebSocket socket, final int bytes) throws IOException
    {
        final int perTurn = 20;
        int sent = 0;
        int turn = 0;
        while (sent < bytes)
        {
            final ByteArrayOutputStream frames = new ByteArrayOutputStream();
            final byte[][] payloads = new byte[perTurn][];
            for (int i = 0; i < perTurn; i++)
            {
                payloads[i] = new byte[125]; // the largest a control frame may carry
                Arrays.fill(payloads[i], (byte)(turn * perTurn + i));
                frames.writeBytes(RawWebSocket.frame(RawWebSocket.PING, true, payloads[i]));
                frames.writeBytes(RawWebSocket.frame(RawWebSocket.PONG, true, payloads[i]));
            }
            socket.send(frames.toByteArray());
            sent += frames.size();
            for (int i = 0; i < perTurn; i++)
            {
                final RawWebSocket.Frame pong = socket.read();
                assertEquals(RawWebSocket.PONG, pong.opcode(), "after " + sent + " bytes: " + pong.text());
                assertArrayEquals(payloads[i], pong.payload(), "a pong carries its ping's payload");
            }
            turn++;
        }
    }

    @Test
    void shouldCloseAConnectionWhoseFragmentedMessageNeverGetsItsFinalFragment() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.READ_TIMEOUT_S, "1",
            GatewaySetting.RATE_LIMIT, "0")))
        {
            try (RawWebSocket loris = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
            {
                loris.send(RawWebSocket.frame(RawWebSocket.TEXT, false, spaces(10_000)));
                // Whole frames, each a fragment of the same message, none of them the final one.
                final AtomicBoolean stop = new AtomicBoolean();
                final byte[] fragment = RawWebSocket.frame(RawWebSocket.CONTINUATION, false, spaces(100));
                final CompletableFuture<Void> trickle = CompletableFuture.runAsync(() ->
                    trickle(loris, fragment, true, stop));
                try
                {
                    final RawWebSocket.Frame closed = loris.read();
                    assertTrue(closed.isClose(), "expected a close frame, got opcode " + closed.opcode() + ": " +
                        closed.text());
                    assertEquals(1008, closed.closeCode(), closed.text());
                    assertTrue(closed.text().contains(GatewaySetting.READ_TIMEOUT_S.envName()), closed.text());
                }
                finally
                {
                    stop.set(true);
                    trickle.get(30, TimeUnit.SECONDS);
                }
            }
            final GatewayCounters counters = gateway.server.counters();
            Await.until("its close counted", () -> wsCloses(gateway, "message_timeout") == 1);
            Await.until("its share of the budget given back", () -> counters.partialMessageBytes.get() == 0);
            assertEquals(1, counters.rejections(RejectReason.REQUEST_TIMEOUT));
        }
    }

    /** The frame's first bytes come in the same read as the upgrade request: the HTTP decoder hands them on. */
    @Test
    void shouldTimeAFrameWhoseFirstBytesCameWithTheUpgradeRequest() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.READ_TIMEOUT_S, "1",
            GatewaySetting.RATE_LIMIT, "0")))
        {
            final byte[] frame = RawWebSocket.frame(RawWebSocket.BINARY, true, new byte[20_000]);
            final int held = frame.length - 200;
            final java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.server.address().getPort());
            try (RawWebSocket loris = new RawWebSocket(socket, "/ws", Arrays.copyOf(frame, held)))
            {
                final AtomicBoolean stop = new AtomicBoolean();
                final CompletableFuture<Void> trickle = CompletableFuture.runAsync(() ->
                    trickle(loris, Arrays.copyOfRange(frame, held, frame.length), false, stop));
                try
                {
                    final RawWebSocket.Frame closed = loris.read();
                    assertTrue(closed.isClose(), "expected a close frame, got opcode " + closed.opcode() + ": " +
                        closed.text());
                    assertEquals(1008, closed.closeCode(), closed.text());
                }
                finally
                {
                    stop.set(true);
                    trickle.get(30, TimeUnit.SECONDS);
                }
            }
            Await.until("its close counted", () -> wsCloses(gateway, "message_timeout") == 1);
            Await.until("its share of the budget given back", () ->
                gateway.server.counters().partialMessageBytes.get() == 0);
        }
    }

    @Test
    void shouldCloseALiveSubscriberWhoseFrameTricklesIn() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.READ_TIMEOUT_S, "1")))
        {
            final byte[] frame = RawWebSocket.frame(RawWebSocket.TEXT, true, spaces(20_000));
            final int held = frame.length - 200;
            try (RawWebSocket loris = new RawWebSocket(gateway.server.address(), "/ws?subscribe=derived", null, 0))
            {
                loris.send(Arrays.copyOf(frame, held));
                final AtomicBoolean stop = new AtomicBoolean();
                final CompletableFuture<Void> trickle = CompletableFuture.runAsync(() ->
                    trickle(loris, Arrays.copyOfRange(frame, held, frame.length), false, stop));
                try
                {
                    RawWebSocket.Frame next = loris.read();
                    while (!next.isClose())
                    {
                        next = loris.read(); // whatever it is streamed meanwhile
                    }
                    assertEquals(1008, next.closeCode(), next.text());
                    assertTrue(next.text().contains(GatewaySetting.READ_TIMEOUT_S.envName()), next.text());
                }
                finally
                {
                    stop.set(true);
                    trickle.get(30, TimeUnit.SECONDS);
                }
            }
            Await.until("its close counted", () -> wsCloses(gateway, "message_timeout") == 1);
            Await.until("it left its group", () -> gateway.metric("pitgun_gateway_open_subscribers") == 0);
        }
    }

    /**
     * Quiet between messages for longer than the read timeout, a ping alone, whole messages sent far apart, and a
     * fragmented message whose fragments come in time: nothing of it is a message still arriving at a deadline.
     */
    @Test
    void shouldLeaveAConnectionThatSendsWholeMessagesSlowlyOrIsQuietBetweenThem() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.READ_TIMEOUT_S, "1",
            GatewaySetting.RATE_LIMIT, "0")))
        {
            try (RawWebSocket producer = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
            {
                for (int i = 0; i < 3; i++)
                {
                    producer.send(RawWebSocket.frame(RawWebSocket.TEXT, true,
                        Envelopes.batch(UUID.randomUUID(), 10L * i, 2).getBytes(StandardCharsets.UTF_8)));
                    assertAck(producer.read());
                    Thread.sleep(1_500); // quiet for longer than the read timeout
                    producer.send(RawWebSocket.frame(RawWebSocket.PING, true, new byte[] {'p'}));
                    assertEquals(0xA, producer.read().opcode(), "a pong");
                    Thread.sleep(1_500);
                }
                // A fragmented message whose fragments come a little apart, all within the read timeout of its first.
                final byte[] envelope = Envelopes.batch(UUID.randomUUID(), 100, 2).getBytes(StandardCharsets.UTF_8);
                final int half = envelope.length / 2;
                producer.send(RawWebSocket.frame(RawWebSocket.TEXT, false, Arrays.copyOf(envelope, half)));
                Thread.sleep(100);
                producer.send(RawWebSocket.frame(RawWebSocket.PING, true, new byte[] {'p'}));
                assertEquals(0xA, producer.read().opcode(), "a pong between the fragments");
                producer.send(RawWebSocket.frame(RawWebSocket.CONTINUATION, true,
                    Arrays.copyOfRange(envelope, half, envelope.length)));
                assertAck(producer.read());
                Thread.sleep(1_500);
                producer.send(RawWebSocket.frame(RawWebSocket.TEXT, true,
                    Envelopes.batch(UUID.randomUUID(), 200, 2).getBytes(StandardCharsets.UTF_8)));
                assertAck(producer.read());
            }
            final GatewayCounters counters = gateway.server.counters();
            assertEquals(0, counters.rejections(RejectReason.REQUEST_TIMEOUT));
            assertFalse(wsCloses(gateway, "message_timeout") > 0);
        }
    }

    /** Hixie-76 (draft 00, no Sec-WebSocket-Version): its frames could not be timed; refused as an unknown version. */
    @Test
    void shouldRefuseAHixie76Handshake() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
             RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            connection.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n" +
                "Origin: http://127.0.0.1\r\nSec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n" +
                "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\n^n:ds[4U");
            final RawHttpConnection.Response response = connection.readResponse();
            assertEquals(426, response.status(), response.head());
            assertEquals("13", response.header("Sec-WebSocket-Version"), response.head());
        }
    }

    /** A producer sending a message of about 1 MB at normal speed: whole, and in fragments paced over 0.5 s. */
    @Test
    void shouldTakeALargeMessageSentAtNormalSpeed() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.READ_TIMEOUT_S, "2",
            GatewaySetting.RATE_LIMIT, "0")))
        {
            final byte[] envelope = Envelopes.batch(UUID.randomUUID(), 0, 2).getBytes(StandardCharsets.UTF_8);
            final byte[] large = Arrays.copyOf(envelope, 1_000_000); // the envelope, then spaces up to 1 MB
            Arrays.fill(large, envelope.length, large.length, (byte)' ');
            try (RawWebSocket producer = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
            {
                producer.send(RawWebSocket.frame(RawWebSocket.TEXT, true, large));
                assertAck(producer.read());

                final byte[] next = Envelopes.batch(UUID.randomUUID(), 10, 2).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(next, 0, large, 0, next.length);
                Arrays.fill(large, next.length, large.length, (byte)' ');
                final int fragments = 10;
                final int step = large.length / fragments;
                for (int i = 0; i < fragments; i++)
                {
                    final int from = i * step;
                    final int to = i == fragments - 1 ? large.length : from + step;
                    producer.send(RawWebSocket.frame(i == 0 ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION,
                        i == fragments - 1, Arrays.copyOfRange(large, from, to)));
                    Thread.sleep(50);
                }
                assertAck(producer.read());
            }
            final GatewayCounters counters = gateway.server.counters();
            assertEquals(0, counters.rejections(RejectReason.REQUEST_TIMEOUT));
            assertFalse(wsCloses(gateway, "message_timeout") > 0);
            Await.until("every share given back", () -> counters.partialMessageBytes.get() == 0);
        }
    }

    /** {@code pitgun_gateway_ws_closes_total{reason}}, NaN where this build has no such reason. */
    private static double wsCloses(final GatewayHarness gateway, final String reason) throws Exception
    {
        return gateway.http.metricOrNaN("pitgun_gateway_ws_closes_total{reason=\"" + reason + "\"}");
    }

    private static void assertAck(final RawWebSocket.Frame frame)
    {
        assertEquals(RawWebSocket.TEXT, frame.opcode(), "opcode " + frame.opcode() + ": " + frame.text());
        assertTrue(frame.text().contains("\"type\":\"ack\""), frame.text());
        assertFalse(frame.text().contains("nack"), frame.text());
    }

    /**
     * Sends {@code bytes} one at a time every {@link #TRICKLE_MS} (or, {@code wholeFrame}, all of them again and
     * again), until told to stop, cut off by the gateway, or every byte is sent.
     */
    private static void trickle(final RawWebSocket socket, final byte[] bytes, final boolean wholeFrames,
        final AtomicBoolean stop)
    {
        int sent = 0;
        try
        {
            while (!stop.get() && (wholeFrames || sent < bytes.length))
            {
                if (wholeFrames)
                {
                    socket.send(bytes);
                }
                else
                {
                    socket.send(new byte[] {bytes[sent++]});
                }
                Thread.sleep(TRICKLE_MS);
            }
        }
        catch (final IOException closedByGateway)
        {
            // what the test waits for
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] spaces(final int bytes)
    {
        final byte[] filler = new byte[bytes];
        Arrays.fill(filler, (byte)' ');
        return filler;
    }
}
