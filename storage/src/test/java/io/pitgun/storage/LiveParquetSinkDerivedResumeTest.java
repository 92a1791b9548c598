package io.pitgun.storage;

import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live sink's derived table resumes by counting, per session, the rows of its complete files: right only while
 * the manifest runs again from the message it ran from for them. After the journal's oldest cycle file is deleted it
 * starts later, and the count would skip new derived frames without a word.
 */
class LiveParquetSinkDerivedResumeTest
{
    private static final UUID SESSION = UUID.fromString("4d7e2a10-8c3b-4f6e-9b21-0a5c7d9e1f32");
    private static final long START_US = 1_775_908_800_000_000L; // 2026-04-11T12:00:00Z
    private static final int SPEED = 3;
    private static final DateTimeFormatter CYCLE = DateTimeFormatter.ofPattern("yyyyMMdd-HH'F.cq4'");

    @TempDir
    Path dir;

    @Test
    void shouldNotSkipNewDerivedFramesWhenTheJournalsOldestCycleFileWasDeleted() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final Path parquet = dir.resolve("parquet");
        final Path derived = parquet.resolve("derived");
        final Path manifest = dir.resolve("manifest.yaml");
        Files.writeString(manifest, String.join("\n", "version: v1", "name: halves", "pipeline:",
            "  - type: formula", "    derived_channels:",
            "      - { name: Speed_Half, expr: \"Speed / 2\", unit: km/h }", ""));

        // 100 frames in a cycle file of the hour before (written now, then renamed: Chronicle takes a file's cycle
        // from its name), before the sink ever ran.
        run(pipeline(journal, null, manifest), 0, 100);
        final Path current = cycleFiles(journal).get(0);
        final Instant hour = LocalDateTime.parse(current.getFileName().toString(), CYCLE).toInstant(ZoneOffset.UTC);
        final Path hourBefore =
            journal.resolve(CYCLE.withZone(ZoneOffset.UTC).format(hour.minus(Duration.ofHours(1))));
        Files.move(current, hourBefore);
        Files.delete(journal.resolve("metadata.cq4t")); // it records the file under its old name

        // The sink derives all 150 frames (100 old, 50 in this hour's file); a plain restart resumes after them.
        run(pipeline(journal, parquet, manifest), 100, 50);
        assertEquals(2, cycleFiles(journal).size(), cycleFiles(journal).toString());
        assertEquals(150, rows(derived));
        LiveParquetSink sink = run(pipeline(journal, parquet, manifest), 150, 10);
        assertEquals(160, rows(derived), "a restart on the same journal writes each derived frame once");
        assertEquals(160, rows(parquet.resolve("runs")));
        assertEquals(0, sink.counters().failures());

        // The operator frees disk: the oldest cycle file goes. The manifest now runs from frame 100: the first 160
        // frames it derives are not the 160 the files hold, and 40 new frames must not be skipped silently.
        Files.delete(hourBefore);
        final TelemetryPipeline afterDeletion = pipeline(journal, parquet, manifest);
        sink = sink(afterDeletion);
        try
        {
            write(afterDeletion, 160, 40);
            final LiveParquetSink refused = sink;
            await("the derived table refused, as a failure", () -> refused.counters().failures() > 0);
            await("counted again at the failures' backoff", () -> refused.counters().failures() > 1);
            // Moved aside, the table is derived again from the journal as it now is.
            Files.move(derived, parquet.resolve("derived-before-deletion"));
            await("started again, deriving", () -> Files.isDirectory(derived));
        }
        finally
        {
            afterDeletion.close();
        }
        assertEquals(200, rows(parquet.resolve("runs")), "the runs table resumes by journal index");
        assertEquals(160, rows(parquet.resolve("derived-before-deletion")), "the old files left as they were");
        assertEquals(100, rows(derived), "frames 100 to 199, the journal as it is, each derived once");
    }

    /**
     * More (session, source) streams at once than {@code max_sources}: the deriving pipeline drops the frames of the
     * stream beyond them, which derive nothing. The derived table lacked them without a word; now they are counted
     * as dropped.
     */
    @Test
    void shouldCountTheFramesOfStreamsBeyondMaxSourcesAsDropped() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final Path parquet = dir.resolve("parquet");
        final Path manifest = dir.resolve("manifest.yaml");
        Files.writeString(manifest, String.join("\n", "version: v1", "name: halves", "pipeline:",
            "  - type: formula", "    derived_channels:",
            "      - { name: Speed_Half, expr: \"Speed / 2\", unit: km/h }", ""));
        final int maxSources = 2;
        final int framesEach = 20;
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest).config(PipelineConfig
            .builder().journalDirectory(journal).parquetDirectory(parquet).maxSources(maxSources).build()).build();
        final LiveParquetSink sink = sink(pipeline);
        try
        {
            for (int s = 0; s <= maxSources; s++) // one session more than max_sources, over the same 200 ms
            {
                final FrameWriter writer = pipeline.newFrameWriter(new UUID(7, s), UUID.randomUUID(), 0);
                for (int i = 0; i < framesEach; i++)
                {
                    writer.begin(i, START_US + i * 10_000L).putDouble(SPEED, 100 + i).commit();
                }
            }
        }
        finally
        {
            pipeline.close(); // the sink reads the journal to its end and completes its files
        }
        assertEquals((maxSources + 1) * framesEach, rows(parquet.resolve("runs")));
        assertEquals(maxSources * framesEach, rows(parquet.resolve("derived")));
        assertEquals(framesEach, sink.counters().dropped(), "the third session's frames derived nothing");
    }

    private static TelemetryPipeline pipeline(final Path journal, final Path parquet, final Path manifest)
        throws Exception
    {
        final PipelineConfig.Builder config = PipelineConfig.builder().journalDirectory(journal);
        if (parquet != null)
        {
            config.parquetDirectory(parquet);
        }
        return TelemetryPipeline.builder().manifest(manifest).config(config.build()).build();
    }

    private static LiveParquetSink sink(final TelemetryPipeline pipeline)
    {
        return pipeline.outputFollowers().stream().filter(LiveParquetSink.class::isInstance)
            .map(LiveParquetSink.class::cast).findFirst().orElseThrow();
    }

    /** Writes frames {@code from} to {@code from + count - 1} and closes the pipeline (drained, files completed). */
    private static LiveParquetSink run(final TelemetryPipeline pipeline, final int from, final int count)
    {
        try
        {
            write(pipeline, from, count);
            return pipeline.outputFollowers().isEmpty() ? null : sink(pipeline);
        }
        finally
        {
            pipeline.close();
        }
    }

    private static void write(final TelemetryPipeline pipeline, final int from, final int count)
    {
        final FrameWriter writer = pipeline.newFrameWriter(SESSION, UUID.randomUUID(), 0);
        for (int i = from; i < from + count; i++)
        {
            writer.begin(i, START_US + i * 10_000L).putDouble(SPEED, 100 + i).commit();
        }
    }

    private static long rows(final Path root) throws IOException
    {
        long rows = 0;
        try (Stream<Path> files = Files.walk(root))
        {
            for (final Path file : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList())
            {
                rows += ParquetFooters.read(file).rows();
            }
        }
        return rows;
    }

    private static List<Path> cycleFiles(final Path journal) throws IOException
    {
        try (Stream<Path> files = Files.list(journal))
        {
            return files.filter(file -> file.toString().endsWith(".cq4")).sorted().toList();
        }
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
            Thread.sleep(20);
        }
    }
}
