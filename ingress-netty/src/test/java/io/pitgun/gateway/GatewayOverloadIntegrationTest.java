package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeldThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gateway's 503 answers — ring full, ingestion queue full, journal ack timeout — over real HTTP and WebSocket
 * against the real gateway on a free loopback port. The pipeline's stage threads are held by
 * {@link HeldThreads} until the test releases them, so the ring stays full and nothing is journaled for
 * exactly as long as the test needs: no answer here depends on how fast the machine is. Each test checks the
 * status, the Retry-After (header, or {@code retry_after_s} in a WebSocket nack), the JSON body, the
 * {@code pitgun_gateway_rejections_total} counter, recovery after the release, and afterwards that the journal
 * holds exactly what the gateway accepted.
 */
class GatewayOverloadIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_S = 30;
    private static final int RING = 64;
    /** Four envelopes of this many frames fill the ring. */
    private static final int FRAMES = 16;

    @TempDir
    Path dataDir;

    // ------------------------------------------------------------------------------------------------ HTTP

    @Test
    void shouldAnswer503RingFullAndIngestNothingOfTheRefusedEnvelope() throws Exception
    {
        final HeldThreads held = new HeldThreads();
        final UUID refusedId = UUID.randomUUID();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.CHANNEL_CAPACITY, "" + RING,
            GatewaySetting.ACK_MODE, "accepted"), held))
        {
            assertTrue(held.threadsMade() > 0, "the pipeline did not make its threads with the given factory");
            for (int i = 0; i < RING / FRAMES; i++)
            {
                final HttpResponse<String> accepted = gateway.beacon(Envelopes.batch(UUID.randomUUID(),
                    (long)i * FRAMES, FRAMES));
                assertEquals(202, accepted.statusCode(), accepted.body());
            }
            assertEquals(0, gateway.server.pipeline().remainingCapacity(), "the held pipeline's ring is not full");

            final HttpResponse<String> refused = gateway.beacon(Envelopes.batch(refusedId, RING, FRAMES));
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null), refused.headers().toString());
            assertEquals("application/json", refused.headers().firstValue("Content-Type").orElse(""));
            final JsonNode answer = overloaded(refused.body(), "ring_full", "pipeline ring is full");
            assertEquals(0, answer.get("frames_accepted").asInt(), refused.body());
            assertEquals(0, answer.get("envelopes_accepted").asInt(), refused.body());
            final JsonNode status = answer.get("envelope_status").get(0);
            assertEquals(refusedId.toString(), status.get("event_id").asText(), refused.body());
            assertEquals(FRAMES, status.get("frames").asInt(), refused.body());
            assertEquals(0, status.get("frames_accepted").asInt(), refused.body());
            assertEquals("not_accepted", status.get("state").asText(), refused.body());
            assertRejections(gateway, 1, 0, 0);

            releaseAndDrain(gateway, held);
            assertRecovers(gateway, 1000);
            assertRejections(gateway, 1, 0, 0);
        }
        // Everything answered 202 (0..63 and the recovery's 1000..1003), exactly once; nothing of the refusal.
        assertEquals(concat(range(0, RING), range(1000, 4)), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldAnswer503QueueFullWhileEarlierEnvelopesAwaitTheJournal() throws Exception
    {
        final HeldThreads held = new HeldThreads();
        // A long ack timeout: the two admitted requests wait for the release, not for the clock.
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.INGEST_QUEUE, "2",
            GatewaySetting.ACK_TIMEOUT_MS, "600000"), held))
        {
            final CompletableFuture<HttpResponse<String>> first = beaconAsync(gateway, Envelopes.batch(UUID.randomUUID(), 0, 4));
            final CompletableFuture<HttpResponse<String>> second = beaconAsync(gateway, Envelopes.batch(UUID.randomUUID(), 4, 4));
            await(() -> gateway.server.counters().inFlightEnvelopes() == 2, "both requests admitted");
            assertFalse(first.isDone() || second.isDone(), "answered before anything was journaled");

            final HttpResponse<String> refused = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 8, 4));
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null), refused.headers().toString());
            final JsonNode answer = overloaded(refused.body(), "queue_full", "ingestion queue is full (2 envelopes");
            assertEquals(0, answer.get("frames_accepted").asInt(), refused.body());
            assertFalse(answer.has("ring_position"), "nothing of it went into the ring: " + refused.body());
            assertRejections(gateway, 0, 1, 0);

            held.release();
            for (final CompletableFuture<HttpResponse<String>> pending : List.of(first, second))
            {
                final HttpResponse<String> response = pending.get(WAIT_S, TimeUnit.SECONDS);
                assertEquals(202, response.statusCode(), response.body());
                assertTrue(JSON.readTree(response.body()).get("journal_index").asLong() >= 0, response.body());
            }
            assertRecovers(gateway, 1000);
            assertRejections(gateway, 0, 1, 0);
        }
        // The two admitted requests may have reached the ring in either order.
        final List<Long> journaled = GatewayHarness.journaledSequences(dataDir);
        assertEquals(concat(range(0, 8), range(1000, 4)), sorted(journaled), "journal: " + journaled);
    }

    @Test
    void shouldAnswer503AckTimeoutAndAcknowledgeTheResentEnvelopeOnceJournaled() throws Exception
    {
        final HeldThreads held = new HeldThreads();
        final UUID eventId = UUID.randomUUID();
        final String envelope = Envelopes.batch(eventId, 0, 4);
        // 2 s: the held pipeline guarantees the time-out; the recovery request must be journaled within it.
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.ACK_TIMEOUT_MS, "2000"), held))
        {
            final HttpResponse<String> timedOut = gateway.beacon(envelope);
            assertEquals(503, timedOut.statusCode(), timedOut.body());
            assertEquals("1", timedOut.headers().firstValue("Retry-After").orElse(null), timedOut.headers().toString());
            final JsonNode answer = overloaded(timedOut.body(), "ack_timeout", "did not confirm them within 2000 ms",
                "event_id");
            // The frames are in the ring (the answer says so), just not confirmed.
            assertEquals(4, answer.get("frames_accepted").asInt(), timedOut.body());
            final long position = answer.get("ring_position").asLong();
            assertFalse(answer.has("journal_index"), timedOut.body());
            assertFalse(gateway.server.pipeline().isJournaled(position));
            assertRejections(gateway, 0, 0, 1);

            held.release();
            assertTrue(gateway.server.pipeline().awaitJournaled(position, TimeUnit.SECONDS.toNanos(WAIT_S)),
                "the timed-out frames were not journaled after the release");
            // Resending is safe: the envelope is recognised, acknowledged, and not ingested twice.
            final HttpResponse<String> resent = gateway.beacon(envelope);
            assertEquals(202, resent.statusCode(), resent.body());
            final JsonNode again = JSON.readTree(resent.body());
            assertEquals(1, again.get("envelopes_duplicate").asInt(), resent.body());
            assertEquals(0, again.get("frames_accepted").asInt(), resent.body());
            assertRecovers(gateway, 1000);
            assertRejections(gateway, 0, 0, 1);
        }
        // A time-out refuses the answer, not the frames: they are journaled, once.
        assertEquals(concat(range(0, 4), range(1000, 4)), GatewayHarness.journaledSequences(dataDir));
    }

    // ------------------------------------------------------------------------------------------------ WebSocket

    @Test
    void shouldNackWebSocketMessagesWith503RingFull() throws Exception
    {
        final HeldThreads held = new HeldThreads();
        final UUID refusedId = UUID.randomUUID();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.CHANNEL_CAPACITY, "" + RING,
            GatewaySetting.ACK_MODE, "accepted"), held))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = connect(gateway, collector);
            for (int i = 0; i < RING / FRAMES; i++)
            {
                ws.sendText(Envelopes.batch(UUID.randomUUID(), (long)i * FRAMES, FRAMES), true).get(WAIT_S, TimeUnit.SECONDS);
                final JsonNode ack = collector.next();
                assertEquals("ack", ack.get("type").asText(), ack.toString());
            }

            ws.sendText(Envelopes.batch(refusedId, RING, FRAMES), true).get(WAIT_S, TimeUnit.SECONDS);
            final JsonNode nack = assertNack(nextText(collector), refusedId, RING / FRAMES, "ring_full",
                "pipeline ring is full");
            assertEquals(0, nack.get("frames_accepted").asInt(), nack.toString());
            assertEquals("not_accepted", nack.get("envelope_status").get(0).get("state").asText(), nack.toString());
            assertRejections(gateway, 1, 0, 0);

            releaseAndDrain(gateway, held);
            ws.sendText(Envelopes.batch(UUID.randomUUID(), 1000, 4), true).get(WAIT_S, TimeUnit.SECONDS);
            final JsonNode recovered = collector.next();
            assertEquals("ack", recovered.get("type").asText(), recovered.toString());
            assertEquals(4, recovered.get("frames_accepted").asInt(), recovered.toString());
            assertRejections(gateway, 1, 0, 0);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(WAIT_S, TimeUnit.SECONDS);
        }
        assertEquals(concat(range(0, RING), range(1000, 4)), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldNackWebSocketMessagesWith503QueueFullAndAckTheAdmittedOnesOnceJournaled() throws Exception
    {
        final HeldThreads held = new HeldThreads();
        final List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.INGEST_QUEUE, "2",
            GatewaySetting.ACK_TIMEOUT_MS, "600000"), held))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = connect(gateway, collector);
            // One connection, read in order: messages 0 and 1 take the queue's two places, message 2 finds it full.
            for (int i = 0; i < ids.size(); i++)
            {
                ws.sendText(Envelopes.batch(ids.get(i), i * 4L, 4), true).get(WAIT_S, TimeUnit.SECONDS);
            }
            final JsonNode nack = assertNack(nextText(collector), ids.get(2), 2, "queue_full",
                "ingestion queue is full");
            assertEquals(0, nack.get("frames_accepted").asInt(), nack.toString());
            assertTrue(collector.texts.isEmpty(), "answered before anything was journaled: " + collector.texts);
            assertRejections(gateway, 0, 1, 0);

            held.release();
            final Map<Integer, JsonNode> acks = new HashMap<>();
            for (int i = 0; i < 2; i++)
            {
                final JsonNode ack = collector.next();
                acks.put(ack.get("message_number").asInt(), ack);
            }
            for (int message = 0; message < 2; message++)
            {
                final JsonNode ack = acks.get(message);
                assertEquals("ack", ack.get("type").asText(), acks.toString());
                assertEquals(ids.get(message).toString(), ack.get("event_id").asText(), acks.toString());
                assertTrue(ack.get("journal_index").asLong() >= 0, acks.toString());
            }
            ws.sendText(Envelopes.batch(UUID.randomUUID(), 1000, 4), true).get(WAIT_S, TimeUnit.SECONDS);
            assertEquals("ack", collector.next().get("type").asText());
            assertRejections(gateway, 0, 1, 0);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(WAIT_S, TimeUnit.SECONDS);
        }
        assertEquals(concat(range(0, 8), range(1000, 4)), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldNackAWebSocketMessageWith503AckTimeout() throws Exception
    {
        final HeldThreads held = new HeldThreads();
        final UUID eventId = UUID.randomUUID();
        final String envelope = Envelopes.batch(eventId, 0, 4);
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.ACK_TIMEOUT_MS, "2000"), held))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = connect(gateway, collector);
            ws.sendText(envelope, true).get(WAIT_S, TimeUnit.SECONDS);
            final JsonNode nack = assertNack(nextText(collector), eventId, 0, "ack_timeout",
                "journal did not confirm in time");
            assertEquals(4, nack.get("frames_accepted").asInt(), nack.toString());
            final long position = nack.get("ring_position").asLong();
            assertFalse(gateway.server.pipeline().isJournaled(position));
            assertRejections(gateway, 0, 0, 1);

            held.release();
            assertTrue(gateway.server.pipeline().awaitJournaled(position, TimeUnit.SECONDS.toNanos(WAIT_S)));
            ws.sendText(envelope, true).get(WAIT_S, TimeUnit.SECONDS);
            final JsonNode resent = collector.next();
            assertEquals("ack", resent.get("type").asText(), resent.toString());
            assertEquals(1, resent.get("envelopes_duplicate").asInt(), resent.toString());
            ws.sendText(Envelopes.batch(UUID.randomUUID(), 1000, 4), true).get(WAIT_S, TimeUnit.SECONDS);
            final JsonNode recovered = collector.next();
            assertEquals("ack", recovered.get("type").asText(), recovered.toString());
            assertEquals(4, recovered.get("frames_accepted").asInt(), recovered.toString());
            assertRejections(gateway, 0, 0, 1);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(WAIT_S, TimeUnit.SECONDS);
        }
        assertEquals(concat(range(0, 4), range(1000, 4)), GatewayHarness.journaledSequences(dataDir));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Checks the common fields of a 503 body and returns it. */
    private static JsonNode overloaded(final String body, final String reason, final String... mentions) throws Exception
    {
        final JsonNode answer = JSON.readTree(body);
        assertEquals("overloaded", answer.get("status").asText(), body);
        assertEquals(reason, answer.get("reason").asText(), body);
        assertEquals(1, answer.get("retry_after_s").asInt(), body);
        final String message = answer.get("message").asText();
        for (final String mention : mentions)
        {
            assertTrue(message.contains(mention), "message does not say '" + mention + "': " + body);
        }
        assertFalse(body.contains("Exception"), body);
        return answer;
    }

    /** Checks a 503 nack (its event id, message number and refusal) and returns it parsed. */
    private static JsonNode assertNack(final String raw, final UUID eventId, final int message, final String reason,
        final String mention) throws Exception
    {
        assertNotNull(raw, "no WebSocket answer within " + WAIT_S + " s");
        final JsonNode nack = overloaded(raw, reason, mention);
        assertEquals("nack", nack.get("type").asText(), raw);
        assertEquals(eventId.toString(), nack.get("event_id").asText(), raw);
        assertEquals(message, nack.get("message_number").asInt(), raw);
        assertEquals(503, nack.get("http_status").asInt(), raw);
        return nack;
    }

    /** The three overload reasons as {@code GET /metrics} counts them. */
    private static void assertRejections(final GatewayHarness gateway, final long ringFull, final long queueFull,
        final long ackTimeout) throws Exception
    {
        final HttpResponse<String> metrics = gateway.get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertEquals(ringFull, sample(metrics.body(), "pitgun_gateway_rejections_total{reason=\"ring_full\"}"));
        assertEquals(queueFull, sample(metrics.body(), "pitgun_gateway_rejections_total{reason=\"queue_full\"}"));
        assertEquals(ackTimeout, sample(metrics.body(), "pitgun_gateway_rejections_total{reason=\"ack_timeout\"}"));
    }

    private static long sample(final String metrics, final String series)
    {
        for (final String line : metrics.split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return Long.parseLong(line.substring(series.length() + 1).trim());
            }
        }
        return fail("no sample " + series + " in /metrics:\n" + metrics);
    }

    /** Releases the stages and waits until they have consumed the whole ring (journaled and processed). */
    private static void releaseAndDrain(final GatewayHarness gateway, final HeldThreads held) throws Exception
    {
        held.release();
        await(() -> gateway.server.pipeline().remainingCapacity() == RING, "the ring drained after the release");
    }

    /** A fresh envelope (sequences {@code first..first+3}) is accepted again. */
    private static void assertRecovers(final GatewayHarness gateway, final long first) throws Exception
    {
        final HttpResponse<String> response = gateway.beacon(Envelopes.batch(UUID.randomUUID(), first, 4));
        assertEquals(202, response.statusCode(), response.body());
        assertEquals(4, JSON.readTree(response.body()).get("frames_accepted").asInt(), response.body());
    }

    private static CompletableFuture<HttpResponse<String>> beaconAsync(final GatewayHarness gateway, final String body)
    {
        return gateway.client.sendAsync(HttpRequest.newBuilder(gateway.uri("/beacon"))
            .timeout(Duration.ofSeconds(WAIT_S)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String nextText(final GatewayWebSocketIntegrationTest.Collector collector)
        throws InterruptedException
    {
        return collector.texts.poll(WAIT_S, TimeUnit.SECONDS);
    }

    private static WebSocket connect(final GatewayHarness gateway,
        final GatewayWebSocketIntegrationTest.Collector collector) throws Exception
    {
        return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(gateway.wsUri("/ws"), collector)
            .get(WAIT_S, TimeUnit.SECONDS);
    }

    /** Waits for a condition that the test has made certain (bounded, so that a bug fails instead of hanging). */
    private static void await(final BooleanSupplier condition, final String what) throws Exception
    {
        Await.until(what, Duration.ofSeconds(WAIT_S), condition::getAsBoolean);
    }

    private static List<Long> range(final long first, final int count)
    {
        return LongStream.range(first, first + count).boxed().toList();
    }

    private static List<Long> concat(final List<Long> a, final List<Long> b)
    {
        final List<Long> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<Long> sorted(final List<Long> values)
    {
        final List<Long> copy = new ArrayList<>(values);
        copy.sort(null);
        return copy;
    }
}
