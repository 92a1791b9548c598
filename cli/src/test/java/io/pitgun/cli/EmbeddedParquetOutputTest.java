package io.pitgun.cli;

import io.pitgun.cli.JournalExportCommandTest.JournalFrame;
import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.OutputFollower;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.pitgun.cli.JournalExportCommandTest.assertRowsEqualJournal;
import static io.pitgun.cli.JournalExportCommandTest.duckDb;
import static io.pitgun.cli.JournalExportCommandTest.files;
import static io.pitgun.cli.JournalExportCommandTest.footer;
import static io.pitgun.cli.JournalExportCommandTest.query;
import static io.pitgun.cli.JournalExportCommandTest.readJournal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An embedded pipeline (no gateway) whose settings file sets {@code output.parquet}: the pipeline starts the live
 * Parquet sink itself (its provider is on this class path, module storage) and stops it on close after the drain,
 * so every frame it journaled is in a completed file that DuckDB reads back, value for value.
 */
class EmbeddedParquetOutputTest
{
    private static final UUID SESSION_A = UUID.fromString("4d7e2a10-8c3b-4f6e-9b21-0a5c7d9e1f32");
    private static final UUID SESSION_B = UUID.fromString("6a1f3c5e-7b9d-4e2f-8a0c-1b3d5f7a9c2e");
    private static final long START_US = 1_775_908_800_000_000L; // 2026-04-11T12:00:00Z
    private static final int SPEED = 3;
    private static final int RPM = 1;

    @TempDir
    Path dir;

    @Test
    void shouldWriteEveryJournalFrameToParquetWhenTheSettingsSetOutputParquet() throws Exception
    {
        final Path settings = dir.resolve("pipeline-settings.yaml");
        Files.writeString(settings, String.join("\n", "journal:", "  directory: journal", "output:",
            "  parquet: parquet", ""));
        final Path manifest = dir.resolve("manifest.yaml");
        Files.writeString(manifest, String.join("\n", "version: v1", "name: embedded", "pipeline:",
            "  - type: formula", "    derived_channels:",
            "      - { name: Speed_Half, expr: \"Speed / 2\", unit: km/h }", ""));

        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest)
            .config(PipelineConfig.fromYaml(settings)).build();
        try
        {
            assertEquals(List.of("parquet"), pipeline.outputFollowers().stream().map(OutputFollower::name).toList());
            final FrameWriter a = pipeline.newFrameWriter(SESSION_A, UUID.randomUUID(), 0);
            final FrameWriter b = pipeline.newFrameWriter(SESSION_B, UUID.randomUUID(), 1);
            for (int i = 0; i < 200; i++)
            {
                a.begin(i, START_US + i * 10_000L).lapNumber(1).putDouble(SPEED, 100 + i * 0.5)
                    .putLong(RPM, 9_000 + i).commit();
                if (i % 2 == 0)
                {
                    b.begin(i, START_US + i * 10_000L).putDouble(SPEED, 50 + i * 0.25).commit();
                }
            }
            a.sessionEnd(START_US + 200 * 10_000L, "end");
        }
        finally
        {
            pipeline.close(); // drains, then stops the sink, which completes its open files
        }

        final List<JournalFrame> frames = readJournal(dir.resolve("journal"));
        assertEquals(300, frames.size());
        final Path runs = dir.resolve("parquet").resolve("runs");
        final List<Path> written = files(runs, ".parquet");
        assertEquals(List.of(runs.resolve(SESSION_A.toString()).resolve("2026-04-11T12.parquet"),
            runs.resolve(SESSION_B.toString()).resolve("2026-04-11T12.parquet")), written);
        assertTrue(files(dir.resolve("parquet"), ".inprogress").isEmpty(), "every file completed at close");
        try (Connection duck = duckDb())
        {
            final String all = "read_parquet('" + runs + "/*/*.parquet')";
            try (ResultSet rs = query(duck, "SELECT count(*), count(DISTINCT journal_index) FROM " + all))
            {
                rs.next();
                assertEquals(300, rs.getLong(1), "one row per journal frame");
                assertEquals(300, rs.getLong(2), "no journal frame twice");
            }
            assertRowsEqualJournal(duck, all, frames, false, false);
            final Map<String, String> footer = footer(duck, written.get(0));
            assertEquals("frames", footer.get("pitgun.table"));
            assertEquals(SESSION_A.toString(), footer.get("pitgun.session"));
        }
    }
}
