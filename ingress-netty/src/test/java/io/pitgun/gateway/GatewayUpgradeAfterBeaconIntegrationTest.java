package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeldThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code POST /beacon} waiting for the journal, pipelined with a WebSocket upgrade on the same connection: the
 * late 202 must never be written into the WebSocket stream (the pre-encoded answer bypasses the HTTP encoder, which
 * the handshake has removed by then).
 */
class GatewayUpgradeAfterBeaconIntegrationTest
{
    private static final byte[] CLOSE_FRAME = {(byte)0x88, (byte)0x80, 1, 2, 3, 4}; // masked, empty close

    @Test
    void shouldNotWriteALateAcceptedAnswerIntoTheWebSocketStream(@TempDir final Path dataDir) throws Exception
    {
        final HeldThreads held = new HeldThreads();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(), held);
            Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
        {
            socket.setSoTimeout(10_000);
            final String envelope = Envelopes.batch(UUID.randomUUID(), 0, 1);
            final OutputStream out = socket.getOutputStream();
            out.write(("POST /beacon HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                envelope.length() + "\r\n\r\n" + envelope +
                "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            final InputStream in = socket.getInputStream();
            final ByteArrayOutputStream seen = new ByteArrayOutputStream();
            readUntil(in, seen, "\r\n\r\n"); // the 101: the pipeline is held, so no 202 can be ready yet
            assertTrue(seen.toString(StandardCharsets.ISO_8859_1).contains("101 Switching Protocols"), seen::toString);

            held.release();
            // The beacon's answer is decided (and, before the fix, written) on the connection's loop; the close
            // below is read on the same loop afterwards, so its reply comes after anything that answer wrote.
            Await.until("the beacon answered", () ->
                gateway.server.counters().responses(GatewayCounters.Endpoint.BEACON, 202) == 1);
            out.write(CLOSE_FRAME);
            out.flush();
            int b;
            while ((b = in.read()) >= 0)
            {
                seen.write(b);
            }
            final String stream = seen.toString(StandardCharsets.ISO_8859_1);
            assertFalse(stream.contains("202 Accepted"), "an HTTP answer inside the WebSocket stream:\n" + stream);
        }
    }

    private static void readUntil(final InputStream in, final ByteArrayOutputStream seen, final String end)
        throws Exception
    {
        while (!seen.toString(StandardCharsets.ISO_8859_1).endsWith(end))
        {
            final int b = in.read();
            if (b < 0)
            {
                break;
            }
            seen.write(b);
        }
    }
}
