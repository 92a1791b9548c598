package io.pitgun.engine;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.manifest.ManifestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance test: a million frames (four sessions, two sources, laps crossing) published through the
 * embedded API with a journal, then the journal replayed through the same manifest (same output digest) and
 * through another one (the output that manifest must give).
 */
class ReplayDeterminismTest
{
    private static final SyntheticRun RUN = new SyntheticRun(4, 125_000, 25_000);

    @TempDir
    Path dir;

    @Test
    void shouldReplayAMillionFramesToTheSameDigestAndApplyAnotherManifest() throws ManifestException
    {
        final Path journalDir = dir.resolve("journal");
        final PipelineConfig liveConfig = PipelineConfig.builder()
            .journalDirectory(journalDir).ackMode(AckMode.JOURNALED).outputDigest(true).build();
        final String liveDigest;
        final long liveDerived;
        final TelemetryPipeline live = TelemetryPipeline.builder().name("live")
            .manifest(Manifests.compile("lap-power.yaml")).config(liveConfig).build();
        try
        {
            final long last = RUN.publish(live);
            assertTrue(live.awaitJournaled(last, TimeUnit.SECONDS.toNanos(120)), "every frame is journaled");
        }
        finally
        {
            live.close();
        }
        {
            liveDigest = live.outputDigest().orElseThrow();
            liveDerived = live.counters().get(PipelineCounter.DERIVED_FRAMES);
            assertEquals(RUN.totalFrames(), live.counters().get(PipelineCounter.FRAMES_JOURNALED) -
                4L * RUN.sessions);
            assertEquals(0, live.counters().dropped());
            assertEquals(RUN.totalFrames(), liveDerived, "lap-power keeps every frame");
            assertEquals(2L * RUN.sessions * (RUN.lapsPerSource() + 1),
                live.counters().get(PipelineCounter.INSIGHTS), "a summary per lap and per session of each source");
            assertTrue(live.firstError().isEmpty());
        }

        final PipelineConfig replayConfig = PipelineConfig.builder().ackMode(AckMode.ACCEPTED).outputDigest(true)
            .build();
        final TelemetryPipeline replay;
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
        {
            replay = TelemetryPipeline.builder().name("replay").manifest(Manifests.compile("lap-power.yaml"))
                .config(replayConfig).build();
            final long entries = JournalReplayer.replay(journal, replay, null);
            replay.close();
            // + 2: the live pipeline's ManifestLoaded entry (processing restarts there: nothing to forget yet) and
            // its PipelineDrained one (processing drains there, as the live close did: nothing is left at the end)
            assertEquals(RUN.totalFrames() + 4L * RUN.sessions + 2, entries);
        }
        assertEquals(liveDigest, replay.outputDigest().orElseThrow(), "replay output is byte-identical");
        assertEquals(liveDerived, replay.counters().get(PipelineCounter.DERIVED_FRAMES));

        final TelemetryPipeline postMortem;
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
        {
            postMortem = TelemetryPipeline.builder().name("post-mortem").manifest(Manifests.compile(
                "fast-only.yaml")).config(replayConfig).build();
            JournalReplayer.replay(journal, postMortem, null);
            postMortem.close();
        }
        assertNotEquals(liveDigest, postMortem.outputDigest().orElseThrow());
        assertEquals(RUN.framesFasterThan(100), postMortem.counters().get(PipelineCounter.DERIVED_FRAMES),
            "fast-only keeps exactly the frames faster than 100 km/h");
        assertEquals(RUN.totalFrames() - RUN.framesFasterThan(100),
            postMortem.counters().get(PipelineCounter.FRAMES_FILTERED));
        assertEquals(0, postMortem.counters().get(PipelineCounter.INSIGHTS));
    }

    @Test
    void shouldReplayToTheLiveDigestWhicheverThreadJournals() throws ManifestException
    {
        // Two live runs differ in their journal positions (cycle and batching), which insights carry as
        // provenance, so each layout is compared with the replay of its own journal. With journal.thread: producer
        // every frame is an entry of its own, written on the publishing thread.
        final SyntheticRun run = new SyntheticRun(2, 20_000, 1_000);
        for (final JournalThread journalThread : JournalThread.values())
        {
            final Path journalDir = dir.resolve(journalThread.symbol());
            final String live = liveDigest(run, journalDir, journalThread);
            try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
            {
                final TelemetryPipeline replay = TelemetryPipeline.builder().name("replay")
                    .manifest(Manifests.compile("lap-power.yaml"))
                    .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).outputDigest(true).build()).build();
                assertEquals(run.totalFrames() + 4L * run.sessions + 2, // + ManifestLoaded, PipelineDrained
                    JournalReplayer.replay(journal, replay, null));
                replay.close();
                assertEquals(live, replay.outputDigest().orElseThrow(), "journal.thread: " + journalThread.symbol());
            }
        }
    }

    private static String liveDigest(final SyntheticRun run, final Path journalDir, final JournalThread journalThread)
        throws ManifestException
    {
        final TelemetryPipeline live = TelemetryPipeline.builder().name(journalThread.symbol())
            .manifest(Manifests.compile("lap-power.yaml")).config(PipelineConfig.builder().journalDirectory(journalDir)
                .producerMode(ProducerMode.SINGLE).journalThread(journalThread).outputDigest(true).build()).build();
        try
        {
            final long last = run.publish(live);
            assertTrue(live.awaitJournaled(last, TimeUnit.SECONDS.toNanos(120)), "every frame is journaled");
        }
        finally
        {
            live.close();
        }
        assertEquals(run.totalFrames() + 4L * run.sessions, live.counters().get(PipelineCounter.FRAMES_JOURNALED));
        assertEquals(0, live.counters().dropped());
        return live.outputDigest().orElseThrow();
    }
}
