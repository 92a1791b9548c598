package io.pitgun.gateway;

import io.pitgun.engine.ProducerMode;
import io.pitgun.engine.TelemetryPipeline;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With one event loop and no UDP source the loop is the ring's only producer: the gateway opens a single-producer
 * ring bound to that loop, so a publish from any other thread (an embedder holding {@code pipeline()}) is refused
 * instead of corrupting the ring, while concurrent clients' beacons, all published by the loop, are journaled each
 * once. A second loop or a UDP source makes several producers, and a multi-producer ring.
 */
@Timeout(120)
class GatewayProducerModeIntegrationTest
{
    private static final int CLIENTS = 4;
    private static final int BEACONS_PER_CLIENT = 25;
    private static final int FRAMES_PER_BEACON = 2;

    @TempDir
    Path dataDir;

    @Test
    void shouldBindItsSingleProducerRingToTheEventLoop() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final TelemetryPipeline pipeline = gateway.server.pipeline();
            assertEquals(ProducerMode.SINGLE, pipeline.config().producerMode());

            final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> pipeline.tryPublish(frame, 0, 64));
            assertTrue(refused.getMessage().contains("pitgun-gateway-io"), refused.getMessage());

            final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try
            {
                final List<Future<?>> sent = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++)
                {
                    final int client = c;
                    sent.add(clients.submit(() ->
                    {
                        for (int b = 0; b < BEACONS_PER_CLIENT; b++)
                        {
                            final long first = (long)(client * BEACONS_PER_CLIENT + b) * FRAMES_PER_BEACON;
                            final HttpResponse<String> answer =
                                gateway.beacon(Envelopes.batch(UUID.randomUUID(), first, FRAMES_PER_BEACON));
                            assertEquals(202, answer.statusCode(), answer.body());
                        }
                        return null;
                    }));
                }
                for (final Future<?> done : sent)
                {
                    done.get(60, TimeUnit.SECONDS);
                }
            }
            finally
            {
                clients.shutdownNow();
            }
        }
        final List<Long> journaled = new ArrayList<>(GatewayHarness.journaledSequences(dataDir));
        journaled.sort(null);
        assertEquals(LongStream.range(0, (long)CLIENTS * BEACONS_PER_CLIENT * FRAMES_PER_BEACON).boxed().toList(),
            journaled, "every frame journaled once");
    }

    @Test
    void shouldOpenAMultiProducerRingForTwoEventLoops() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.IO_THREADS, "2")))
        {
            assertEquals(ProducerMode.MULTI, gateway.server.pipeline().config().producerMode());
            final HttpResponse<String> answer = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 1));
            assertEquals(202, answer.statusCode(), answer.body());
        }
    }

    @Test
    void shouldOpenAMultiProducerRingWithAUdpSource() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.UDP_BIND, "127.0.0.1:0")))
        {
            assertEquals(ProducerMode.MULTI, gateway.server.pipeline().config().producerMode());
        }
    }
}
