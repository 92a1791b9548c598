package io.pitgun.engine;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.manifest.ManifestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A sink that throws mid-batch — here the JSON-lines sink writing to a full disk ({@code /dev/full}) — is reported
 * once and skipped, and every frame is still processed exactly once, before its slot goes back to the producers:
 * the live output (digested ahead of the failing sink) equals a replay of the run's own journal. A small ring keeps
 * the producer right behind the consumer, so a slot released too early would be overwritten before it was
 * processed, and a stage interrupted by the sink would emit different insights.
 */
class StageFailureTest
{
    @TempDir
    Path dir;

    @Test
    void shouldProcessEveryFrameOnceWhenASinkFailsMidBatch() throws ManifestException
    {
        final Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "no /dev/full on this system");
        final SyntheticRun run = new SyntheticRun(2, 20_000, 2_500);
        final Path journalDir = dir.resolve("journal");

        final List<String> errors = new ArrayList<>();
        final TelemetryPipeline live = TelemetryPipeline.builder().name("live")
            .manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().journalDirectory(journalDir).channelCapacity(64).outputDigest(true)
                .jsonLinesFile(full).build())
            .errorHandler((stage, error) -> errors.add(stage))
            .build();
        run.publish(live);
        final RuntimeException closing = assertThrows(RuntimeException.class, live::close);

        assertTrue(closing.getMessage().contains("/dev/full"), closing.getMessage());
        assertEquals(List.of("sink JsonLinesSink (skipped from now on)"), errors, "reported once");
        assertEquals(run.totalFrames(), live.counters().get(PipelineCounter.DERIVED_FRAMES));
        assertEquals(2L * run.sessions * (run.lapsPerSource() + 1), live.counters().get(PipelineCounter.INSIGHTS));

        final TelemetryPipeline replay = TelemetryPipeline.builder().name("replay")
            .manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).outputDigest(true).build()).build();
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
        {
            JournalReplayer.replay(journal, replay, null);
            replay.close();
        }
        assertEquals(replay.outputDigest().orElseThrow(), live.outputDigest().orElseThrow());
    }
}
