package io.pitgun.gateway;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WebSocket client that breaks RFC 6455 with many more messages written behind the offending frame (one write)
 * gets the gateway's close frame whole, then the connection's end (a FIN), never a reset: the gateway shuts its side
 * behind the close frame and reads on, dropping what arrives, until the client closes ({@link WebSocketClose},
 * {@link LingeringClose}). Before, it closed the connection as soon as the close frame was sent, with the client's
 * messages unread in its socket: the kernel answered with a reset, and the client lost the close frame.
 */
class GatewayWebSocketClosingIntegrationTest
{
    /** Connections per kind of violation: a reset showed on most of them before. */
    private static final int ROUNDS = 20;
    /** The valid messages written behind the offending frame, in the same write. */
    private static final int BEHIND_BYTES = 64 * 1024;

    @TempDir
    Path dataDir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "unmasked frame, 1002", "text not UTF-8, 1007" })
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldDeliverTheCloseFrameThenEndWithoutReset(final String kind, final int code) throws Exception
    {
        final ByteArrayOutputStream write = new ByteArrayOutputStream();
        write.writeBytes(kind.startsWith("unmasked") ? new byte[] {(byte)0x81, 0x02, 'h', 'i'} :
            RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[] {(byte)0xC3, (byte)0x28}));
        final byte[] ping = RawWebSocket.frame(RawWebSocket.PING, true, "ping".getBytes(StandardCharsets.UTF_8));
        while (write.size() < BEHIND_BYTES)
        {
            write.writeBytes(ping);
        }
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            for (int round = 0; round < ROUNDS; round++)
            {
                final String where = kind + ", round " + round + " of " + ROUNDS;
                try (RawWebSocket ws = new RawWebSocket(new Socket("127.0.0.1", gateway.server.address().getPort()),
                    "/ws"))
                {
                    ws.send(write.toByteArray());
                    final RawWebSocket.Frame close = ws.read();
                    assertTrue(close.isClose(), where + ": " + close);
                    assertEquals(code, close.closeCode(), where);
                    ws.assertEndedWithoutReset();
                }
                catch (final IOException ex)
                {
                    throw new AssertionError(where + ": " + ex, ex);
                }
            }
        }
    }
}
