package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.EnvelopeJson;
import io.pitgun.testsupport.LongFormulaManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A manifest within every limit the validator checks whose formulas are too long to compile into one method (sixteen
 * formulas of 250 terms, LongFormulaManifest). The gateway acknowledged frames it then never processed: every stream's
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
        final Path manifest = Files.writeString(dir.resolve("long.yaml"), LongFormulaManifest.yaml());
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.MANIFEST, manifest.toString())))
        {
            assertEquals(202, gateway.beacon(EnvelopeJson.batch(UUID.randomUUID(), "2024-01-01T00:00:00Z",
                UUID.randomUUID(), 0, 10, 1, sequence -> 1_000_000L + sequence * 1_000)).statusCode());
            Await.until("ten frames processed", () -> gateway.metric("pitgun_frames_processed_total") == 10);
            assertEquals(0, gateway.metric("pitgun_stage_errors_total"));
        }
    }
}
