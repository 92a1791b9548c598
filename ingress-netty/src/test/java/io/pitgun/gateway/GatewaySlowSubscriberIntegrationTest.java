package io.pitgun.gateway;

import io.pitgun.testsupport.WebSocketMessages;
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

    /**
     * A subscriber that reads is never closed for the outputs one 5 ms tick writes before it flushes them, however small
     * {@code OUTBOUND_LIMIT_BYTES} is (2048, the least it can be): a subscriber's bound is its own mark. (A first fix of
     * the test above, lowering that mark to half the limit, closed such a subscriber after its first message.)
     */
    @Test
    void shouldKeepASubscriberThatReadsWithTheSmallestConnectionLimit() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.OUTBOUND_HIGH_WATER_BYTES, "1024", GatewaySetting.OUTBOUND_LIMIT_BYTES, "2048")))
        {
            final WebSocketMessages received = new WebSocketMessages();
            final java.net.http.WebSocket subscriber = gateway.client.newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws?subscribe=derived"), received).get(20, TimeUnit.SECONDS);
            final int envelopes = 20;
            final int frames = 50;
            for (int envelope = 0; envelope < envelopes; envelope++)
            {
                assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), (long)envelope * frames, frames))
                    .statusCode());
            }
            for (int i = 0; i < envelopes * frames; i++)
            {
                final String message = received.texts.poll(20, TimeUnit.SECONDS);
                assertTrue(message != null && message.startsWith("{\"type\":\"derived_frame\""),
                    "output " + i + " of " + envelopes * frames + ": " + message);
            }
            // Also answered under that limit: /metrics, one answer larger than it (before, the connection that asked
            // was closed as a slow consumer, answer unsent).
            assertEquals(0.0, closes(gateway));
            assertEquals(0.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"slow_consumer\"}"));
            subscriber.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
