package io.pitgun.gateway;

import io.pitgun.engine.PipelineCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A game server's day: hundreds of short sessions, each a {@code session.start}, a {@code telemetry.sample_batch}
 * and a {@code session.end}, through one gateway — far more sessions over its life than the pipeline's stream table
 * holds at once ({@code max_sources} 64, 128 cells). Every beacon must be accepted and shutdown must still work.
 */
class GatewaySessionChurnIntegrationTest
{
    private static final int SESSIONS = 400;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldAcceptEveryBeaconOfManyMoreSessionsThanTheStreamTableHoldsAndStillShutDown() throws Exception
    {
        // No rate limit: 1,200 beacons from one address would otherwise exceed the default burst.
        final GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RATE_LIMIT, "0"));
        try
        {
            for (int session = 0; session < SESSIONS; session++)
            {
                final UUID sessionId = new UUID(0x5E5510A000000000L + session, 0x8000000000000000L | session);
                final long t0 = 1_767_225_600_000_000L + session * 1_000_000L;
                expectAccepted(gateway, session, marker(sessionId, "session.start", t0));
                expectAccepted(gateway, session, sampleBatch(sessionId, t0 + 1_000));
                expectAccepted(gateway, session, marker(sessionId, "session.end", t0 + 2_000));
            }
        }
        catch (final Exception | AssertionError ex)
        {
            try
            {
                shutDownWithinDeadline(gateway);
            }
            catch (final AssertionError shutdownFailure)
            {
                ex.addSuppressed(shutdownFailure); // the first failure is the one to read
            }
            throw ex;
        }
        shutDownWithinDeadline(gateway);
        assertEquals(SESSIONS, GatewayHarness.journaledSequences(dataDir).size());
        assertEquals(SESSIONS, gateway.server.pipeline().counters()
            .get(PipelineCounter.FRAMES_PROCESSED));
        assertEquals(0, gateway.server.pipeline().counters()
            .get(PipelineCounter.DROPPED_TOO_MANY_SOURCES));
    }

    private static void shutDownWithinDeadline(final GatewayHarness gateway)
    {
        assertTimeoutPreemptively(Duration.ofSeconds(30), gateway::close, "shutdown did not finish within 30 s");
    }

    private static void expectAccepted(final GatewayHarness gateway, final int session, final String envelope)
        throws Exception
    {
        final HttpResponse<String> response = gateway.beacon(envelope);
        assertEquals(202, response.statusCode(), "session " + session + ": " + response.body());
    }

    private static String marker(final UUID sessionId, final String eventType, final long timestampUs)
    {
        return "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + UUID.randomUUID() +
            "\",\"ts\":\"2026-04-11T13:30:00.000Z\",\"player_id\":\"" + Envelopes.PLAYER + "\",\"session_id\":\"" +
            sessionId + "\",\"event_type\":\"" + eventType + "\",\"payload\":{\"timestamp_us\":" + timestampUs + "}}";
    }

    private static String sampleBatch(final UUID sessionId, final long timestampUs)
    {
        return "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + UUID.randomUUID() +
            "\",\"ts\":\"2026-04-11T13:30:00.000Z\",\"player_id\":\"" + Envelopes.PLAYER + "\",\"session_id\":\"" +
            sessionId + "\",\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[{\"sequence\":1," +
            "\"timestamp_us\":" + timestampUs + ",\"lap_number\":1,\"samples\":{\"Speed\":100.5," +
            "\"Engine_RPM\":9000}}]}}";
    }
}
