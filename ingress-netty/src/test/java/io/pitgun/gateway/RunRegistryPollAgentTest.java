package io.pitgun.gateway;

import io.pitgun.engine.BoundedAgentRunner;
import io.pitgun.engine.SubscriptionHandler;
import io.pitgun.testsupport.Await;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run-registry mirror's poller is an agent: a failure in its duty cycle (here an insight the mirror's handler
 * cannot take, as a corrupt record would be) is counted in {@code /metrics}, reported by {@code /health}, and the
 * poller carries on with the next insight instead of its thread dying unseen.
 */
class RunRegistryPollAgentTest
{
    private static final String ERRORS = "pitgun_gateway_run_registry_errors_total";

    @TempDir
    Path dataDir;

    @Test
    void shouldCountAndReportAFailingDutyCycleAndCarryOn() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            assertEquals(0, gateway.metric(ERRORS));
            final AtomicInteger insights = new AtomicInteger();
            final SubscriptionHandler corrupt = new SubscriptionHandler()
            {
                @Override
                public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
                {
                }

                @Override
                public void onInsight(final DirectBuffer buffer, final int offset, final int length)
                {
                    insights.incrementAndGet();
                    throw new IllegalStateException("injected: an insight record the mirror cannot read");
                }
            };
            final GatewayCounters counters = gateway.server.counters();
            final RunRegistryPollAgent agent =
                new RunRegistryPollAgent(gateway.server.pipeline(), corrupt, counters, "test-registry");
            final BoundedAgentRunner runner = BoundedAgentRunner.start(agent, new SleepingMillisIdleStrategy(1),
                RunRegistryMirror.pollErrors(counters, "test-registry"), task -> new Thread(task, "test-poll"));
            try
            {
                // Lap 1 (sequences 0..2), then lap 2 (3..4): the first frame of lap 2 closes lap 1.
                final HttpResponse<String> laps = gateway.post("/beacon", "application/x-ndjson",
                    Envelopes.batch(UUID.randomUUID(), 0, 3, 1) + "\n" + Envelopes.batch(UUID.randomUUID(), 3, 2, 2));
                assertEquals(202, laps.statusCode(), laps.body());
                Await.until("the failed lap-1 insight is counted", () -> gateway.metric(ERRORS) == 1);

                final HttpResponse<String> health = gateway.get("/health");
                assertEquals(503, health.statusCode(), health.body());
                assertTrue(health.body().contains("run_registry_error"), health.body());

                // It carried on: lap 3 closes lap 2, whose insight fails (and is counted) in turn.
                assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 5, 1, 3)).statusCode());
                Await.until("the failed lap-2 insight is counted", () -> gateway.metric(ERRORS) == 2);
                assertEquals(2, insights.get());
                assertTrue(runner.thread().isAlive(), "the poller's thread survived its failures");
            }
            finally
            {
                assertTrue(runner.close(TimeUnit.SECONDS.toNanos(5)));
            }
        }
    }
}
