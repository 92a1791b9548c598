package io.pitgun.gateway;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.testsupport.WebSocketMessages;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WebSocket ingest, live subscribers and graceful shutdown against the real gateway. */
class GatewayWebSocketIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    /** Collects text messages, pongs and the close; reads the next text as JSON. */
    static final class Collector extends WebSocketMessages
    {
        JsonNode next() throws Exception
        {
            final String text = texts.poll(20, TimeUnit.SECONDS);
            assertNotNull(text, "no message within 20 s");
            return JSON.readTree(text);
        }
    }

    /**
     * An integer field whose exponent is beyond an int (valid JSON): the decoder's conversion threw, and the gateway
     * answered 500 internal_error over HTTP and closed the WebSocket without a nack or a log line. Now 422 on both,
     * and the connection takes the next message.
     */
    @Test
    void shouldRefuseAnIntegerWhoseExponentIsBeyondAnIntOverBothTransports() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final String huge = Envelopes.batch(UUID.randomUUID(), 0, 1).replace("\"sequence\":0",
                "\"sequence\":1e2147483648");
            assertTrue(huge.contains("1e2147483648"), huge);
            final HttpResponse<String> http = gateway.beacon(huge);
            assertEquals(422, http.statusCode(), http.body());

            final Collector collector = new Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);
            ws.sendText(huge.replace("1e2147483648", "0.5e-2147483647"), true).get(5, TimeUnit.SECONDS);
            final JsonNode nack = collector.next();
            assertEquals("nack", nack.get("type").asText(), nack.toString());
            assertEquals(422, nack.get("http_status").asInt(), nack.toString());
            final UUID next = UUID.randomUUID();
            ws.sendText(Envelopes.batch(next, 0, 1), true).get(5, TimeUnit.SECONDS);
            final JsonNode ack = collector.next();
            assertEquals("ack", ack.get("type").asText(), ack.toString());
            assertEquals(next.toString(), ack.get("event_id").asText());
            assertEquals(0.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"internal_error\"}"));
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldAckTextAndBinaryMessagesAndAnswerPings() throws Exception
    {
        final UUID eventId = UUID.randomUUID();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final Collector collector = new Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);

            ws.sendText(Envelopes.batch(eventId, 0, 2), true).get(5, TimeUnit.SECONDS);
            JsonNode ack = collector.next();
            assertEquals("ack", ack.get("type").asText(), ack.toString());
            assertEquals(eventId.toString(), ack.get("event_id").asText());
            assertEquals(2, ack.get("frames_accepted").asInt());

            ws.sendText(Envelopes.batch(UUID.randomUUID(), 9, 1).replace("\"Speed\"", "\"Sped\""), true).get(5, TimeUnit.SECONDS);
            final JsonNode nack = collector.next();
            assertEquals("nack", nack.get("type").asText(), nack.toString());
            assertEquals(422, nack.get("http_status").asInt());
            assertEquals("UNKNOWN_CHANNEL", nack.get("errors").get(0).get("code").asText());

            // Binary: SBE frames exactly as the codecs module defines them (encoded here by the envelope decoder).
            final String envelope = Envelopes.batch(UUID.randomUUID(), 2, 3);
            final EnvelopeDecoder decoder = new EnvelopeDecoder(ParameterRegistry.simV1());
            final ExpandableArrayBuffer sbe = new ExpandableArrayBuffer(1 << 16);
            final byte[] text = envelope.getBytes(StandardCharsets.UTF_8);
            assertTrue(decoder.decode(text, 0, text.length, sbe, 0));
            final int length = decoder.result().encodedLength();
            ws.sendBinary(ByteBuffer.wrap(sbe.byteArray(), 0, length), true).get(5, TimeUnit.SECONDS);
            ack = collector.next();
            assertEquals("ack", ack.get("type").asText(), ack.toString());
            assertEquals(3, ack.get("frames_accepted").asInt());

            ws.sendBinary(ByteBuffer.wrap(sbe.byteArray(), 0, length - 5), true).get(5, TimeUnit.SECONDS);
            final JsonNode truncated = collector.next();
            assertEquals("nack", truncated.get("type").asText());
            assertEquals("bad_sbe", truncated.get("reason").asText(), truncated.toString());

            ws.sendPing(ByteBuffer.wrap(new byte[] { 1, 2, 3 })).get(5, TimeUnit.SECONDS);
            final ByteBuffer pong = collector.pongs.poll(10, TimeUnit.SECONDS);
            assertNotNull(pong);
            assertEquals(3, pong.remaining());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldDisconnectASlowSubscriberWithoutSlowingIngestion() throws Exception
    {
        final int requests = 40;
        final int framesEach = 1024;
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        final Logger overloadLogger = (Logger)LoggerFactory.getLogger(OverloadLog.class);
        logged.start();
        overloadLogger.addAppender(logged);
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.SUBSCRIBER_BUFFER_BYTES, "1048576",
            GatewaySetting.MAX_BODY_BYTES, "8388608")))
        {
            // A subscriber that never asks for a message: its socket stops draining.
            final Collector slow = new Collector();
            HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(gateway.wsUri("/ws?subscribe=derived"),
                new WebSocket.Listener()
                {
                    @Override
                    public void onOpen(final WebSocket webSocket)
                    {
                        // no request(): nothing is read
                    }
                }).get(10, TimeUnit.SECONDS);
            final Collector fast = new Collector();
            final WebSocket fastWs = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws?subscribe=derived"), fast).get(10, TimeUnit.SECONDS);
            assertNotNull(fastWs);

            for (int r = 0; r < requests; r++)
            {
                final List<String> envelopes = new ArrayList<>();
                for (int e = 0; e < 8; e++)
                {
                    envelopes.add(Envelopes.batch(UUID.randomUUID(), (long)r * framesEach + e * 128L, 128));
                }
                final HttpResponse<String> response = gateway.post("/beacon", "application/x-ndjson",
                    String.join("\n", envelopes));
                assertEquals(202, response.statusCode(), response.body());
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (gateway.server.counters().subscribersDisconnectedSlow() == 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            // The subscriber that reads nothing is dropped; the reading one may be too if it cannot keep up with
            // 40k frames a second, which is the policy: subscribers never hold up ingestion.
            assertTrue(gateway.server.counters().subscribersDisconnectedSlow() >= 1, "the slow subscriber was not dropped");
            // Logged under the reason it is counted under (it said "overload (queue_full)").
            assertEquals(gateway.server.counters().subscribersDisconnectedSlow(),
                gateway.server.counters().rejections(RejectReason.SLOW_SUBSCRIBER));
            final String warning = logged.list.isEmpty() ? "(none)" : logged.list.get(0).getFormattedMessage();
            assertTrue(warning.startsWith("overload (slow_subscriber): live subscriber"), warning);
            final JsonNode first = fast.next();
            assertEquals("derived_frame", first.get("type").asText(), first.toString());
            assertTrue(first.get("frame").get("samples").has("Power_kW"), first.toString());
        }
        finally
        {
            overloadLogger.detachAppender(logged);
        }
        assertEquals(requests * framesEach, GatewayHarness.journaledSequences(dataDir).size());
    }

    @Test
    void shouldAnswerAdmittedRequestsAndJournalThemOnShutdown() throws Exception
    {
        final AtomicInteger accepted = new AtomicInteger();
        final List<Long> acceptedFrames = new ArrayList<>();
        final GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
        final Thread producer = new Thread(() ->
        {
            for (int i = 0; i < 10_000; i++)
            {
                try
                {
                    final HttpResponse<String> response = gateway.beacon(Envelopes.batch(UUID.randomUUID(), i * 4L, 4));
                    if (response.statusCode() == 202)
                    {
                        accepted.incrementAndGet();
                        synchronized (acceptedFrames)
                        {
                            for (long s = i * 4L; s < i * 4L + 4; s++)
                            {
                                acceptedFrames.add(s);
                            }
                        }
                    }
                    else
                    {
                        assertEquals(503, response.statusCode(), response.body());
                        assertEquals("draining", JSON.readTree(response.body()).get("reason").asText());
                    }
                }
                catch (final Exception ex)
                {
                    return; // connection refused or closed: the gateway stopped accepting
                }
            }
        });
        producer.start();
        while (accepted.get() < 50)
        {
            Thread.sleep(5);
        }
        gateway.server.shutdown();
        producer.join(30_000);
        assertTrue(accepted.get() >= 50);
        final List<Long> journaled = GatewayHarness.journaledSequences(dataDir);
        synchronized (acceptedFrames)
        {
            assertTrue(journaled.containsAll(acceptedFrames), "every acknowledged frame is in the journal");
        }
    }
}
