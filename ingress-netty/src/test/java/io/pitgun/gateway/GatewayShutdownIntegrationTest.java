package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.engine.PipelineCounter;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeldThreads;
import io.pitgun.testsupport.RegistryReceiver;
import io.pitgun.testsupport.SelfSignedPem;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shutdown is bounded even when a pipeline stage is stuck, a second caller waits for the first to finish, the data
 * directory stays locked while the abandoned stage may still use the journal, and WebSocket clients get everything
 * owed to them before their close 1001.
 */
class GatewayShutdownIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Unsent bytes of all connections: the subscriber's, once its socket is full. */
    private static final String UNSENT = "pitgun_gateway_outbound_bytes";
    /** More unsent bytes than any answer to the producer has: the subscriber's socket is full. */
    private static final double SOCKET_FULL = 64 << 10;

    @TempDir
    Path dataDir;

    /**
     * A WebSocket producer still sending while the gateway shuts down reads every answer written to it and then the
     * close frame 1001, not a TCP reset. Found by a black-box probe: the gateway closed the socket with the client's
     * latest messages unread in it, so the kernel answered with a reset, and the client lost the answers still on
     * their way and the close frame.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldCloseAWebSocketProducerThatIsStillSendingWith1001InsteadOfAReset() throws Exception
    {
        final GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RATE_LIMIT, "0"));
        assertClosedWith1001WhileSending(gateway, new Socket("127.0.0.1", gateway.server.address().getPort()));
    }

    /**
     * An HTTP request half-sent when the drain begins is read to its end and answered, 503 {@code draining} with
     * {@code Connection: close}, then the connection ends. Before, the drain took its connection for an idle one and
     * shut it at once: the client finished sending and got no answer, only the connection's end. An idle connection
     * beside it, whose end the test waits for, shows that the drain has reached the connections.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldAnswerARequestHalfSentWhenTheDrainBegins() throws Exception
    {
        final GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
        try (RawHttpConnection idle = new RawHttpConnection(gateway.server.address());
            RawHttpConnection half = new RawHttpConnection(gateway.server.address()))
        {
            final String body = Envelopes.batch(UUID.randomUUID(), 0, 1);
            half.send("POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body.substring(0, 10));
            idle.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertEquals(200, idle.readResponse().status()); // both connections are open and read
            final CompletableFuture<Void> stop = CompletableFuture.runAsync(gateway.server::shutdown);
            idle.assertClosedByGateway();
            half.send(body.substring(10));
            final RawHttpConnection.Response answer = half.readResponse();
            assertEquals(503, answer.status(), answer.head() + answer.body());
            assertTrue(answer.body().contains("\"reason\":\"draining\""), answer.body());
            assertEquals("close", answer.header("Connection"), answer.head());
            half.assertClosedByGateway();
            stop.get(30, TimeUnit.SECONDS);
        }
        finally
        {
            gateway.close();
        }
    }

    /**
     * An HTTP request half-sent when the drain begins and never finished is closed when the shutdown stops waiting
     * for the connections, unanswered and counted {@code draining}, once. Before, that close was counted nowhere
     * (neither {@code draining} nor {@code client_closed_request}: the gateway closed it, not the client).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldCountARequestHalfSentWhenTheDrainBeginsAndNeverFinished() throws Exception
    {
        final GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
        try (RawHttpConnection half = new RawHttpConnection(gateway.server.address()))
        {
            half.send("POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                "Content-Length: 1000\r\n\r\n{\"schema");
            Await.until("the request's first bytes read", () ->
                gateway.metric("pitgun_gateway_partial_message_bytes") > 0);
            gateway.server.shutdown(); // returns once every connection but the live subscribers has closed
            half.assertClosedByGateway();
            assertEquals(1, gateway.server.counters().rejections(RejectReason.DRAINING));
            assertEquals(0, gateway.server.counters().rejections(RejectReason.CLIENT_CLOSED_REQUEST));
        }
        finally
        {
            gateway.close();
        }
    }

    /** The same over TLS: the gateway sends {@code close_notify} before it shuts its side (LingeringClose). */
    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldCloseATlsWebSocketProducerThatIsStillSendingWith1001(final TlsProvider provider) throws Exception
    {
        final SelfSignedPem pem = SelfSignedPem.create(Files.createDirectories(dataDir.resolve("certificates")),
            "gateway", "pitgun-test");
        final GatewayHarness gateway = new GatewayHarness(dataDir.resolve("data"), Map.of(GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.TLS_CERT, pem.certificate().toString(), GatewaySetting.TLS_KEY, pem.key().toString(),
            GatewaySetting.TLS_PROVIDER, provider.text()));
        assertClosedWith1001WhileSending(gateway, pem.trustingOnlyThis().getSocketFactory()
            .createSocket("127.0.0.1", gateway.server.address().getPort()));
    }

    private static void assertClosedWith1001WhileSending(final GatewayHarness gateway, final Socket socket)
        throws Exception
    {
        final ExecutorService clients = Executors.newFixedThreadPool(2);
        try (RawWebSocket ws = new RawWebSocket(socket, "/ws"))
        {
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong answers = new AtomicLong();
            clients.submit(() ->
            {
                for (long sequence = 0; !stop.get(); sequence++)
                {
                    ws.send(RawWebSocket.frame(RawWebSocket.TEXT, true,
                        Envelopes.batch(UUID.randomUUID(), sequence, 1).getBytes(StandardCharsets.UTF_8)));
                }
                return null;
            });
            final CountDownLatch busy = new CountDownLatch(1);
            final CompletableFuture<RawWebSocket.Frame> close = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    while (true)
                    {
                        final RawWebSocket.Frame frame = ws.read();
                        if (frame.isClose())
                        {
                            stop.set(true); // as a client does (its socket closes at the end of the test)
                            return frame;
                        }
                        if (answers.incrementAndGet() == 200)
                        {
                            busy.countDown();
                            // A slow reader: the gateway's close comes while its answers wait here unread.
                            Thread.sleep(300);
                        }
                    }
                }
                catch (final IOException | InterruptedException ex)
                {
                    throw new AssertionError("after " + answers.get() + " answers: " + ex, ex);
                }
            }, clients);
            assertTrue(busy.await(30, TimeUnit.SECONDS), "the producer was not answered");
            gateway.close(); // shuts down while the producer still sends
            final RawWebSocket.Frame frame = close.get(30, TimeUnit.SECONDS);
            assertEquals(1001, frame.closeCode(), frame.text());
        }
        finally
        {
            clients.shutdownNow();
            gateway.close();
        }
    }

    /**
     * A live subscriber connected through a graceful stop receives everything the gateway derived, the summaries of
     * the lap and the session that the pipeline's drain ends included (the records the run registry gets at the
     * stop), and only then its close 1001. Before, subscribers were closed with the ingest connections, before the
     * drain: they never saw those summaries.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldStreamTheSummariesTheDrainMakesToASubscriberBeforeItsClose1001() throws Exception
    {
        try (RegistryReceiver registry = new RegistryReceiver(204))
        {
            final WebSocketMessages subscriber = new WebSocketMessages(new LinkedBlockingQueue<>(), true);
            try (GatewayHarness gateway = new GatewayHarness(dataDir,
                Map.of(GatewaySetting.RUN_REGISTRY_URL, registry.url())))
            {
                WebSocketMessages.connect(gateway.client, gateway.wsUri("/ws?subscribe=derived"), subscriber,
                    Duration.ofSeconds(10));
                Await.until("subscribed", () -> gateway.server.counters().openSubscribers.get() == 1);
                // Lap 1, then lap 2, whose first frame ends lap 1; lap 2 and the session stay open until the stop.
                final HttpResponse<String> laps = gateway.post("/beacon", "application/x-ndjson",
                    Envelopes.batch(UUID.randomUUID(), 0, 3, 1) + "\n" + Envelopes.batch(UUID.randomUUID(), 3, 2, 2));
                assertEquals(202, laps.statusCode(), laps.body());
                Await.until("the lap 1 summary reaches the registry", () -> registry.requests().size() == 1);
            }
            final List<String> mirrored = new ArrayList<>();
            for (final RegistryReceiver.Request request : registry.requests())
            {
                mirrored.add(JSON.readTree(request.body()).get("insight_id").asText());
            }
            assertEquals(3, mirrored.size(), "lap 1, then the drain's lap 2 and session: " + registry.requests());
            final List<String> streamed = new ArrayList<>();
            String message = next(subscriber);
            for (; !message.startsWith(WebSocketMessages.CLOSED); message = next(subscriber))
            {
                final JsonNode output = JSON.readTree(message);
                if (output.get("type").asText().equals("insight"))
                {
                    streamed.add(output.get("insight").get("insight_id").asText());
                }
            }
            assertEquals(mirrored, streamed, "the insights the subscriber received before its close");
            assertEquals(1001, subscriber.closed.getNow(-1), message);
        }
    }

    /**
     * A live subscriber that does not read holds the stop no longer than {@code SHUTDOWN_TIMEOUT_S} after the drain:
     * it is then cut, closed before what was owed to it and its close 1001 were written, and counted
     * ({@code pitgun_gateway_subscribers_cut_at_shutdown_total}; before, such a close was counted nowhere).
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldCutASubscriberThatDoesNotReadAtTheShutdownsDeadlineAndCountIt() throws Exception
    {
        // A subscriber buffer far larger than the kernel's: the subscriber is not closed as slow before the stop.
        final GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RATE_LIMIT, "0",
            GatewaySetting.SHUTDOWN_TIMEOUT_S, "1",
            GatewaySetting.SUBSCRIBER_BUFFER_BYTES, Integer.toString(16 << 20)));
        final Socket socket = new Socket();
        socket.setReceiveBufferSize(4096); // the kernel holds little for it: the gateway's own buffer fills
        socket.connect(gateway.server.address());
        try (RawWebSocket subscriber = new RawWebSocket(socket, "/ws?subscribe=derived"))
        {
            Await.until("subscribed", () -> gateway.server.counters().openSubscribers.get() == 1);
            long sequence = 0;
            while (gateway.metric(UNSENT) < SOCKET_FULL && sequence < 500_000)
            {
                assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), sequence, 100)).statusCode());
                sequence += 100;
            }
            assertTrue(gateway.metric(UNSENT) >= SOCKET_FULL, "the subscriber's socket never filled");
            closeWithin(gateway, 10, "SHUTDOWN_TIMEOUT_S=1");
            assertEquals(1, gateway.server.counters().subscribersCutAtShutdown.sum());
            assertEquals(0, gateway.server.counters().subscribersDisconnectedSlow());
        }
        finally
        {
            gateway.close();
        }
    }

    /**
     * A subscriber whose 101 is still unread when the gateway stops (its upgrade answered, nothing read since) finds
     * the 101, then its close 1001, then the connection's end; the stop keeps its bound and counts the close
     * {@code going_away}, not as a subscriber cut.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldClose1001ASubscriberThatHasNotReadIts101() throws Exception
    {
        final GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.SHUTDOWN_TIMEOUT_S, "2"));
        try (RawWebSocket subscriber = RawWebSocket.upgradeRequested(
            new Socket("127.0.0.1", gateway.server.address().getPort()), "/ws?subscribe=derived"))
        {
            Await.until("subscribed", () -> gateway.server.counters().openSubscribers.get() == 1);
            closeWithin(gateway, 6, "SHUTDOWN_TIMEOUT_S=2");
            subscriber.awaitUpgrade();
            final RawWebSocket.Frame close = subscriber.read();
            assertTrue(close.isClose(), "expected the close frame, not opcode " + close.opcode());
            assertEquals(1001, close.closeCode(), close.text());
            subscriber.assertClosedByGateway();
            Await.until("the close counted going_away",
                () -> gateway.server.counters().webSocketCloses(WebSocketCloseReason.GOING_AWAY) == 1);
            assertEquals(0, gateway.server.counters().subscribersCutAtShutdown.sum());
        }
        finally
        {
            gateway.close();
        }
    }

    /**
     * A subscriber's upgrade request half-sent when the drain begins is read to its end and refused 503
     * {@code draining} with {@code Connection: close} (counted), then the connection ends; it never becomes a
     * subscriber the stop would have to wait for.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseAnUpgradeHalfSentWhenTheDrainBegins() throws Exception
    {
        final GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.SHUTDOWN_TIMEOUT_S, "2"));
        try (RawHttpConnection idle = new RawHttpConnection(gateway.server.address());
            RawHttpConnection half = new RawHttpConnection(gateway.server.address()))
        {
            final String upgrade = "GET /ws?subscribe=derived HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n" +
                "Connection: Upgrade\r\nSec-WebSocket-Key: cGl0Z3VuLXJhdy1ub25jZQ==\r\n" +
                "Sec-WebSocket-Version: 13\r\n\r\n";
            half.send(upgrade.substring(0, 40));
            idle.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertEquals(200, idle.readResponse().status()); // both connections are open and read
            final long startNs = System.nanoTime();
            final CompletableFuture<Void> stop = CompletableFuture.runAsync(gateway.server::shutdown);
            idle.assertClosedByGateway(); // the drain has reached the connections
            half.send(upgrade.substring(40));
            final RawHttpConnection.Response answer = half.readResponse();
            assertEquals(503, answer.status(), answer.head() + answer.body());
            assertTrue(answer.body().contains("\"reason\":\"draining\""), answer.body());
            assertEquals("close", answer.header("Connection"), answer.head());
            half.assertClosedByGateway();
            stop.get(30, TimeUnit.SECONDS);
            final long tookS = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs);
            assertTrue(tookS < 6, "shutdown took " + tookS + " s with SHUTDOWN_TIMEOUT_S=2");
            assertEquals(0, gateway.server.counters().subscribersOpened.sum());
            assertTrue(gateway.server.counters().rejections(RejectReason.DRAINING) >= 1, "the refusal was not counted");
        }
        finally
        {
            gateway.close();
        }
    }

    /** The subscriber's next message, or the marker of its close. */
    private static String next(final WebSocketMessages subscriber) throws InterruptedException
    {
        final String message = subscriber.texts.poll(30, TimeUnit.SECONDS);
        assertTrue(message != null, "neither a message nor the close within 30 s");
        return message;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldFinishWithinItsDeadlineWithAStuckStageAndMakeAConcurrentCallerWaitForTheFirst() throws Exception
    {
        final HeldThreads held = new HeldThreads(); // never released before both shutdowns return
        final GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.SHUTDOWN_TIMEOUT_S, "1"),
            held);
        final ExecutorService callers = Executors.newFixedThreadPool(2);
        try
        {
            final long startNs = System.nanoTime();
            final CompletableFuture<Void> first = CompletableFuture.runAsync(gateway.server::shutdown, callers);
            Await.until("the first shutdown began", gateway.server::isDraining);
            final CompletableFuture<Long> second = CompletableFuture.supplyAsync(() ->
            {
                gateway.server.shutdown();
                // Read when the second call returns: the first call's pipeline close must be over by then.
                return gateway.server.pipeline().counters().get(PipelineCounter.STAGE_THREADS_ABANDONED);
            }, callers);
            assertEquals(2, second.get(30, TimeUnit.SECONDS),
                "the second shutdown returned before the first had closed the pipeline (process and pretouch abandoned)");
            first.get(30, TimeUnit.SECONDS);
            final long tookS = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs);
            assertTrue(tookS < 20, "shutdown took " + tookS + " s with SHUTDOWN_TIMEOUT_S=1");

            // The abandoned stages may still append to the journal left open for them: the directory stays locked.
            final GatewayConfigException refused =
                assertThrows(GatewayConfigException.class, () -> new GatewayHarness(dataDir, Map.of()));
            assertTrue(refused.getMessage().contains("another gateway is running here, in this process"),
                refused.getMessage());
        }
        finally
        {
            held.release();
            callers.shutdownNow();
        }
    }

    /** A start that fails after the journal opened (here, its address is taken) closes it and frees the directory. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldFreeTheDataDirectoryWhenAStartFails() throws Exception
    {
        final Path other = dataDir.resolve("other");
        final GatewayHarness first = new GatewayHarness(other, Map.of());
        try
        {
            final Map<GatewaySetting, String> taken =
                Map.of(GatewaySetting.BIND, "127.0.0.1:" + first.server.address().getPort());
            final Path data = dataDir.resolve("data");
            final GatewayConfigException refused =
                assertThrows(GatewayConfigException.class, () -> new GatewayHarness(data, taken));
            assertTrue(refused.getMessage().startsWith(GatewaySetting.BIND.label()), refused.getMessage());

            final GatewayHarness next = new GatewayHarness(data, Map.of());
            next.server.shutdown();
        }
        finally
        {
            first.server.shutdown();
        }
    }

    /** Stops {@code gateway} and checks that the stop took less than {@code maxS} seconds with {@code settings}. */
    private static void closeWithin(final GatewayHarness gateway, final long maxS, final String settings)
    {
        final long startNs = System.nanoTime();
        gateway.close();
        final long tookS = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs);
        assertTrue(tookS < maxS, "shutdown took " + tookS + " s with " + settings);
    }
}
