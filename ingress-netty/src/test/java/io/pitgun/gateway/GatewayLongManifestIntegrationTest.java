package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.EnvelopeJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A manifest within every limit the validator checks whose formulas are too long to compile into one method (two
 * formulas of about 8,000 characters). The gateway acknowledged frames it then never processed: every stream's
 * program failed to compile on its first frame (ASM's {@code MethodTooLargeException}, a stage error each). Such a
 * plan now runs in the reference interpreter.
 */
class GatewayLongManifestIntegrationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldProcessFramesThroughAManifestTooLongToCompile() throws Exception
    {
        final Path manifest = Files.writeString(dir.resolve("long.yaml"), longManifest());
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.MANIFEST, manifest.toString())))
        {
            assertEquals(202, gateway.beacon(EnvelopeJson.batch(UUID.randomUUID(), "2024-01-01T00:00:00Z",
                UUID.randomUUID(), 0, 10, 1, sequence -> 1_000_000L + sequence * 1_000)).statusCode());
            Await.until("ten frames processed", () -> gateway.metric("pitgun_frames_processed_total") == 10);
            assertEquals(0, gateway.metric("pitgun_stage_errors_total"));
        }
    }

    /** Two derived channels, each a sum of about 1,100 terms (8,000 characters, under the 8,192 limit). */
    static String longManifest()
    {
        final StringBuilder yaml = new StringBuilder("version: v1\npipeline:\n  - type: formula\n    derived_channels:\n");
        for (int channel = 0; channel < 2; channel++)
        {
            final StringBuilder expr = new StringBuilder("Speed");
            for (int term = 0; expr.length() < 7_950; term++)
            {
                expr.append(term % 2 == 0 ? " + Torque_Nm * " : " - Speed * ").append(term % 10);
            }
            yaml.append("      - name: Long").append(channel).append("\n        expr: \"").append(expr).append("\"\n");
        }
        return yaml.toString();
    }
}
