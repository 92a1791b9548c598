package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An unsupported {@code Expect} is answered 417 and the connection closed; it used to stay open with the slow-request
 * guard still timing the request the aggregator had dropped, so the next request on it got a 408.
 */
class GatewayExpectationFailedIntegrationTest
{
    @Test
    void shouldCloseAfterA417InsteadOfTimingTheDroppedRequest(@TempDir final Path dataDir) throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.READ_TIMEOUT_S, "1"));
            Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
        {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /beacon HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                "Expect: something-else\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();

            // Everything the gateway writes until it closes: before the fix, the 417, then (1 s later) a 408.
            final InputStream in = socket.getInputStream();
            final ByteArrayOutputStream seen = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0)
            {
                seen.write(b);
            }
            final String stream = seen.toString(StandardCharsets.ISO_8859_1);
            assertTrue(stream.startsWith("HTTP/1.1 417"), stream);
            assertFalse(stream.contains("408"), stream);
        }
    }
}
