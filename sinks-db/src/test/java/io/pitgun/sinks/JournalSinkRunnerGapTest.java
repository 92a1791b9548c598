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
import io.pitgun.testsupport.DamagedJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A cycle file deleted from the middle of the journal (to free disk space): the database sinks' follower went from the
 * file before it to the one after it without a word, as across an hour without data, and the table lacked what the
 * file held unannounced. Now the gap is counted ({@code pitgun_sink_journal_gaps_total}) and logged, once, though the
 * sink runs the journal again after a failure.
 */
class JournalSinkRunnerGapTest
{
    private static final String FILTER = "version: v1\npipeline:\n  - type: filter\n    whitelist: [\"Speed\"]\n";
    private static final int FRAMES = 100;

    @TempDir
    Path dir;

    @Test
    void shouldCountACycleFileDeletedFromTheMiddleOfTheJournalOnce() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final CompiledManifest manifest = ManifestCompiler.compile(ManifestLoader.parse(Path.of("m.yaml"), FILTER),
            ParameterRegistry.simV1());
        write(journalDir, manifest, 0);
        DamagedJournal.moveLastCycleFileBack(journalDir, 2);
        write(journalDir, manifest, FRAMES);
        final Path deleted = DamagedJournal.moveLastCycleFileBack(journalDir, 1);
        write(journalDir, manifest, 2 * FRAMES);
        Files.delete(deleted);

        final List<CountingDatabaseSink> opened = new CopyOnWriteArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir));
             JournalSinkRunner runner = JournalSinkRunner.start("gaps", journal, manifest,
                 ParameterRegistry.simV1(), PipelineConfig.defaults(), (names, counters) ->
                 {
                     // The first connection fails once it has every frame: the sink runs the journal again.
                     final CountingDatabaseSink sink =
                         new CountingDatabaseSink(opened.isEmpty() ? 2 * FRAMES : Long.MAX_VALUE);
                     opened.add(sink);
                     return sink;
                 }))
        {
            Await.until("the second run wrote every frame left", Duration.ofSeconds(30),
                () -> opened.size() == 2 && opened.get(1).frames == 2 * FRAMES);
            assertEquals(1, runner.counters().failures());
            assertEquals(1, runner.counters().journalGaps(), "read across twice, counted once");
        }
    }

    /** A run of a journaled pipeline writing frames {@code [from, from + FRAMES)}. */
    private static void write(final Path journalDir, final CompiledManifest manifest, final long from)
        throws Exception
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest)
            .config(PipelineConfig.builder().journalDirectory(journalDir).build()).build();
        try
        {
            SinkTestSession.write(SinkTestSession.writer(pipeline), from, from + FRAMES);
        }
        finally
        {
            pipeline.close();
        }
    }
}
