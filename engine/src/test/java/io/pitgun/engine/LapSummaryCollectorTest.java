package io.pitgun.engine;

import io.pitgun.engine.insight.LapSummary;
import io.pitgun.engine.insight.LapSummaryCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LapSummaryCollector} (an Agrona agent under an {@code AgentRunner}) reads every {@code lap_summary} of a
 * run until the pipeline ends, and says why when it cannot: the end did not come in time, or its subscriber fell
 * behind and was dropped. (Here, not in {@code io.pitgun.engine.insight}, for the package's {@link SyntheticRun}.)
 */
class LapSummaryCollectorTest
{
    private static final SyntheticRun RUN = new SyntheticRun(1, 3_000, 1_000);

    @TempDir
    Path dir;

    @Test
    void shouldCollectEveryLapSummaryOfTheRunOnceThePipelineEnds() throws Exception
    {
        final TelemetryPipeline pipeline = pipeline(PipelineConfig.builder().journalDirectory(dir.resolve("journal"))
            .build());
        final LapSummaryCollector collector = new LapSummaryCollector(pipeline.subscribeToInsights("laps"));
        collector.start();
        try
        {
            RUN.publish(pipeline);
        }
        finally
        {
            pipeline.close();
        }

        final List<LapSummary> laps = collector.awaitLaps(30, TimeUnit.SECONDS);

        assertEquals(2 * RUN.lapsPerSource(), laps.size(), laps.toString());
        for (final LapSummary lap : laps)
        {
            assertTrue(lap.frames() > 0 && lap.lapTimeS() > 0, lap.toString());
        }
        assertEquals(0, collector.errorCount());
    }

    @Test
    void shouldSayThatTheLapsDidNotArriveWhenThePipelineDoesNotEnd() throws Exception
    {
        final TelemetryPipeline pipeline = pipeline(PipelineConfig.builder().journalDirectory(dir.resolve("journal"))
            .build());
        try
        {
            final LapSummaryCollector collector = new LapSummaryCollector(pipeline.subscribeToInsights("laps"));
            collector.start();

            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> collector.awaitLaps(50, TimeUnit.MILLISECONDS));

            assertTrue(ex.getMessage().contains("did not arrive"), ex.getMessage());
        }
        finally
        {
            pipeline.close();
        }
    }

    @Test
    void shouldSayThatItsSubscriberWasDroppedWhenItFellBehind() throws Exception
    {
        final TelemetryPipeline pipeline = pipeline(PipelineConfig.builder().journalDirectory(dir.resolve("journal"))
            .subscriberBufferBytes(64 * 1024).build());
        // A full subscription that nobody reads during the run cannot hold its derived frames in 64 KiB.
        final LapSummaryCollector collector = new LapSummaryCollector(pipeline.subscribe("late"));
        try
        {
            RUN.publish(pipeline);
        }
        finally
        {
            pipeline.close();
        }
        collector.start();

        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> collector.awaitLaps(30, TimeUnit.SECONDS));

        assertTrue(ex.getMessage().contains("dropped"), ex.getMessage());
    }

    private static TelemetryPipeline pipeline(final PipelineConfig config) throws Exception
    {
        return TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml")).config(config).build();
    }
}
