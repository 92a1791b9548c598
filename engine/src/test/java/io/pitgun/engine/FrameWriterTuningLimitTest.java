package io.pitgun.engine;

import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.engine.tuning.TuningPolicyException;
import io.pitgun.testsupport.JournaledFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An embedded pipeline built with a tuning policy ({@link TelemetryPipelineBuilder#tuningPolicy(Path)}): its
 * {@link FrameWriter}s refuse a frame outside a reject limit (counted, nothing journaled) and mark a sample outside a
 * flag limit DEGRADED (counted, journaled); a manifest over a limit is not built.
 */
class FrameWriterTuningLimitTest
{
    private static final UUID SESSION = new UUID(7, 7);
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAFrameOverARejectLimitAndFlagOneOverAFlagLimit() throws Exception
    {
        final Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "version: v1\nsigned_by: authority.pitgun.io\nlimits:\n  max_engine_rpm: 12000\n" +
            "  channels:\n    Speed: {max: 300, on_violation: flag}\n");
        final Path journal = dir.resolve("journal");
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .tuningPolicy(policy).config(PipelineConfig.builder().journalDirectory(journal).build()).build();
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, SESSION, 0);
            final FrameRejectedException refused = assertThrows(FrameRejectedException.class,
                () -> writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 200).putLong(SyntheticRun.ENGINE_RPM, 12_001)
                    .commit());
            assertEquals(PipelineCounter.DROPPED_TUNING_LIMIT, refused.reason());
            assertEquals("frame refused: Engine_RPM 12001 is above 12000, the tuning limit max_engine_rpm (reject)",
                refused.getMessage());
            writer.begin(2, 2_000).putDouble(SyntheticRun.SPEED, 300).putLong(SyntheticRun.ENGINE_RPM, 12_000).commit();
            final long last = writer.begin(3, 3_000).putDouble(SyntheticRun.SPEED, 301.5)
                .putLong(SyntheticRun.ENGINE_RPM, 11_000).commit();
            assertTrue(pipeline.awaitJournaled(last, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(1, pipeline.counters().get(PipelineCounter.DROPPED_TUNING_LIMIT));
        assertEquals(1, pipeline.counters().get(PipelineCounter.SAMPLES_TUNING_FLAGGED));
        final List<String> journaled = new ArrayList<>();
        JournaledFrames.forEachFrame(journal, frame ->
        {
            final StringBuilder line = new StringBuilder().append(frame.sequence());
            for (final TelemetryFrameDecoder.SamplesDecoder sample : frame.samples())
            {
                line.append(' ').append(sample.parameterId()).append(':').append(sample.quality());
            }
            journaled.add(line.toString());
        });
        assertEquals(List.of("2 " + SyntheticRun.SPEED + ":GOOD " + SyntheticRun.ENGINE_RPM + ":GOOD",
            "3 " + SyntheticRun.SPEED + ":" + SignalQuality.DEGRADED + " " + SyntheticRun.ENGINE_RPM + ":GOOD"), journaled);
    }

    @Test
    void shouldNotBuildAPipelineWhoseManifestIsOverALimit() throws Exception
    {
        final Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "version: v1\nsigned_by: authority.pitgun.io\nlimits:\n  max_engine_rpm: 12000\n" +
            "manifest_limits:\n  max_stages: 1\n");
        final TuningPolicyException ex = assertThrows(TuningPolicyException.class, () -> TelemetryPipeline.builder()
            .manifest(Manifests.compile("lap-power.yaml")).tuningPolicy(policy).build().close());
        assertTrue(ex.getMessage().contains("stages, above manifest_limits.max_stages 1"), ex.getMessage());
    }
}
