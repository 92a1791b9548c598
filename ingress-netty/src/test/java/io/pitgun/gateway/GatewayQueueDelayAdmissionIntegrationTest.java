package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeldThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #12 point 10: overload is refused by queueing delay, not only by count. With the pipeline's threads held
 * nothing is journaled, so every admitted request waits; once the oldest has waited past the target for an
 * interval, new requests are answered 503 {@code overload} with {@code Retry-After} at once — long before the
 * 1,024-envelope count bound — and after the release they are admitted again. Real gateway, loopback.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GatewayQueueDelayAdmissionIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_S = 30;
    /** Far below INGEST_QUEUE (1024): the delay bound, not the count, must refuse. */
    private static final int MOST_ADMITTED = 200;
    /** One message per 5 ms: 200 take at least a second, against the 150 ms of target and interval. */
    private static final long PACE_NS = TimeUnit.MILLISECONDS.toNanos(5);

    @TempDir
    Path dataDir;

    @Test
    void shouldRefuseWith503OverloadOnceAcceptedRequestsWaitPastTheTargetAndAdmitAgainAfterwards() throws Exception
    {
        final HeldThreads held = new HeldThreads();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(
            GatewaySetting.ACK_TIMEOUT_MS, "600000", // admitted requests wait for the release, never time out
            GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.QUEUE_DELAY_TARGET_MS, "50",
            GatewaySetting.QUEUE_DELAY_INTERVAL_MS, "100"), held))
        {
            final GatewayCounters counters = gateway.server.counters();
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(WAIT_S, TimeUnit.SECONDS);

            // One message at a time, one per PACE_NS: each is either admitted (it then waits) or answered at once
            // (refused). Paced, so that MOST_ADMITTED messages span far more than target + interval (150 ms) however
            // fast the machine sends: unpaced, a CI run sent 200 in under 100 ms, before any delay bound could apply.
            int admitted = 0;
            JsonNode refusal = null;
            long nextSendNs = System.nanoTime();
            while (refusal == null)
            {
                assertTrue(admitted < MOST_ADMITTED, admitted + " requests admitted while the oldest has waited " +
                    "far past the 50 ms target: admission is by count only");
                final long dueNs = nextSendNs;
                Await.until("the next message's turn", () -> System.nanoTime() >= dueNs);
                nextSendNs = dueNs + PACE_NS;
                ws.sendText(Envelopes.batch(UUID.randomUUID(), admitted * 4L, 4), true).get(WAIT_S, TimeUnit.SECONDS);
                final int expected = admitted + 1;
                Await.until("message " + admitted + " admitted or answered",
                    () -> !collector.texts.isEmpty() || counters.inFlightEnvelopes() == expected);
                if (collector.texts.isEmpty())
                {
                    admitted++;
                }
                else
                {
                    refusal = JSON.readTree(collector.texts.poll());
                }
            }
            assertTrue(admitted >= 1, "the first request found no queue and must be admitted");
            assertEquals("nack", refusal.get("type").asText(), refusal.toString());
            assertEquals(503, refusal.get("http_status").asInt(), refusal.toString());
            assertEquals("overload", refusal.get("reason").asText(), refusal.toString());
            assertEquals(1, refusal.get("retry_after_s").asInt(), refusal.toString());
            assertEquals(0, refusal.get("frames_accepted").asInt(), refusal.toString());
            assertEquals(admitted, counters.inFlightEnvelopes(), "the refusal kept no queue place");

            // A beacon is refused the same way, with Retry-After, without waiting (an admitted one would wait for
            // the release: the harness's 20 s request timeout would fail this).
            final HttpResponse<String> refused = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 10_000, 4));
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            assertTrue(refused.body().contains("\"overload\""), refused.body());
            assertTrue(refused.body().contains(GatewaySetting.QUEUE_DELAY_TARGET_MS.envName()), refused.body());
            assertEquals(2.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"overload\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"queue_full\"}"));

            held.release();
            for (int i = 0; i < admitted; i++)
            {
                final String ack = collector.texts.poll(WAIT_S, TimeUnit.SECONDS);
                assertNotNull(ack, "admitted message not acknowledged after the release");
                assertEquals("ack", JSON.readTree(ack).get("type").asText(), ack);
            }
            Await.until("the queue drained", () -> counters.inFlightEnvelopes() == 0);
            final HttpResponse<String> recovered = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 20_000, 4));
            assertEquals(202, recovered.statusCode(), recovered.body());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(WAIT_S, TimeUnit.SECONDS);
        }
    }
}
