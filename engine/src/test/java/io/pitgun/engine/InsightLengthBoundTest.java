package io.pitgun.engine;

import io.pitgun.manifest.ManifestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TelemetryPipeline#longestInsightBytes()} bounds every lap summary a run writes (the gateway refuses to start
 * when it is over what a subscriber can be sent), and is 0 for a manifest that writes no insights.
 */
class InsightLengthBoundTest
{
    @TempDir
    Path dir;

    @Test
    void shouldBoundEveryLapSummaryOfARun() throws ManifestException
    {
        final TelemetryPipeline pipeline = pipeline("lap-power.yaml");
        final Subscription subscription = pipeline.subscribeToInsights("test");
        try
        {
            new SyntheticRun(1, 3_000, 1_000).publish(pipeline);
        }
        finally
        {
            pipeline.close();
        }
        final int bound = pipeline.longestInsightBytes();
        final List<String> lapSummaries = SubscribedInsights.drain(subscription).stream()
            .filter(insight -> insight.contains("\"kind\":\"lap_summary\"")).toList();
        assertEquals(2 * 3, lapSummaries.size(), "three laps for each of two sources");
        for (final String summary : lapSummaries)
        {
            final int length = summary.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(length <= bound, length + " bytes, over the bound " + bound + ": " + summary);
        }
    }

    @Test
    void shouldBeZeroWithoutInsights() throws ManifestException
    {
        final TelemetryPipeline pipeline = pipeline("ten-formulas.yaml");
        pipeline.close();
        assertEquals(0, pipeline.longestInsightBytes());
    }

    private TelemetryPipeline pipeline(final String manifest) throws ManifestException
    {
        return TelemetryPipeline.builder().manifest(Manifests.compile(manifest))
            .config(PipelineConfig.builder().journalDirectory(dir.resolve("journal")).build()).build();
    }
}
