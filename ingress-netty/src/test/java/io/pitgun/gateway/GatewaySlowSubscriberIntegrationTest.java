package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live subscriber that stops reading is disconnected as a slow subscriber (close 1008, {@code slow_subscriber}:
 * the live page says it was dropped for being too slow), whatever {@code SUBSCRIBER_BUFFER_BYTES} is next to
 * {@code OUTBOUND_LIMIT_BYTES}. Before, with a subscriber buffer larger than the connection limit (16 MiB against
 * the default 4 MiB, as the live page's own test runs), the connection limit closed it first: a TCP close without a
 * close frame, counted {@code slow_consumer}, {@code subscribers_disconnected_slow_total} 0.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GatewaySlowSubscriberIntegrationTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldDisconnectASubscriberThatStopsReadingAsSlowEvenWithABufferOverTheConnectionLimit() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.SUBSCRIBER_BUFFER_BYTES, Integer.toString(16 << 20))))
        {
            final Socket socket = new Socket();
            socket.setReceiveBufferSize(4096); // the kernel holds little for it: the gateway's own buffer fills
            socket.connect(gateway.server.address());
            try (RawWebSocket subscriber = new RawWebSocket(socket, "/ws?subscribe=derived"))
            {
                long sequence = 0;
                for (int envelope = 0; envelope < 5_000 && closes(gateway) == 0; envelope++)
                {
                    assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), sequence, 100)).statusCode());
                    sequence += 100;
                }
                assertTrue(closes(gateway) > 0, "the subscriber that never reads was never disconnected");
                assertEquals(1.0, gateway.metric("pitgun_gateway_subscribers_disconnected_slow_total"));
                assertEquals(1.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"slow_subscriber\"}"));
                assertEquals(0.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"slow_consumer\"}"));
            }
        }
    }

    private static double closes(final GatewayHarness gateway) throws Exception
    {
        return gateway.metric("pitgun_gateway_ws_closes_total{reason=\"slow_subscriber\"}") +
            gateway.metric("pitgun_gateway_ws_closes_total{reason=\"slow_consumer\"}");
    }
}
