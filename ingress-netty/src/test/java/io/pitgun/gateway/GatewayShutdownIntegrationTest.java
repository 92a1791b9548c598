package io.pitgun.gateway;

import io.pitgun.engine.PipelineCounter;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeldThreads;
import io.pitgun.testsupport.SelfSignedPem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shutdown is bounded even when a pipeline stage is stuck, a second caller waits for the first to finish, and the
 * data directory stays locked while the abandoned stage may still use the journal.
 */
class GatewayShutdownIntegrationTest
{

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
}
