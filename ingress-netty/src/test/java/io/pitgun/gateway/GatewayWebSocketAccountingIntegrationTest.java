package io.pitgun.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way a WebSocket upgrade is refused, or a WebSocket ends, is answered and counted under a reason that names
 * it (found by a black-box tester): an upgrade without {@code Sec-WebSocket-Key} or without {@code Connection:
 * Upgrade} was a 500 {@code internal_error} with an ERROR stack trace each; a Hixie-76 or unknown version got Netty's
 * empty 426, counted nowhere, on a connection left open; every protocol-error close counted a back-pressure pause.
 * Against the real gateway on a free loopback port, over raw sockets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayWebSocketAccountingIntegrationTest
{
    private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    /** Pongs enough to fill the kernel's buffers between the gateway and a client that does not read (7.6 MB). */
    private static final int PINGS = 60_000;
    /** Messages sent in one write ahead of a broken frame: the last answers are still owed when it is read. */
    private static final int TAKEN = 50;

    @TempDir
    Path dataDir;

    @RegisterExtension
    final CapturedLog log = new CapturedLog(OverloadLog.class);

    /**
     * A handshake RFC 6455 section 4.2.1 does not allow is answered 400 naming what it lacks. Before, Netty's
     * handshaker upgraded (101) a {@code Sec-WebSocket-Key} that is not 16 bytes in base64 or was given twice, and an
     * HTTP/1.0 request, where the RFC requires the server to refuse.
     */
    @Test
    void shouldRefuseAnUpgradeMissingOrBreakingAHandshakeHeaderWith400NamingIt() throws Exception
    {
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        final Logger gatewayLogger = (Logger)LoggerFactory.getLogger("io.pitgun.gateway");
        logged.start();
        gatewayLogger.addAppender(logged);
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final String[][] upgrades = {
                {"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Key"},
                {"Upgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Version: 13\r\n" + KEY, "Connection"},
                {"Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" + KEY, "Connection"},
                {"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\n", "Sec-WebSocket-Key"},
                {"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
                    "Sec-WebSocket-Key: abc\r\n", "Sec-WebSocket-Key"},
                {"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
                    "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA\r\n", "Sec-WebSocket-Key"}, // 15 bytes
                {"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" + KEY +
                    "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n", "Sec-WebSocket-Key"}, // given twice
                {"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" + KEY, "HTTP/1.1",
                    "HTTP/1.0"},
            };
            for (final String[] upgrade : upgrades)
            {
                try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
                {
                    connection.send("GET /ws " + (upgrade.length > 2 ? upgrade[2] : "HTTP/1.1") +
                        "\r\nHost: 127.0.0.1\r\n" + upgrade[0] + "\r\n");
                    final RawHttpConnection.Response answer = connection.readResponse();
                    assertEquals(400, answer.status(), answer.head() + answer.body());
                    assertTrue(answer.body().contains("\"reason\":\"bad_websocket_handshake\""), answer.body());
                    assertTrue(answer.body().contains(upgrade[1]), "the message names " + upgrade[1] + ": " +
                        answer.body());
                    // A WebSocket client waits for the switch, never sends another request: its place is freed.
                    connection.assertClosedByGateway();
                }
            }
            assertEquals(upgrades.length, gateway.metric(
                "pitgun_gateway_rejections_total{reason=\"bad_websocket_handshake\"}"));
            assertEquals(upgrades.length, gateway.metric(
                "pitgun_gateway_responses_total{endpoint=\"ws_text\",status=\"400\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"internal_error\"}"));
            final List<ILoggingEvent> errors = logged.list.stream()
                .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN)).toList();
            assertTrue(errors.isEmpty(), "a client's malformed upgrade is not the gateway's error: " +
                (errors.isEmpty() ? "" : errors.get(0).getFormattedMessage()));
        }
        finally
        {
            gatewayLogger.detachAppender(logged);
        }
    }

    /**
     * An upgrade refused with another status than 400 (401 without a token, 403 for a foreign {@code Origin} or a
     * token without the capability, 404 on another path) is answered, then its connection closed at once: a WebSocket
     * client waits for the switch and sends no other request. Before, only the 400s closed it; these connections
     * stayed open until idle {@code IDLE_TIMEOUT_S} (60 s here), each holding a connection slot.
     */
    @Test
    void shouldCloseEveryRefusedUpgradeRightAfterItsAnswer(@TempDir final Path tokensDir) throws Exception
    {
        final Path tokens = tokensDir.resolve("tokens.json");
        final String ingest = TokenFile.add(tokens, "producer", EnumSet.of(Capability.INGEST), 0);
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.TOKENS_FILE, tokens.toString(),
            GatewaySetting.ALLOWED_ORIGINS, "https://dash.example",
            GatewaySetting.IDLE_TIMEOUT_S, "60")))
        {
            final String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" + KEY;
            final String bearer = "Authorization: Bearer " + ingest + "\r\n";
            final Object[][] refusals = {
                {"/ws", "", 401},
                {"/ws", bearer + "Origin: http://evil.example\r\n", 403},
                {"/ws?subscribe=derived", bearer, 403},
                {"/elsewhere", bearer, 404},
            };
            for (final Object[] refusal : refusals)
            {
                try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
                {
                    connection.send("GET " + refusal[0] + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + upgrade + refusal[1] +
                        "\r\n");
                    final RawHttpConnection.Response answer = connection.readResponse();
                    assertEquals(refusal[2], answer.status(), refusal[0] + ": " + answer.head() + answer.body());
                    assertEquals("close", answer.header("Connection"), answer.head());
                    // Within the read timeout (30 s), well before the idle timeout (60 s).
                    connection.assertClosedByGateway();
                }
            }
        }
    }

    /**
     * {@code Upgrade} may list other protocols besides {@code websocket} (RFC 6455 4.2.1 requires only that it
     * include it, in any case): {@code Upgrade: h2c, WebSocket} is upgraded (101) and the WebSocket works. Before, it
     * was answered 400 "needs a WebSocket upgrade" on a connection left open.
     */
    @Test
    void shouldUpgradeWhenUpgradeListsWebSocketAmongOtherProtocols() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
            RawWebSocket ws = new RawWebSocket(new Socket("127.0.0.1", gateway.server.address().getPort()),
                "/ws", "h2c, WebSocket", new byte[0]))
        {
            ws.send(RawWebSocket.frame(RawWebSocket.PING, true, "hello".getBytes(UTF_8)));
            final RawWebSocket.Frame pong = ws.read();
            assertEquals(RawWebSocket.PONG, pong.opcode());
            assertEquals("hello", pong.text());
        }
    }

    /**
     * A live subscriber on a quiet gateway is pinged once idle {@code IDLE_TIMEOUT_S} (1 s here): one that answers
     * (as a browser does by itself) stays open across idle periods; one that does not is closed 1000 "idle" the next
     * idle period, counted {@code idle}. Before, nothing closed an idle subscriber: a peer gone without a FIN kept its
     * connection for ever, while an ingest connection got 1000 "idle".
     */
    @Test
    void shouldPingAQuietSubscriberAndCloseItIdleOnlyWhenItDoesNotAnswer() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.IDLE_TIMEOUT_S, "1")))
        {
            try (RawWebSocket live = new RawWebSocket(gateway.server.address(), "/ws?subscribe=derived", null, 0))
            {
                for (int ping = 0; ping < 3; ping++)
                {
                    final RawWebSocket.Frame frame = live.read();
                    assertEquals(RawWebSocket.PING, frame.opcode(), "ping " + ping + ": opcode " + frame.opcode());
                    live.send(RawWebSocket.frame(RawWebSocket.PONG, true, frame.payload()));
                }
                // Still open across three idle periods: a ping of its own is answered.
                live.send(RawWebSocket.frame(RawWebSocket.PING, true, "still".getBytes(UTF_8)));
                RawWebSocket.Frame frame = live.read();
                while (frame.opcode() == RawWebSocket.PING) // the gateway's, if an idle period ended meanwhile
                {
                    live.send(RawWebSocket.frame(RawWebSocket.PONG, true, frame.payload()));
                    frame = live.read();
                }
                assertEquals(RawWebSocket.PONG, frame.opcode());
                assertEquals("still", frame.text());
            }
            try (RawWebSocket silent = new RawWebSocket(gateway.server.address(), "/ws?subscribe=derived", null, 0))
            {
                assertEquals(RawWebSocket.PING, silent.read().opcode());
                final RawWebSocket.Frame close = silent.read();
                assertTrue(close.isClose(), "opcode " + close.opcode());
                assertEquals(1000, close.closeCode());
                assertEquals("idle", new String(close.payload(), 2, close.payload().length - 2, UTF_8));
                silent.assertClosedByGateway();
            }
            Await.until("the silent subscriber counted idle", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"idle\"}") == 1.0);
            assertEquals(0.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"error\"}"));
        }
    }

    @Test
    void shouldAnswerAnUnsupportedWebSocketVersion426WithAJsonBodyAndClose() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final String[] upgrades = {
                // Hixie-76 (draft 00): no version, two keys, and 8 bytes of key after the head.
                "Upgrade: WebSocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n" +
                    "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\n^n:ds[4U",
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 99\r\n" + KEY + "\r\n",
            };
            for (final String upgrade : upgrades)
            {
                try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
                {
                    connection.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n" + upgrade);
                    final RawHttpConnection.Response answer = connection.readResponse();
                    assertEquals(426, answer.status(), answer.head() + answer.body());
                    assertEquals("13", answer.header("Sec-WebSocket-Version"), answer.head());
                    assertTrue(answer.body().contains("\"reason\":\"unsupported_websocket_version\""), answer.body());
                    connection.assertClosedByGateway();
                }
            }
            assertEquals(upgrades.length, gateway.metric(
                "pitgun_gateway_rejections_total{reason=\"unsupported_websocket_version\"}"));
            assertEquals(upgrades.length, gateway.metric(
                "pitgun_gateway_responses_total{endpoint=\"ws_text\",status=\"426\"}"));
        }
    }

    /**
     * A connection the gateway closes for a protocol error (close code 1002) is not paused for back-pressure: the
     * close made it unwritable, which was taken for a client not reading (one pause counted per close).
     */
    @Test
    void shouldNotCountAProtocolErrorCloseAsAPause() throws Exception
    {
        final byte[][] violations = {
            {(byte)0x81, 0x02, 'h', 'i'}, // not masked
            RawWebSocket.frame(0x40 | RawWebSocket.TEXT, true, new byte[] {'{', '}'}), // RSV1 set
            RawWebSocket.frame(0x3, true, new byte[0]), // reserved opcode
            RawWebSocket.frame(RawWebSocket.CLOSE, true, new byte[] {0x03, (byte)0xED}), // close code 1005
            RawWebSocket.frame(RawWebSocket.PING, true, new byte[200]), // control frame over 125 bytes
            RawWebSocket.frame(RawWebSocket.CONTINUATION, true, new byte[] {'x'}), // continuation of nothing
        };
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            for (final byte[] violation : violations)
            {
                try (RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
                {
                    ws.send(violation);
                    final RawWebSocket.Frame close = ws.read();
                    assertTrue(close.isClose() && close.closeCode() == 1002, "close code " + close.closeCode());
                }
            }
            Await.until("every close counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"protocol_error\"}") == violations.length);
            assertEquals(0.0, gateway.metric("pitgun_gateway_connections_paused_total"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_paused_connections"));
        }
    }

    /**
     * A close frame carrying what RFC 6455 §7.4 forbids in one (1005, 1006 and 1015, which only name what happened,
     * a code outside the ranges defined or registered: below 1000, 1004, 1016 to 2999, above 4999), a one-byte body
     * is a protocol error (§5.5.1, §7.4.1): answered with close code 1002 and closed, counted {@code protocol_error},
     * from an ingest connection and a subscriber alike; a reason that is not UTF-8 fails the connection as data
     * inconsistent with its type (§8.1), 1007 (Autobahn 7.5.1), counted {@code protocol_error} too. Before, Netty's
     * decoder took it for the client's close and closed without a close frame, and let codes above 4999 through to be
     * echoed back; a subscriber's was counted {@code error}; the reason not UTF-8 was answered 1002. A valid close is
     * still echoed, counted {@code client}.
     */
    @Test
    void shouldAnswerACloseFrameThatBreaksTheRulesWith1002AndEchoAValidOne() throws Exception
    {
        final List<byte[]> broken = List.of(RawWebSocket.closePayload(0, new byte[0]),
            RawWebSocket.closePayload(999, new byte[0]), RawWebSocket.closePayload(1004, new byte[0]),
            RawWebSocket.closePayload(1005, new byte[0]), RawWebSocket.closePayload(1006, new byte[0]),
            RawWebSocket.closePayload(1015, new byte[0]), RawWebSocket.closePayload(1016, new byte[0]),
            RawWebSocket.closePayload(2999, new byte[0]), RawWebSocket.closePayload(5000, new byte[0]),
            RawWebSocket.closePayload(65_535, new byte[0]), new byte[] {0x03});
        final byte[] notUtf8 = RawWebSocket.closePayload(1000, new byte[] {'o', 'k', (byte)0xC3, 0x28});
        final List<byte[]> valid = List.of(new byte[0], RawWebSocket.closePayload(1000, "done".getBytes(UTF_8)),
            RawWebSocket.closePayload(1001, new byte[0]), RawWebSocket.closePayload(1011, new byte[0]),
            RawWebSocket.closePayload(1014, new byte[0]), RawWebSocket.closePayload(3000, new byte[0]),
            RawWebSocket.closePayload(4999, "fin \u00e9".getBytes(UTF_8)));
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            for (final String path : List.of("/ws", "/ws?subscribe=derived"))
            {
                for (final byte[] payload : broken)
                {
                    try (RawWebSocket ws = new RawWebSocket(gateway.server.address(), path, null, 0))
                    {
                        ws.send(RawWebSocket.frame(RawWebSocket.CLOSE, true, payload));
                        final RawWebSocket.Frame close = ws.read();
                        assertTrue(close.isClose(), path + " " + java.util.Arrays.toString(payload));
                        assertEquals(1002, close.closeCode(), path + " " + java.util.Arrays.toString(payload));
                        ws.assertClosedByGateway();
                    }
                }
                try (RawWebSocket ws = new RawWebSocket(gateway.server.address(), path, null, 0))
                {
                    ws.send(RawWebSocket.frame(RawWebSocket.CLOSE, true, notUtf8));
                    final RawWebSocket.Frame close = ws.read();
                    assertTrue(close.isClose(), path);
                    assertEquals(1007, close.closeCode(), path + ": " + close.text());
                    ws.assertClosedByGateway();
                }
                for (final byte[] payload : valid)
                {
                    try (RawWebSocket ws = new RawWebSocket(gateway.server.address(), path, null, 0))
                    {
                        ws.send(RawWebSocket.frame(RawWebSocket.CLOSE, true, payload));
                        final RawWebSocket.Frame close = ws.read();
                        assertTrue(close.isClose(), path + " " + java.util.Arrays.toString(payload));
                        assertArrayEquals(payload, close.payload(), "echoed, " + path);
                        ws.assertClosedByGateway();
                    }
                }
            }
            Await.until("every close counted", () -> gateway.metric(
                "pitgun_gateway_ws_closes_total{reason=\"protocol_error\"}") == 2 * (broken.size() + 1) &&
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"client\"}") == 2 * valid.size());
            assertEquals(0.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"error\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"peer_gone\"}"));
        }
    }

    /**
     * A frame that breaks RFC 6455 on an ingest connection is answered by exactly one close frame, the frame decoder's,
     * then the connection ends. Before, the ingest handler wrote a close frame 1002 "corrupted frame" of its own
     * behind the decoder's: lost on a connection with nothing waiting to be sent (the decoder's close had closed it),
     * it reached the client behind the first whenever answers were still waiting, as here: the pongs of
     * {@value #PINGS} pings, more than the kernel's buffers hold for a client that does not read yet (its receive
     * buffer small; no high-water mark pauses the reading).
     */
    @Test
    void shouldAnswerABrokenFrameBehindWaitingAnswersWithOneCloseFrame() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.OUTBOUND_HIGH_WATER_BYTES, Integer.toString(1 << 30),
            GatewaySetting.OUTBOUND_LIMIT_BYTES, Integer.toString(Integer.MAX_VALUE)));
            RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 4096))
        {
            ws.send(pingFlood());
            Await.until("pongs wait in the gateway", () ->
                gateway.metric("pitgun_gateway_outbound_bytes") >= 1 << 20);
            ws.send(RawWebSocket.frame(0x3, true, new byte[1])); // a reserved opcode: close 1002
            for (int i = 0; i < PINGS; i++)
            {
                assertEquals(0xA, ws.read().opcode(), "pong " + i);
            }
            final RawWebSocket.Frame close = ws.read();
            assertTrue(close.isClose(), "opcode " + close.opcode());
            assertEquals(1002, close.closeCode(), close.text());
            assertEquals("data frame using reserved opcode 3", close.text().substring(2), "the decoder's");
            ws.assertClosedByGateway(); // nothing more: no second close frame
        }
    }

    /**
     * A WebSocket connection that fails, of an ingest client or a subscriber, is counted as a connection error and by
     * why it ended: a reset (the network's failure) as {@code peer_gone}, the client vanished without a close frame;
     * any other failure, the gateway's own (a bug: here one handler's exception), as {@code error}, logged with its
     * stack trace at the overload log's rate, one line for both. Before, both were counted {@code error} only, not as
     * connection errors, and logged nowhere.
     */
    @Test
    void shouldCountAResetAsGoneAndLogAnUnexpectedFailure() throws Exception
    {
        final List<String> paths = List.of("/ws", "/ws?subscribe=derived");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            for (final String path : paths)
            {
                new RawWebSocket(gateway.server.address(), path, null, 0).reset();
            }
            Await.until("both resets counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"peer_gone\"}") +
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"error\"}") == paths.size());
            assertEquals(paths.size(), gateway.metric("pitgun_gateway_ws_closes_total{reason=\"peer_gone\"}"));
            assertEquals(paths.size(), gateway.metric("pitgun_gateway_connection_errors_total"));

            for (final String path : paths)
            {
                try (RawWebSocket ws = new RawWebSocket(gateway.server.address(), path, null, 0))
                {
                    for (final io.netty.channel.Channel channel : gateway.server.channels())
                    {
                        if (channel.pipeline().get("ws") != null) // the WebSocket's handler, not an HTTP exchange's
                        {
                            channel.eventLoop().execute(() -> channel.pipeline().fireExceptionCaught(
                                new IllegalStateException("a bug met by " + path)));
                        }
                    }
                    ws.assertClosedByGateway();
                }
            }
            Await.until("both failures counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"error\"}") == paths.size());
            assertEquals(2 * paths.size(), gateway.metric("pitgun_gateway_connection_errors_total"));
            final List<ILoggingEvent> lines = log.at(Level.WARN);
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).getFormattedMessage().contains(": unexpected java.lang.IllegalStateException: " +
                "a bug met by /ws"), lines.get(0).getFormattedMessage());
            assertEquals(IllegalStateException.class.getName(), lines.get(0).getThrowableProxy().getClassName());
            assertEquals(1.0, gateway.metric("pitgun_gateway_overload_warnings_suppressed_total"), "the second");
        }
    }

    /**
     * A client that goes away in the middle of a fragmented message (its first fragment sent, then its socket closed)
     * is counted as {@code peer_gone}, the client vanished without a close frame, with no warning. Before, the frame
     * aggregator's "closed while still aggregating" reached the handler as an unexpected failure: counted as a
     * connection error and logged as a WARN with its stack trace, for what any client may do.
     */
    @Test
    void shouldCountAClientGoneMidMessageAsGoneWithoutAWarning() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            try (RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
            {
                ws.send(RawWebSocket.frame(RawWebSocket.TEXT, false, "{\"envelope_version\":".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII)));
                Await.until("the first fragment held", () ->
                    gateway.server.counters().partialMessageBytes.get() > 0);
            }
            Await.until("the close counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"peer_gone\"}") +
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"error\"}") == 1);
            assertEquals(1.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"peer_gone\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_connection_errors_total"));
            assertEquals(List.of(), log.at(Level.WARN));
        }
    }

    /**
     * A subscription's {@code subscribe} parameter given twice is refused 400 in either order, as two {@code session}
     * parameters are. Before, {@code subscribe=derived&subscribe=raw} upgraded (the second value ignored) while
     * {@code subscribe=raw&subscribe=derived} was refused: the first one won.
     */
    @Test
    void shouldRefuseASubscribeParameterGivenTwice() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            for (final String query : List.of("subscribe=derived&subscribe=raw", "subscribe=raw&subscribe=derived",
                "subscribe=derived&subscribe=derived"))
            {
                try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
                {
                    connection.send("GET /ws?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n" +
                        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
                        "Sec-WebSocket-Version: 13\r\n\r\n");
                    final RawHttpConnection.Response refused = connection.readResponse();
                    assertEquals(400, refused.status(), query + ": " + refused.head() + refused.body());
                    assertTrue(refused.body().contains("give subscribe once"),
                        query + ": " + refused.status() + " " + refused.body());
                }
            }
        }
    }

    /** Nor is a WebSocket the gateway closes as it shuts down (its output shut, it lingers): not a pause either. */
    @Test
    void shouldNotCountAGoingAwayCloseAsAPause() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
            RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
        {
            ws.send(RawWebSocket.frame(RawWebSocket.PING, true, ByteBuffer.allocate(4).putInt(7).array()));
            assertEquals(0xA, ws.read().opcode(), "pong");
            gateway.server.shutdown();
            assertEquals(1001, ws.read().closeCode());
            assertEquals(0, gateway.server.counters().connectionsPaused());
        }
    }

    /**
     * A message that reaches the gateway behind its close frame (here in the same read as a message over
     * {@code MAX_WS_FRAME_BYTES}, which the gateway answers with 1009) is dropped unanswered and counted
     * {@code request_after_close}, as an HTTP request behind a closing answer is. Before, it was ingested, journaled
     * and answered with a data frame behind the close frame (RFC 6455 5.5.1: no data frame after a close frame).
     */
    @Test
    void shouldNeitherIngestNorAnswerAMessageBehindTheGatewaysCloseFrame() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.MAX_WS_FRAME_BYTES, "4096"));
            RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
        {
            ws.send(join(RawWebSocket.frame(RawWebSocket.TEXT, false, new byte[3000]),
                RawWebSocket.frame(RawWebSocket.CONTINUATION, true, new byte[3000]),
                RawWebSocket.frame(RawWebSocket.TEXT, true,
                    Envelopes.batch(java.util.UUID.randomUUID(), 0, 1).getBytes(UTF_8))));
            final RawWebSocket.Frame close = ws.read();
            assertTrue(close.isClose(), "expected the close frame first, got opcode " + close.opcode() + ": " +
                close.text());
            assertEquals(1009, close.closeCode(), close.text());
            ws.assertClosedByGateway(); // no answer behind the close frame
            Await.until("the message behind the close counted", () ->
                gateway.metric("pitgun_gateway_rejections_total{reason=\"request_after_close\"}") == 1.0);
            assertEquals(0.0, gateway.metric("pitgun_gateway_frames_published_total"), "nothing ingested");
        }
    }

    /**
     * A text message that is not UTF-8 fails the connection (RFC 6455 8.1): close code 1007, counted
     * {@code protocol_error}, whatever else is wrong with it and wherever the bad bytes are (in a string, behind a
     * syntax error, in a session's label, outside any JSON). Before, each got a 400 or 422 answer and the connection
     * stayed open. A malformed message that is UTF-8 is still answered 400 on an open connection.
     */
    @Test
    void shouldFailTheConnectionOnATextMessageThatIsNotUtf8() throws Exception
    {
        final byte[] bad = {(byte)0xc3, 0x28};
        final String start = "{\"schema_version\":\"pitgun-envelope-v1\"," +
            "\"event_id\":\"0c5e8f7a-1d2b-4c3e-8f9a-6b7c8d9e0f1a\",\"ts\":\"2026-04-11T12:30:00Z\"," +
            "\"player_id\":\"7d16dde5-88a6-4b47-8cd8-c711601cd61f\"," +
            "\"session_id\":\"53702b3e-3e56-41a2-8834-9169ee5e991e\",\"event_type\":\"session.start\"," +
            "\"payload\":{\"timestamp_us\":1775910600000000,\"label\":\"Monza ";
        final byte[][] messages = {
            join("{\"a\":\"".getBytes(UTF_8), bad, "\"}".getBytes(UTF_8)),
            join("{\"a\" 1,\"b\":\"".getBytes(UTF_8), bad, "\"}".getBytes(UTF_8)),
            join(start.getBytes(UTF_8), bad, "\"}}".getBytes(UTF_8)),
            join(bad, "{}".getBytes(UTF_8)),
        };
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            for (final byte[] message : messages)
            {
                try (RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
                {
                    ws.send(RawWebSocket.frame(RawWebSocket.TEXT, true, message));
                    final RawWebSocket.Frame close = ws.read();
                    assertTrue(close.isClose(), "expected a close frame, got opcode " + close.opcode() + ": " +
                        close.text());
                    assertEquals(1007, close.closeCode(), close.text());
                    assertEquals(NotUtf8TextValidator.REASON, close.closeReason());
                    ws.assertClosedByGateway();
                }
            }
            try (RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
            {
                ws.send(RawWebSocket.frame(RawWebSocket.TEXT, true, "{\"a\" 1}".getBytes(UTF_8)));
                final RawWebSocket.Frame answer = ws.read();
                assertEquals(RawWebSocket.TEXT, answer.opcode(), answer.text());
                assertTrue(answer.text().contains("malformed_json"), answer.text());
            }
            Await.until("every close counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"protocol_error\"}") == messages.length);
            assertEquals(0.0, gateway.metric("pitgun_gateway_frames_published_total"), "nothing ingested");
        }
    }

    /**
     * A text message that is not UTF-8 fails the connection over the rate limit too: close code 1007, counted
     * {@code protocol_error} and {@code rate_limited}, no answer. Before, the rate limit's refusal came first: a nack
     * 429 on a connection left open.
     */
    @Test
    void shouldFailTheConnectionOnATextMessageThatIsNotUtf8OverTheRateLimit() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.RATE_LIMIT, "1", GatewaySetting.RATE_BURST, "1"));
            RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
        {
            // The upgrade took the bucket's one token: in one write, the messages are over the limit.
            ws.send(join(RawWebSocket.frame(RawWebSocket.TEXT, true, "{\"a\" 1}".getBytes(UTF_8)),
                RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[] {'"', (byte)0xff, '"'})));
            final RawWebSocket.Frame first = ws.read();
            assertTrue(first.text().contains("\"type\":\"nack\""), first.text()); // UTF-8: answered
            final RawWebSocket.Frame close = ws.read();
            assertTrue(close.isClose(), "expected a close frame, got opcode " + close.opcode() + ": " + close.text());
            assertEquals(1007, close.closeCode(), close.text());
            ws.assertClosedByGateway();
            Await.until("the close counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"protocol_error\"}") == 1.0);
            assertTrue(gateway.metric("pitgun_gateway_rejections_total{reason=\"rate_limited\"}") >= 1.0);
        }
    }

    /**
     * A live subscriber's text message that is not UTF-8 fails its connection as an ingest connection's does (RFC 6455
     * 8.1): close code 1007, counted {@code protocol_error}, whether the bad bytes are in one frame, in a continuation
     * or cut off at the message's end; a character split between two fragments is UTF-8 and leaves it open. Before,
     * a subscriber's data frames were not looked at: each was ignored on a connection left open; later, its close
     * carried Netty's reason text ("bytes are not UTF-8"), not the ingest connection's.
     */
    @Test
    void shouldFailASubscriberOnATextMessageThatIsNotUtf8() throws Exception
    {
        final byte[][][] messages = {
            {RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[] {'"', (byte)0xff, '"'})},
            {RawWebSocket.frame(RawWebSocket.TEXT, false, "ok".getBytes(UTF_8)),
                RawWebSocket.frame(RawWebSocket.CONTINUATION, true, new byte[] {(byte)0xc3, 0x28})},
            {RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[] {'c', 'a', 'f', (byte)0xc3})}, // cut off
        };
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            for (final byte[][] message : messages)
            {
                try (RawWebSocket live = new RawWebSocket(gateway.server.address(), "/ws?subscribe=derived", null, 0))
                {
                    // "café" with its é split between the fragments, then a ping: still open, answered.
                    live.send(join(RawWebSocket.frame(RawWebSocket.TEXT, false, new byte[] {'c', 'a', 'f', (byte)0xc3}),
                        RawWebSocket.frame(RawWebSocket.CONTINUATION, true, new byte[] {(byte)0xa9}),
                        RawWebSocket.frame(RawWebSocket.PING, true, "open".getBytes(UTF_8))));
                    final RawWebSocket.Frame pong = live.read();
                    assertEquals(RawWebSocket.PONG, pong.opcode(), "opcode " + pong.opcode() + ": " + pong.text());
                    assertEquals("open", pong.text());
                    live.send(join(message));
                    final RawWebSocket.Frame close = live.read();
                    assertTrue(close.isClose(), "expected a close frame, got opcode " + close.opcode() + ": " +
                        close.text());
                    assertEquals(1007, close.closeCode(), close.text());
                    // The ingest connection's reason text (above), not Netty's ("bytes are not UTF-8").
                    assertEquals(NotUtf8TextValidator.REASON, close.closeReason());
                    live.assertClosedByGateway();
                }
            }
            // Sent in the same packet as the upgrade: the 101, then the close frame (FramesBeforeHandshake).
            try (RawWebSocket early = new RawWebSocket(new Socket("127.0.0.1",
                gateway.server.address().getPort()), "/ws?subscribe=derived", messages[0][0]))
            {
                final RawWebSocket.Frame close = early.read();
                assertTrue(close.isClose(), "opcode " + close.opcode());
                assertEquals(1007, close.closeCode(), close.text());
                assertEquals(NotUtf8TextValidator.REASON, close.closeReason());
                early.assertClosedByGateway();
            }
            Await.until("every close counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"protocol_error\"}") == messages.length + 1);
            assertEquals(0.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"error\"}"));
        }
    }

    /**
     * A connection whose close frame waits behind answers its client does not take (the pongs of {@value #PINGS}
     * pings, as above), the client sending nothing either, ends (a second after that close frame, or idle
     * {@code IDLE_TIMEOUT_S}, whichever comes first), still counted by why the gateway closed it, and nothing follows
     * that close frame. Before, the idle timeout wrote a
     * close frame 1000 "idle" behind it, again on every timeout (three close frames read in a manual run: 1007, then
     * "idle" twice), and the connection stayed open as long as the client did not read.
     */
    @Test
    void shouldEndAnIdleConnectionWhoseCloseFrameWaitsWithoutAnotherCloseFrame() throws Exception
    {
        try (GatewayHarness gateway = gatewayHoldingPongs(1);
            RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 4096))
        {
            failBehindPongs(gateway, ws);
            Await.until("the idle connection closed, counted by its close frame's reason", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"protocol_error\"}") == 1.0);
            int closeFrames = 0;
            try
            {
                while (true)
                {
                    final RawWebSocket.Frame frame = ws.read();
                    assertEquals(0, closeFrames, "a frame behind the close frame, opcode " + frame.opcode());
                    closeFrames += frame.isClose() ? 1 : 0;
                }
            }
            catch (final java.io.EOFException | java.net.SocketException end)
            {
                // the connection's end: what the gateway had not handed to the kernel went with it
            }
            assertEquals(0.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"idle\"}"));
        }
    }

    /**
     * Messages taken just before a frame that breaks RFC 6455, all in one write, are answered before the gateway's
     * close frame (it waits behind the answers owed for messages already taken), and {@code /metrics} counts what
     * the client saw: {@value #TAKEN} answers 202, one close. Before, the acknowledgements still awaited from the
     * journal when the violation was read were not written (the decoder had written its close frame at once), yet
     * counted 202.
     */
    @Test
    void shouldAnswerMessagesTakenBeforeAViolationBeforeTheCloseFrame() throws Exception
    {
        final List<java.util.UUID> eventIds = java.util.stream.Stream.generate(java.util.UUID::randomUUID)
            .limit(TAKEN).toList();
        final byte[][] frames = new byte[TAKEN + 1][];
        for (int i = 0; i < TAKEN; i++)
        {
            frames[i] = RawWebSocket.frame(RawWebSocket.TEXT, true, Envelopes.batch(eventIds.get(i), i, 1)
                .getBytes(UTF_8));
        }
        frames[TAKEN] = RawWebSocket.frame(0x40 | RawWebSocket.TEXT, true, new byte[] {'{', '}'}); // RSV1 set: 1002
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
            RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
        {
            ws.send(join(frames));
            for (int i = 0; i < TAKEN; i++)
            {
                final RawWebSocket.Frame ack = ws.read();
                assertEquals(RawWebSocket.TEXT, ack.opcode(), "answer " + i + " before the close frame: " +
                    ack.text());
                assertTrue(ack.text().contains("\"type\":\"ack\""), ack.text());
            }
            final RawWebSocket.Frame close = ws.read();
            assertTrue(close.isClose(), "opcode " + close.opcode());
            assertEquals(1002, close.closeCode(), close.text());
            ws.assertClosedByGateway();
            Await.until("the close counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"protocol_error\"}") == 1.0);
            assertEquals(TAKEN, gateway.metric(
                "pitgun_gateway_responses_total{endpoint=\"ws_text\",status=\"202\"}"), "the answers the client read");
            assertEquals(TAKEN, gateway.metric("pitgun_gateway_frames_published_total"));
        }
    }

    /**
     * The client's own close frame read while the gateway's close frame still waits behind the answers owed (a text
     * message that is not UTF-8 after {@value #TAKEN} messages, then the client's close, in one write) does not cut
     * those answers off: {@value #TAKEN} answers 202, then close 1007. Before, the client's close closed the
     * connection at once: no answer, no close frame, the {@value #TAKEN} journaled messages counted
     * client_closed_request, and the client, told nothing, would send them again.
     */
    @Test
    void shouldAnswerMessagesTakenBeforeTheGatewaysCloseWhenTheClientClosesToo() throws Exception
    {
        final byte[][] frames = new byte[TAKEN + 2][];
        for (int i = 0; i < TAKEN; i++)
        {
            frames[i] = RawWebSocket.frame(RawWebSocket.TEXT, true, Envelopes.batch(java.util.UUID.randomUUID(), i, 1)
                .getBytes(UTF_8));
        }
        frames[TAKEN] = RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[] {(byte)0xc3, 0x28}); // not UTF-8: 1007
        frames[TAKEN + 1] = RawWebSocket.frame(RawWebSocket.CLOSE, true, new byte[] {0x03, (byte)0xe8}); // 1000
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
            RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 0))
        {
            ws.send(join(frames));
            for (int i = 0; i < TAKEN; i++)
            {
                final RawWebSocket.Frame ack = ws.read();
                assertEquals(RawWebSocket.TEXT, ack.opcode(), "answer " + i + " before the close frame");
                assertTrue(ack.text().contains("\"type\":\"ack\""), ack.text());
            }
            final RawWebSocket.Frame close = ws.read();
            assertTrue(close.isClose(), "opcode " + close.opcode());
            assertEquals(1007, close.closeCode(), close.text());
            ws.assertClosedByGateway();
            Await.until("the close counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"protocol_error\"}") == 1.0);
            assertEquals(TAKEN, gateway.metric(
                "pitgun_gateway_responses_total{endpoint=\"ws_text\",status=\"202\"}"), "the answers the client read");
            assertEquals(0, gateway.metric("pitgun_gateway_rejections_total{reason=\"client_closed_request\"}"));
        }
    }

    /**
     * A client that never reads, whose connection the gateway fails for a text message that is not UTF-8 (close
     * 1007) while its pongs fill the buffers between them, so that the close frame cannot leave, is closed at the
     * latest a second after that close frame, as every close the gateway decides on is, not only once idle
     * {@code IDLE_TIMEOUT_S} (60 s here). Before, the not-UTF-8 close (as the idle and token-revoked ones) had no
     * forced close: the connection stayed open until the idle timeout.
     */
    @Test
    void shouldCloseAClientThatNeverReadsSoonAfterTheNotUtf8CloseFrame() throws Exception
    {
        try (GatewayHarness gateway = gatewayHoldingPongs(60);
            RawWebSocket ws = new RawWebSocket(gateway.server.address(), "/ws", null, 4096))
        {
            failBehindPongs(gateway, ws);
            Await.until("closed well before the idle timeout", java.time.Duration.ofSeconds(15), () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"protocol_error\"}") == 1.0);
        }
    }

    /** A gateway that holds every answer a client does not take (no outbound bound closes it), idle after idleS. */
    private GatewayHarness gatewayHoldingPongs(final int idleS) throws Exception
    {
        return new GatewayHarness(dataDir, Map.of(
            GatewaySetting.IDLE_TIMEOUT_S, Integer.toString(idleS),
            GatewaySetting.OUTBOUND_HIGH_WATER_BYTES, Integer.toString(1 << 30),
            GatewaySetting.OUTBOUND_LIMIT_BYTES, Integer.toString(Integer.MAX_VALUE)));
    }

    /**
     * Fills the buffers between {@code ws}, which does not read, and the gateway with pongs, then sends a text message
     * that is not UTF-8: the gateway's close frame 1007 waits behind the pongs.
     */
    private static void failBehindPongs(final GatewayHarness gateway, final RawWebSocket ws) throws Exception
    {
        ws.send(pingFlood());
        Await.until("pongs wait in the gateway", () -> gateway.metric("pitgun_gateway_outbound_bytes") >= 1 << 20);
        ws.send(RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[] {(byte)0xff}));
    }

    /** {@value #PINGS} pings of 125 bytes in one buffer, whose pongs fill the buffers of a client that reads slowly. */
    private static byte[] pingFlood()
    {
        final byte[][] pings = new byte[PINGS][];
        java.util.Arrays.fill(pings, RawWebSocket.frame(RawWebSocket.PING, true, new byte[125]));
        return join(pings);
    }

    private static byte[] join(final byte[]... parts)
    {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * Frames sent in the same packet as the upgrade request, one of them breaking RFC 6455, get the upgrade's 101, then
     * the close frame with the violation's code (1002 for RSV1 set, 1009 for a frame over {@code MAX_WS_FRAME_BYTES},
     * also counted as {@code body_too_large}, 1007 for a close reason that is not UTF-8), then the connection's end,
     * counted once under its close reason, on an ingest connection and a subscriber alike. Before, the frame decoder
     * closed the connection before the 101 was written: the client got no answer and no close frame, counted only as
     * a connection error.
     */
    @Test
    void shouldAnswerAnUpgradeWhoseFramesBrokeTheRulesWith101ThenTheCloseFrame() throws Exception
    {
        final Map<Integer, byte[]> violations = Map.of(
            1002, RawWebSocket.frame(0x40 | RawWebSocket.TEXT, true, new byte[] {'{', '}'}),
            1009, RawWebSocket.frame(RawWebSocket.BINARY, true, new byte[5000]),
            1007, RawWebSocket.frame(RawWebSocket.CLOSE, true,
                RawWebSocket.closePayload(1000, new byte[] {'o', 'k', (byte)0xC3, 0x28})));
        final List<String> paths = List.of("/ws", "/ws?subscribe=derived");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.MAX_WS_FRAME_BYTES, "4096")))
        {
            for (final String path : paths)
            {
                for (final Map.Entry<Integer, byte[]> violation : violations.entrySet())
                {
                    final java.net.Socket socket = new Socket("127.0.0.1",
                        gateway.server.address().getPort());
                    try (RawWebSocket ws = new RawWebSocket(socket, path, violation.getValue()))
                    {
                        final RawWebSocket.Frame close = ws.read();
                        assertTrue(close.isClose(), path + ": opcode " + close.opcode());
                        assertEquals(violation.getKey(), close.closeCode(), path + ": " + close.text());
                        ws.assertClosedByGateway();
                    }
                }
            }
            Await.until("every close counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"protocol_error\"}") == 2 * paths.size() &&
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"message_too_big\"}") == paths.size());
            assertEquals(0.0, gateway.metric("pitgun_gateway_connection_errors_total"));
            assertEquals(2 * paths.size(), gateway.metric(
                "pitgun_gateway_ws_closes_total{reason=\"protocol_error\"}"), "each once");
            // The frame over the limit is a refusal on either endpoint (before, only the ingest one counted it).
            assertEquals(paths.size(), gateway.metric("pitgun_gateway_rejections_total{reason=\"body_too_large\"}"));
        }
    }
}
