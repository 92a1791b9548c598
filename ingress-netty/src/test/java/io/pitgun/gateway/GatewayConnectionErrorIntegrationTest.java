package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A connection that ends in an error is counted ({@code pitgun_gateway_connection_errors_total}), not only logged at
 * debug level: a client that resets the connection halfway through a request is the ordinary case.
 */
class GatewayConnectionErrorIntegrationTest
{
    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCountAConnectionResetHalfwayThroughARequest() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final double before = gateway.metric("pitgun_gateway_connection_errors_total");
            try (Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
            {
                final OutputStream out = socket.getOutputStream();
                out.write(("POST /beacon HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                    "Content-Length: 1000\r\n\r\n[{\"schema\":").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Await.until("the gateway holds the unfinished request", () ->
                    gateway.metric("pitgun_gateway_partial_message_bytes") > 0);
                socket.setSoLinger(true, 0); // close() sends a reset, not a FIN
            }
            Await.until("the reset is counted", () ->
                gateway.metric("pitgun_gateway_connection_errors_total") >= before + 1);
            assertEquals(202, gateway.beacon(Envelopes.batch(java.util.UUID.randomUUID(), 0, 1)).statusCode(),
                "the gateway serves on");
        }
    }
}
