package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue #14 point 1 over HTTP: two sources each post one envelope of 4 frames 500 us apart (the box's 500 us
 * earlier, posted second); with a 2 ms merge window the frames that share a window merge into one frame whatever
 * the arrival order, and {@code /metrics} counts exactly those.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayMergeIntegrationTest
{
    private static final long T0 = 1_712_345_678_000_000L; // a multiple of the 2 ms window

    @TempDir
    Path dataDir;

    @Test
    void shouldMergeTwoBatchedEnvelopesOfTwoSources() throws Exception
    {
        final Path manifest = dataDir.resolve("merge.yaml");
        Files.writeString(manifest, String.join("\n",
            "version: v1",
            "name: gateway-merge",
            "pipeline:",
            "  - type: merge",
            "    sources: [0, 1]",
            "    window_us: 2000",
            "  - type: formula",
            "    derived_channels:",
            "      - { name: Power_kW, expr: \"Torque_Nm * Engine_RPM / 9549.0\", unit: kW }",
            ""));
        try (GatewayHarness gateway = new GatewayHarness(dataDir.resolve("data"),
            Map.of(GatewaySetting.MANIFEST, manifest.toString())))
        {
            assertAccepted(gateway.beacon(envelope(0, T0 + 500, "\"Torque_Nm\":300.5")));
            assertAccepted(gateway.beacon(envelope(1, T0, "\"Engine_RPM\":9549")));
            assertAccepted(gateway.beacon(Envelopes.sessionEnd(UUID.randomUUID(), T0 + 10_000)));

            // [T0, T0 + 2 ms): 3 car + 4 box frames, one merged frame; [T0 + 2 ms, ...): the car's last frame alone
            Await.until("both windows emitted", () -> gateway.metric("pitgun_frames_processed_total") == 2);
            assertEquals(7, gateway.metric("pitgun_frames_merged_total"));
            assertEquals(0, gateway.metric("pitgun_frames_late_total"));
            assertEquals(2, gateway.metric("pitgun_derived_frames_total"));
        }
    }

    private static void assertAccepted(final HttpResponse<String> response)
    {
        assertEquals(200, response.statusCode() / 100 * 100, response.body());
    }

    /** One telemetry envelope of source {@code source}: 4 frames, 500 us apart from {@code firstUs}. */
    private static String envelope(final int source, final long firstUs, final String samples)
    {
        final StringBuilder out = new StringBuilder("{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"")
            .append(UUID.randomUUID()).append("\",\"ts\":\"2026-04-11T12:43:44.279Z\",\"player_id\":\"")
            .append(Envelopes.PLAYER).append("\",\"session_id\":\"").append(Envelopes.SESSION)
            .append("\",\"source_id\":").append(source)
            .append(",\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[");
        for (int i = 0; i < 4; i++)
        {
            out.append(i == 0 ? "" : ",").append("{\"sequence\":").append(i + 1).append(",\"timestamp_us\":")
                .append(firstUs + 500L * i).append(",\"samples\":{").append(samples).append("}}");
        }
        return out.append("]}}").toString();
    }
}
