package io.pitgun.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.engine.PipelineCounter;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #12 point 9 at the gateway: live subscribers share their event loop's work. Each pipeline output is
 * encoded to JSON once for all the loop's subscribers (the count of encodings is the count of outputs, whatever
 * the number of subscribers) and every subscriber still receives every output. Real gateway, loopback.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GatewaySubscriberFanoutIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SUBSCRIBERS = 20;
    private static final long WAIT_S = 30;

    @TempDir
    Path dataDir;

    @Test
    void shouldEncodeEachOutputOnceForAllSubscribersAndDeliverItToEachOne() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final GatewayCounters counters = gateway.server.counters();
            final HttpClient client = HttpClient.newHttpClient();
            final List<GatewayWebSocketIntegrationTest.Collector> collectors = new ArrayList<>();
            final List<WebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < SUBSCRIBERS; i++)
            {
                final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
                collectors.add(collector);
                sockets.add(client.newWebSocketBuilder().buildAsync(gateway.wsUri("/ws?subscribe=derived"), collector)
                    .get(WAIT_S, TimeUnit.SECONDS));
            }
            Await.until("all subscribed", () -> counters.openSubscribers.get() == SUBSCRIBERS);

            final HttpResponse<String> accepted = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 10));
            assertEquals(202, accepted.statusCode(), accepted.body());
            final long outputs = awaitOutputs(gateway, 10);
            for (final GatewayWebSocketIntegrationTest.Collector collector : collectors)
            {
                for (int i = 0; i < outputs; i++)
                {
                    final String message = collector.texts.poll(WAIT_S, TimeUnit.SECONDS);
                    assertTrue(message != null, "a subscriber received " + i + " of " + outputs + " outputs");
                    assertTrue(JSON.readTree(message).has("type"), message);
                }
            }
            assertEquals(outputs, counters.subscriberOutputsEncoded.sum(),
                "outputs encoded more than once for " + SUBSCRIBERS + " subscribers on one loop");
            assertEquals(outputs * SUBSCRIBERS, counters.subscriberMessages.sum());

            // Leaving releases the loop's subscription once the last subscriber is gone.
            for (final WebSocket socket : sockets)
            {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(WAIT_S, TimeUnit.SECONDS);
            }
            Await.until("all left", () -> counters.openSubscribers.get() == 0);
        }
    }

    /** Waits until the pipeline has made its outputs for {@code frames} input frames; returns how many it made. */
    private static long awaitOutputs(final GatewayHarness gateway, final int frames) throws Exception
    {
        Await.until("frames processed", () ->
            gateway.server.pipeline().counters().get(PipelineCounter.DERIVED_FRAMES) >= frames);
        final long outputs = gateway.server.pipeline().counters().get(PipelineCounter.DERIVED_FRAMES) +
            gateway.server.pipeline().counters().get(PipelineCounter.INSIGHTS);
        assertTrue(outputs > 0, "the pipeline made no output to subscribe to");
        return outputs;
    }
}
