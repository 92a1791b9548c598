package io.pitgun.sinks;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * More streams at once than {@code max_sources}: the database sinks' own pipeline dropped the journal frames of the
 * streams beyond it, and the tables lacked them without a word (300 sessions into a gateway: QuestDB held 64 of them,
 * {@code pitgun_sink_dropped_total} 0, nothing logged). Now the sink counts them, once, though it runs the journal
 * again after a failure.
 */
class JournalSinkRunnerDropTest
{
    private static final String FILTER = "version: v1\npipeline:\n  - type: filter\n    whitelist: [\"Speed\"]\n";
    private static final int FRAMES = 100;
    private static final int MAX_SOURCES = 2;

    @TempDir
    Path dir;

    @Test
    void shouldCountTheFramesOfStreamsBeyondMaxSourcesOnce() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final CompiledManifest manifest = ManifestCompiler.compile(ManifestLoader.parse(Path.of("m.yaml"), FILTER),
            ParameterRegistry.simV1());
        // Three sessions over the same 1 s: none is idle when the third begins, so its frames have no place.
        writeSessions(journalDir, manifest, MAX_SOURCES + 1);

        final List<CountingDatabaseSink> opened = new CopyOnWriteArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir));
             JournalSinkRunner runner = JournalSinkRunner.start("drops", journal, manifest,
                 ParameterRegistry.simV1(), PipelineConfig.defaults().toBuilder().maxSources(MAX_SOURCES).build(),
                 (names, counters) ->
                 {
                     // The first connection fails once it has every frame it gets: the sink runs the journal again.
                     final CountingDatabaseSink sink =
                         new CountingDatabaseSink(opened.isEmpty() ? MAX_SOURCES * FRAMES : Long.MAX_VALUE);
                     opened.add(sink);
                     return sink;
                 }))
        {
            Await.until("the second run wrote the frames of the streams that had a place and counted the others",
                Duration.ofSeconds(30), () -> opened.size() == 2 && opened.get(1).frames == MAX_SOURCES * FRAMES &&
                    runner.counters().dropped() >= FRAMES);
            assertEquals(1, runner.counters().failures());
            assertEquals(FRAMES, runner.counters().dropped(), "dropped in both runs, counted once");
        }
    }

    /** A run of a journaled pipeline writing {@code FRAMES} frames of each of {@code sessions} sessions. */
    private static void writeSessions(final Path journalDir, final CompiledManifest manifest, final int sessions)
        throws Exception
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest)
            .config(PipelineConfig.builder().journalDirectory(journalDir).build()).build();
        try
        {
            for (int s = 0; s < sessions; s++)
            {
                SinkTestSession.write(pipeline.newFrameWriter(new UUID(1, s), SinkTestSession.PLAYER, 0), 0, FRAMES);
            }
        }
        finally
        {
            pipeline.close();
        }
    }
}
