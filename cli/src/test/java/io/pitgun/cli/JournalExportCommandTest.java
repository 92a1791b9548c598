package io.pitgun.cli;

import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.DictionaryDigest;
import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEntryHandler;
import io.pitgun.journal.JournalEventStamp;
import io.pitgun.journal.JournalTailer;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code pitgun journal export}, run through the CLI entry point; every file is read back by DuckDB (an independent
 * Parquet and CSV reader) and compared value by value with the journal, read here by a plain tailer.
 */
class JournalExportCommandTest
{
    private static final ParameterRegistry SIM_V1 = ParameterRegistry.simV1();
    private static final int RPM = 1;
    private static final int SPEED = 3;
    private static final int TORQUE = 4;
    private static final int GEAR = 6;
    private static final int DRS_OPEN = 10;
    private static final int ENGINE_MAP = 20; // restricted in sim.v1
    private static final long HOUR_14_US = 1_796_306_400_000_000L; // 2026-12-03T14:00:00Z

    @TempDir
    Path dir;

    @Test
    void shouldExportTheSampleSessionSoThatDuckDbReadsEveryJournalValueBack() throws Exception
    {
        final Path data = dir.resolve("demo");
        final CliRun demo = CliRun.of("demo", "--rows", "3000", "--data-dir", data.toString());
        assertEquals(0, demo.exitCode(), demo.err());
        final Path journal = data.resolve("journal");
        final Path out = dir.resolve("export");

        final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", out.toString());

        assertEquals(0, run.exitCode(), run.err());
        final List<JournalFrame> frames = readJournal(journal);
        assertEquals(3_000, frames.size());
        assertTrue(run.out().contains("exported 3,000 frames"), run.out());
        assertTrue(run.out().contains("left out 8 restricted or internal channels"), run.out());
        final List<Path> files = files(out.resolve("runs"), ".parquet");
        assertEquals(1, files.size(), files.toString());
        try (Connection duck = duckDb())
        {
            assertRowsEqualJournal(duck, "read_parquet('" + out.resolve("runs") + "/*/*.parquet')", frames, false,
                false);
            final Map<String, String> footer = footer(duck, files.get(0));
            assertEquals(PitgunVersion.version(), footer.get("pitgun.version"));
            assertEquals(PitgunVersion.commit(), footer.get("pitgun.build_commit"));
            assertEquals(frames.get(0).session, footer.get("pitgun.session"));
            assertEquals(files.get(0).getParent().getFileName().toString(), footer.get("pitgun.session"));
            assertEquals("frames", footer.get("pitgun.table"));
            assertEquals("sim.v1", footer.get("pitgun.dictionary_name"));
            assertEquals(DictionaryDigest.sha256Hex(SIM_V1), footer.get("pitgun.dictionary_sha256"));
            assertEquals(Long.toString(frames.get(0).index), footer.get("pitgun.journal_first_index"));
            assertEquals(Long.toString(frames.get(frames.size() - 1).index), footer.get("pitgun.journal_last_index"));
            assertEquals("false", footer.get("pitgun.includes_restricted"));
            assertTrue(frames.stream().allMatch(f -> f.eventId != null), "the demo sends envelopes: events");
            assertNull(footer.get("pitgun.manifest_sha256"), "no manifest was run");
            final java.time.Instant exportedAt = java.time.Instant.parse(footer.get("pitgun.exported_at"));
            assertTrue(exportedAt.isAfter(java.time.Instant.now().minusSeconds(600)), exportedAt.toString());
        }

        // Rotation by size: 64 KiB files, each holding the journal range after the previous one's.
        final Path small = dir.resolve("small");
        final CliRun rotated = CliRun.of("journal", "export", journal.toString(), "--out", small.toString(),
            "--max-file-bytes", "65536");
        assertEquals(0, rotated.exitCode(), rotated.err());
        final List<Path> smallFiles = files(small.resolve("runs"), ".parquet");
        assertTrue(smallFiles.size() > 3, smallFiles.toString());
        try (Connection duck = duckDb())
        {
            assertRowsEqualJournal(duck, "read_parquet('" + small.resolve("runs") + "/*/*.parquet')", frames, false,
                false);
            long next = frames.get(0).index;
            for (final Path file : smallFiles.stream().sorted((a, b) -> Long.compare(
                firstIndex(duck, a), firstIndex(duck, b))).toList())
            {
                assertTrue(Files.size(file) <= 2 * 65536, file + ": " + Files.size(file) + " bytes");
                final Map<String, String> footer = footer(duck, file);
                assertEquals(Long.toString(firstIndex(duck, file)), footer.get("pitgun.journal_first_index"));
                assertTrue(Long.parseLong(footer.get("pitgun.journal_first_index")) >= next, file.toString());
                next = Long.parseLong(footer.get("pitgun.journal_last_index")) + 1;
            }
        }
    }

    @Test
    void shouldPartitionBySessionAndHourRotateByRowsAndLeaveAbsentChannelsNull() throws Exception
    {
        final Path journal = syntheticJournal(dir.resolve("journal"));
        final List<JournalFrame> frames = readJournal(journal);
        final Path out = dir.resolve("export");

        final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", out.toString(),
            "--max-file-rows", "100");

        assertEquals(0, run.exitCode(), run.err());
        final Map<String, List<JournalFrame>> bySession =
            frames.stream().collect(Collectors.groupingBy(f -> f.session, TreeMap::new, Collectors.toList()));
        assertEquals(2, bySession.size());
        final List<Path> files = files(out.resolve("runs"), ".parquet");
        final String sessionA = bySession.keySet().stream().filter(s -> bySession.get(s).size() == 450).findFirst()
            .orElseThrow();
        // Session A: 250 frames in 13:xx (100 + 100 + 50) and 200 in 14:xx (100 + 100); session B: 150 in 14:xx.
        final List<String> expectedNamesA = List.of("2026-12-03T13.1.parquet", "2026-12-03T13.2.parquet",
            "2026-12-03T13.parquet", "2026-12-03T14.1.parquet", "2026-12-03T14.parquet");
        assertEquals(expectedNamesA, names(out.resolve("runs").resolve(sessionA)));
        try (Connection duck = duckDb())
        {
            long total = 0;
            for (final Path file : files)
            {
                final String session = file.getParent().getFileName().toString();
                final String hour = file.getFileName().toString().substring(0, "2026-12-03T14".length());
                try (ResultSet rs = query(duck, "SELECT count(*), count(DISTINCT session_id), min(session_id), " +
                    "min(strftime(timestamp_us AT TIME ZONE 'UTC', '%Y-%m-%dT%H')), " +
                    "max(strftime(timestamp_us AT TIME ZONE 'UTC', '%Y-%m-%dT%H')) FROM read_parquet('" + file + "')"))
                {
                    rs.next();
                    assertTrue(rs.getLong(1) > 0 && rs.getLong(1) <= 100, file + ": " + rs.getLong(1) + " rows");
                    assertEquals(1, rs.getLong(2), file.toString());
                    assertEquals(session, rs.getString(3));
                    assertEquals(hour, rs.getString(4), file.toString());
                    assertEquals(hour, rs.getString(5), file.toString());
                    total += rs.getLong(1);
                }
                final Map<String, String> footer = footer(duck, file);
                assertEquals(session, footer.get("pitgun.session"));
                try (ResultSet rs = query(duck, "SELECT min(journal_index), max(journal_index) FROM read_parquet('" +
                    file + "')"))
                {
                    rs.next();
                    assertEquals(Long.toString(rs.getLong(1)), footer.get("pitgun.journal_first_index"), file.toString());
                    assertEquals(Long.toString(rs.getLong(2)), footer.get("pitgun.journal_last_index"), file.toString());
                }
            }
            assertEquals(frames.size(), total);
            final String all = "read_parquet('" + out.resolve("runs") + "/*/*.parquet')";
            assertRowsEqualJournal(duck, all, frames, false, false);
            try (ResultSet rs = query(duck, "SELECT count(*) FILTER (WHERE Speed IS NULL), " +
                "count(*) FILTER (WHERE Gear IS NULL) FROM " + all))
            {
                rs.next();
                assertEquals(frames.stream().filter(f -> !f.samples.containsKey(SPEED)).count(), rs.getLong(1));
                assertEquals(frames.stream().filter(f -> !f.samples.containsKey(GEAR)).count(), rs.getLong(2));
                assertTrue(rs.getLong(1) > 0 && rs.getLong(2) > 0);
            }
            assertFalse(columns(duck, all).contains("Engine_Map"), "restricted channels stay out by default");
            assertFalse(Files.exists(out.resolve("derived")));
        }

        final Path withRestricted = dir.resolve("restricted");
        final CliRun restricted = CliRun.of("journal", "export", journal.toString(), "--out",
            withRestricted.toString(), "--include-restricted", "--session", sessionA);
        assertEquals(0, restricted.exitCode(), restricted.err());
        try (Connection duck = duckDb())
        {
            final String all = "read_parquet('" + withRestricted.resolve("runs") + "/*/*.parquet')";
            assertEquals(List.of(sessionA), names(withRestricted.resolve("runs")));
            assertRowsEqualJournal(duck, all, bySession.get(sessionA), true, false);
        }
    }

    /**
     * Two sources of one session whose clocks are 100 ms apart straddle 14:00, their frames interleaved: one file per
     * hour, not one per flip between the hours (the export had written 20). And more sessions than files may be open
     * at once, each ended by its session.end or not: every frame exported once.
     */
    @Test
    void shouldWriteOneFilePerHourWhenSourcesStraddleItAndBoundOpenFilesOverManySessions() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(writeManifest(dir))
            .config(PipelineConfig.builder().journalDirectory(journal).ackMode(AckMode.JOURNALED).build()).build();
        final UUID straddling = UUID.randomUUID();
        final int sessions = 300; // more than the 256 files the export keeps open at once
        try
        {
            final UUID player = UUID.randomUUID();
            final FrameWriter first = pipeline.newFrameWriter(straddling, player, 1);
            final FrameWriter second = pipeline.newFrameWriter(straddling, player, 2);
            for (int i = 0; i < 200; i++)
            {
                frame(first, i, HOUR_14_US - 1_000_000L + i * 10_000L);
                frame(second, i, HOUR_14_US - 900_000L + i * 10_000L);
            }
            final List<FrameWriter> many = new ArrayList<>();
            for (int s = 0; s < sessions; s++)
            {
                many.add(pipeline.newFrameWriter(UUID.randomUUID(), player, 3));
            }
            for (int i = 0; i < 3; i++) // round robin: every session stays open while the others write
            {
                for (final FrameWriter writer : many)
                {
                    frame(writer, i, HOUR_14_US + 10_000_000L + i * 10_000L);
                }
            }
            for (int s = 0; s < sessions; s += 2)
            {
                many.get(s).sessionEnd(HOUR_14_US + 20_000_000L, "end");
            }
        }
        finally
        {
            pipeline.close();
        }
        final Path out = dir.resolve("export");

        final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", out.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(List.of("2026-12-03T13.parquet", "2026-12-03T14.parquet"),
            names(out.resolve("runs").resolve(straddling.toString())));
        try (Connection duck = duckDb())
        {
            assertRowsEqualJournal(duck, "read_parquet('" + out.resolve("runs") + "/*/*.parquet')",
                readJournal(journal), false, false);
        }
    }

    /** One frame is "1 frame", one file "1 file" (it said "exported 1 frames"). */
    @Test
    void shouldCountOneFrameInTheSingular() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(writeManifest(dir))
            .config(PipelineConfig.builder().journalDirectory(journal).ackMode(AckMode.JOURNALED).build()).build();
        try
        {
            frame(pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 1), 1, HOUR_14_US);
        }
        finally
        {
            pipeline.close();
        }

        final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", dir.resolve("csv").toString(),
            "--format", "csv");

        assertEquals(0, run.exitCode(), run.err());
        // The frame, the ManifestLoaded and the PipelineDrained entries.
        assertTrue(run.out().startsWith("exported 1 frame (3 messages read) into 1 file under "), run.out());
    }

    @Test
    void shouldWriteTheSameColumnsAsCsvPartitionedTheSameWay() throws Exception
    {
        final Path journal = syntheticJournal(dir.resolve("journal"));
        final List<JournalFrame> frames = readJournal(journal);
        final Path out = dir.resolve("csv");

        final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", out.toString(), "--format",
            "csv");

        assertEquals(0, run.exitCode(), run.err());
        final List<Path> files = files(out.resolve("runs"), ".csv");
        assertEquals(3, files.size(), files.toString()); // session A in two hours, session B in one
        final List<String> parquetColumns;
        final Path parquet = dir.resolve("parquet");
        assertEquals(0, CliRun.of("journal", "export", journal.toString(), "--out", parquet.toString()).exitCode());
        try (Connection duck = duckDb())
        {
            parquetColumns = columns(duck, "read_parquet('" + parquet.resolve("runs") + "/*/*.parquet')");
            final String csv = "read_csv('" + out.resolve("runs") + "/*/*.csv', header = true, all_varchar = true)";
            assertEquals(parquetColumns, columns(duck, csv));
            assertRowsEqualJournal(duck, csv, frames, false, true);
        }
    }

    @Test
    void shouldExportTheManifestsDerivedFramesAsTheirOwnTable() throws Exception
    {
        final Path journal = syntheticJournal(dir.resolve("journal"));
        final List<JournalFrame> frames = readJournal(journal);
        final String manifestText = String.join("\n",
            "version: v1",
            "name: export-power",
            "pipeline:",
            "  - type: filter",
            "    where: \"Speed > 120\"",
            "  - type: formula",
            "    derived_channels:",
            "      - { name: Power_kW, expr: \"Torque_Nm * Engine_RPM / 9549.0\", unit: kW }",
            "      - { name: Map_Copy, expr: \"Engine_Map * 1.0\" }",
            "      - { name: Mguk_Copy, expr: \"MGUK_Power * 1.0\" }",
            "  - type: output",
            "    contracts: [pitgun-envelope/v1]",
            "");
        final Path manifest = dir.resolve("power.yaml");
        Files.writeString(manifest, manifestText);
        final Path out = dir.resolve("export");

        final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", out.toString(), "--manifest",
            manifest.toString());

        assertEquals(0, run.exitCode(), run.err());
        // The filter drops whole frames ("where" false or absent), so derived frames are fewer than journal frames.
        final List<JournalFrame> kept = frames.stream()
            .filter(f -> f.samples.containsKey(SPEED) && Double.longBitsToDouble(f.samples.get(SPEED)) > 120).toList();
        assertTrue(kept.size() > 0 && kept.size() < frames.size());
        final String manifestSha256 = HexFormat.of().formatHex(
            MessageDigest.getInstance("SHA-256").digest(manifestText.getBytes(StandardCharsets.UTF_8)));
        try (Connection duck = duckDb())
        {
            assertRowsEqualJournal(duck, "read_parquet('" + out.resolve("runs") + "/*/*.parquet')", frames, false,
                false);
            final String derived = "read_parquet('" + out.resolve("derived") + "/*/*.parquet')";
            final List<Long> power = new ArrayList<>();
            try (ResultSet rs = query(duck, "SELECT session_id, source_id, sequence, epoch_us(timestamp_us), Power_kW " +
                "FROM " + derived + " ORDER BY session_id, sequence"))
            {
                while (rs.next())
                {
                    power.add(Double.doubleToRawLongBits(rs.getDouble(5)));
                }
            }
            final List<Long> expected = kept.stream()
                .filter(f -> f.samples.containsKey(TORQUE) && f.samples.containsKey(RPM))
                .sorted((a, b) -> a.session.equals(b.session) ? Long.compare(a.sequence, b.sequence) :
                    a.session.compareTo(b.session))
                .map(f -> Double.doubleToRawLongBits(
                    Double.longBitsToDouble(f.samples.get(TORQUE)) * (double)f.samples.get(RPM) / 9549.0))
                .toList();
            assertEquals(kept.size(), power.size(), "one derived row per frame the filter kept");
            // Every synthetic frame carries Torque_Nm and Engine_RPM: Power_kW is never absent, and bit-exact.
            assertEquals(expected, power);
            // Derived from a restricted (Engine_Map) and an internal (MGUK_Power) channel: their values tell about
            // them, so they stay out by default as those channels do.
            final List<String> derivedColumns = columns(duck, derived);
            assertFalse(derivedColumns.contains("Map_Copy"), derivedColumns.toString());
            assertFalse(derivedColumns.contains("Mguk_Copy"), derivedColumns.toString());
            assertTrue(derivedColumns.contains("Power_kW"), derivedColumns.toString());
            // The journal holds frames only (no session markers): the selection runs from its first frame to its last.
            final long firstIndex = frames.get(0).index();
            final long lastIndex = frames.get(frames.size() - 1).index();
            for (final Path file : files(out.resolve("derived"), ".parquet"))
            {
                final Map<String, String> footer = footer(duck, file);
                assertEquals(Long.toString(firstIndex), footer.get("pitgun.journal_first_index"), file.toString());
                assertEquals(Long.toString(lastIndex), footer.get("pitgun.journal_last_index"), file.toString());
                assertEquals("derived", footer.get("pitgun.table"));
                assertEquals("export-power", footer.get("pitgun.manifest_name"));
                assertEquals(manifestSha256, footer.get("pitgun.manifest_sha256"));
                assertEquals(file.getParent().getFileName().toString(), footer.get("pitgun.session"));
            }
            for (final Path file : files(out.resolve("runs"), ".parquet"))
            {
                assertEquals(manifestSha256, footer(duck, file).get("pitgun.manifest_sha256"));
            }
        }
        assertTrue(run.out().contains("derived " + String.format("%,d", kept.size()) + " frames through export-power"),
            run.out());
    }

    /**
     * More (session, source) streams at once than {@code max_sources}: the manifest's pipeline drops the frames of the
     * streams beyond it, deriving nothing from them. The derived table lacked them without a word (a gateway's journal
     * of 300 sessions at once: 3,840 derived rows of 18,000 frames, and the summary said nothing); now it says so.
     * The run's own settings ({@code --config}) give it the room (before, export had no {@code --config}).
     */
    @Test
    void shouldSayHowManyFramesDerivedNothingForStreamsBeyondMaxSources() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final int sessions = PipelineConfig.DEFAULT_MAX_SOURCES + 1;
        final int framesEach = 3;
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(writeManifest(dir))
            .config(PipelineConfig.builder().journalDirectory(journal).ackMode(AckMode.JOURNALED).build()).build();
        try
        {
            final List<FrameWriter> writers = new ArrayList<>();
            for (int s = 0; s < sessions; s++)
            {
                writers.add(pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 1));
            }
            for (int i = 0; i < framesEach; i++) // round robin over one second: no stream is idle
            {
                for (final FrameWriter writer : writers)
                {
                    frame(writer, i, HOUR_14_US + i * 10_000L);
                }
            }
        }
        finally
        {
            pipeline.close();
        }
        final Path manifest = dir.resolve("power.yaml");
        Files.writeString(manifest, String.join("\n", "version: v1", "name: power", "pipeline:", "  - type: formula",
            "    derived_channels:", "      - { name: Power_kW, expr: \"Torque_Nm * Engine_RPM / 9549.0\" }",
            "  - type: output", "    contracts: [pitgun-envelope/v1]", ""));

        final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", dir.resolve("export").toString(),
            "--manifest", manifest.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains(String.format("exported %d frames", sessions * framesEach)), run.out());
        assertTrue(run.out().contains(String.format("derived %d frames through power",
            (sessions - 1) * framesEach)), run.out());
        assertTrue(run.out().contains(String.format("derived nothing from %d frames: more (session, source) streams " +
            "at once than max_sources (%d;", framesEach, PipelineConfig.DEFAULT_MAX_SOURCES)), run.out());

        // With the run's settings (--config, as journal replay takes it) the manifest's pipeline has room for all.
        final Path config = dir.resolve("pipeline.yaml");
        Files.writeString(config, "max_sources: " + 2 * sessions + "\n");
        final CliRun configured = CliRun.of("journal", "export", journal.toString(), "--out",
            dir.resolve("export-configured").toString(), "--manifest", manifest.toString(), "--config",
            config.toString());

        assertEquals(0, configured.exitCode(), configured.err());
        assertTrue(configured.out().contains(String.format("derived %d frames through power", sessions * framesEach)),
            configured.out());
        assertFalse(configured.out().contains("derived nothing"), configured.out());
        final CliRun withoutManifest = CliRun.of("journal", "export", journal.toString(), "--out",
            dir.resolve("export-refused").toString(), "--config", config.toString());
        assertEquals(CliErrorHandler.USAGE, withoutManifest.exitCode(), withoutManifest.out());
        assertTrue(withoutManifest.err().contains("--config sets the pipeline of --manifest"), withoutManifest.err());
    }

    /**
     * A dictionary whose channel is named as an identity column ({@code sequence}): the export called every entry
     * damaged ("skipped 10 damaged entries ... incompatible types: optional int32 sequence") and wrote nothing, though
     * the journal is whole. It is refused now, naming the channel, before any file is written.
     */
    @Test
    void shouldRefuseAChannelNamedAsAnIdentityColumn() throws Exception
    {
        final Path dictionary = dir.resolve("odd.v1.yaml");
        final Path journal = journalWithAChannelNamedSequence(dictionary);
        final Path out = dir.resolve("export");

        final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", out.toString(),
            "--dictionary", dictionary.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("channel 'sequence' has the name of an identity column"), run.err());
        assertFalse(run.err().contains("damaged"), run.err());
        assertFalse(Files.exists(out.resolve("runs")), "nothing written");
    }

    /**
     * The same journal exported as CSV: a CSV file takes a channel named as an identity column (two columns of one
     * name, told apart by position), so it is not refused. Before, the refusal meant for Parquet refused the CSV
     * export too (exit 1), which had exported the frame.
     */
    @Test
    void shouldExportAChannelNamedAsAnIdentityColumnToCsv() throws Exception
    {
        final Path dictionary = dir.resolve("odd.v1.yaml");
        final Path journal = journalWithAChannelNamedSequence(dictionary);
        final Path out = dir.resolve("export");

        final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", out.toString(),
            "--dictionary", dictionary.toString(), "--format", "csv");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("exported 1 frame"), run.out());
    }

    /** A journal of one frame written with {@code dictionary}: sim.v1 with Engine_RPM named {@code sequence}. */
    private Path journalWithAChannelNamedSequence(final Path dictionary) throws Exception
    {
        try (InputStream sim = ParameterRegistry.class.getResourceAsStream("/dictionaries/sim.v1.yaml"))
        {
            Files.writeString(dictionary, new String(sim.readAllBytes(), StandardCharsets.UTF_8)
                .replaceFirst("name: sim.v1", "name: odd.v1").replaceFirst("name: Engine_RPM", "name: sequence"));
        }
        final Path journal = dir.resolve("journal");
        final Path writer = dir.resolve("odd-writer.yaml");
        Files.writeString(writer, String.join("\n", "version: v1", "name: odd-writer", "dictionary: odd.v1",
            "pipeline:", "  - type: formula", "    derived_channels:", "      - { name: Half, expr: \"Speed / 2\" }",
            ""));
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().dictionary(ParameterRegistry.load(dictionary))
            .manifest(writer).config(PipelineConfig.builder().journalDirectory(journal).ackMode(AckMode.JOURNALED)
                .build()).build();
        try
        {
            frame(pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 1), 1, HOUR_14_US);
        }
        finally
        {
            pipeline.close();
        }
        return journal;
    }

    @Test
    void shouldLeaveOutDerivedIntegerValuesTheirDeclaredTypeCannotHold() throws Exception
    {
        final Path journal = syntheticJournal(dir.resolve("journal"));
        final List<JournalFrame> frames = readJournal(journal);
        // Speed is 100 to 183.3 km/h: 2 x Speed passes a u8's 255 above 127.5, -Speed an i8's -128 below -128.5.
        final Path manifest = dir.resolve("int-types.yaml");
        Files.writeString(manifest, String.join("\n",
            "version: v1",
            "name: int-types",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - { name: U8_Z, expr: \"round(Speed * 2)\", data_type: u8 }",
            "      - { name: I8_V, expr: \"round(0 - Speed)\", data_type: i8 }",
            "  - type: output",
            "    contracts: [pitgun-envelope/v1]",
            ""));
        final List<JournalFrame> withSpeed = frames.stream().filter(f -> f.samples.containsKey(SPEED)).toList();
        final long u8Fits = withSpeed.stream().filter(f -> speedOf(f) * 2 < 255.5).count();
        final long i8Fits = withSpeed.stream().filter(f -> -speedOf(f) >= -128.5).count();
        assertTrue(u8Fits > 0 && u8Fits < withSpeed.size() && i8Fits > 0 && i8Fits < withSpeed.size());
        final long outOfType = withSpeed.size() - u8Fits + withSpeed.size() - i8Fits;
        final Path out = dir.resolve("export");

        final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", out.toString(), "--manifest",
            manifest.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains(String.format("left out %,d derived samples outside their data_type", outOfType)),
            run.out());
        try (Connection duck = duckDb())
        {
            final String derived = "read_parquet('" + out.resolve("derived") + "/*/*.parquet')";
            try (ResultSet rs = query(duck, "SELECT count(U8_Z), min(U8_Z), max(U8_Z), count(I8_V), min(I8_V), " +
                "max(I8_V), count(*) FROM " + derived))
            {
                assertTrue(rs.next());
                assertEquals(u8Fits, rs.getLong(1), "a u8 value is null where 2 x Speed does not fit");
                assertTrue(rs.getLong(2) >= 0 && rs.getLong(3) <= 255, rs.getLong(2) + ".." + rs.getLong(3));
                assertEquals(i8Fits, rs.getLong(4), "an i8 value is null where -Speed does not fit");
                assertTrue(rs.getLong(5) >= -128 && rs.getLong(6) <= 127, rs.getLong(5) + ".." + rs.getLong(6));
                assertEquals(frames.size(), rs.getLong(7), "the rest of each frame is kept");
            }
        }

        // journal replay runs the same engine: the values are left out of the JSON lines, and counted.
        final Path lines = dir.resolve("replayed.jsonl");
        final CliRun replay = CliRun.of("journal", "replay", journal.toString(), "--manifest", manifest.toString(),
            "--out", lines.toString());
        assertEquals(0, replay.exitCode(), replay.err());
        assertTrue(replay.out().contains("derived samples left out, outside their data_type: " + outOfType),
            replay.out());
        long u8Lines = 0;
        long i8Lines = 0;
        for (final String line : Files.readAllLines(lines))
        {
            final java.util.regex.Matcher u8 = java.util.regex.Pattern.compile("\"U8_Z\":(-?\\d+)").matcher(line);
            final java.util.regex.Matcher i8 = java.util.regex.Pattern.compile("\"I8_V\":(-?\\d+)").matcher(line);
            if (u8.find())
            {
                u8Lines++;
                final long v = Long.parseLong(u8.group(1));
                assertTrue(v >= 0 && v <= 255, line);
            }
            if (i8.find())
            {
                i8Lines++;
                final long v = Long.parseLong(i8.group(1));
                assertTrue(v >= -128 && v <= 127, line);
            }
        }
        assertEquals(u8Fits, u8Lines);
        assertEquals(i8Fits, i8Lines);
    }

    @Test
    void shouldLeaveOutJournalIntegerValuesTheirChannelsTypeCannotHoldInEveryFormat() throws Exception
    {
        // validate_parameters: false journals what it is given: Engine_RPM (u16) 400,000 and Gear (i8) 2^62. Before,
        // the Parquet export narrowed them into their columns (6,784 and 0) while CSV, dump and replay said 400,000.
        final Path journal = dir.resolve("journal");
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(writeManifest(dir))
            .config(PipelineConfig.builder().journalDirectory(journal).validateParameters(false).build()).build();
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 1);
            writer.begin(0, HOUR_14_US).putLong(RPM, 400_000).putLong(GEAR, 1L << 62).putDouble(SPEED, 100).commit();
            writer.begin(1, HOUR_14_US + 10_000).putLong(RPM, 65_535).putLong(GEAR, -128).putDouble(SPEED, 101)
                .commit();
        }
        finally
        {
            pipeline.close();
        }
        for (final String format : new String[] {"parquet", "csv"})
        {
            final Path out = dir.resolve("export-" + format);
            final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", out.toString(),
                "--format", format);
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("left out 2 samples outside their channel's type (empty in their row)"),
                run.out());
            try (Connection duck = duckDb();
                ResultSet rs = query(duck, "SELECT sequence, Engine_RPM, Gear, Speed FROM " + ("parquet".equals(format)
                    ? "read_parquet('" + out.resolve("runs") + "/*/*.parquet')"
                    : "read_csv_auto('" + out.resolve("runs") + "/*/*.csv')") + " ORDER BY sequence"))
            {
                assertTrue(rs.next());
                assertNull(rs.getObject(2), format + ": 400,000 in a u16 column");
                assertNull(rs.getObject(3), format + ": 2^62 in an i8 column");
                assertEquals(100.0, rs.getDouble(4), format + ": the rest of the frame is kept");
                assertTrue(rs.next());
                assertEquals(65_535, rs.getLong(2), format);
                assertEquals(-128, rs.getLong(3), format);
                assertFalse(rs.next());
            }
        }
    }

    private static double speedOf(final JournalFrame frame)
    {
        return Double.longBitsToDouble(frame.samples.get(SPEED));
    }

    @Test
    void shouldSelectByTimeAndRefuseToOverwriteAnEarlierExport() throws Exception
    {
        final Path journal = syntheticJournal(dir.resolve("journal"));
        final List<JournalFrame> frames = readJournal(journal);
        final Path out = dir.resolve("export");

        final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", out.toString(), "--from",
            "2026-12-03T14:00:00Z");

        assertEquals(0, run.exitCode(), run.err());
        final List<JournalFrame> fromFourteen = frames.stream().filter(f -> f.timestampUs >= HOUR_14_US).toList();
        try (Connection duck = duckDb())
        {
            assertRowsEqualJournal(duck, "read_parquet('" + out.resolve("runs") + "/*/*.parquet')", fromFourteen,
                false, false);
        }
        final CliRun again = CliRun.of("journal", "export", journal.toString(), "--out", out.toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("2026-12-03T14.parquet") && again.err().contains("earlier export"),
            again.err());
        final CliRun badTime = CliRun.of("journal", "export", journal.toString(), "--out", out.toString(), "--to",
            "yesterday");
        assertEquals(CliErrorHandler.USAGE, badTime.exitCode());
        assertTrue(badTime.err().contains("--to: expected a journal index or an ISO-8601 time"), badTime.err());
    }

    /**
     * An index too large for a journal says which option and what it takes. Before, only
     * {@code For input string: "999999999999999999999"}.
     */
    @Test
    void shouldNameTheOptionOfAnIndexTooLarge() throws Exception
    {
        final Path journal = syntheticJournal(dir.resolve("journal"));
        for (final String option : new String[] {"--from", "--to"})
        {
            final Path out = dir.resolve("export" + option);
            final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", out.toString(), option,
                "999999999999999999999");

            assertEquals(CliErrorHandler.USAGE, run.exitCode(), run.out() + run.err());
            assertEquals("pitgun journal export: " + option + ": journal index 999999999999999999999 is too large " +
                "(at most 9223372036854775807); expected a journal index or an ISO-8601 time such as " +
                "2026-12-03T14:00:00Z", run.err().lines().findFirst().orElse(""), "then the usage");
            assertFalse(Files.exists(out), "nothing written");
        }
    }

    @Test
    void shouldRefuseAFromLaterThanTheToRatherThanExportNothing() throws Exception
    {
        final Path journal = syntheticJournal(dir.resolve("journal"));
        final String[][] reversed = {
            {"2026-12-03T14:00:01Z", "2026-12-03T14:00:00Z", "--from 2026-12-03T14:00:01Z is after --to 2026-12-03T14:00:00Z"},
            {"9", "3", "--from 9 is after --to 3"},
        };
        for (final String[] range : reversed)
        {
            final Path out = dir.resolve("export-" + range[0].replace(':', '-'));
            final CliRun run = CliRun.of("journal", "export", journal.toString(), "--out", out.toString(), "--from",
                range[0], "--to", range[1]);

            assertEquals(CliErrorHandler.USAGE, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().startsWith("pitgun journal export: " + range[2]), run.err());
            assertFalse(Files.exists(out), "nothing written");
        }
        // Equal ends select one instant (both ends are included), and an index and a time do not compare.
        assertEquals(0, CliRun.of("journal", "export", journal.toString(), "--out", dir.resolve("one").toString(),
            "--from", "2026-12-03T14:00:00Z", "--to", "2026-12-03T14:00:00Z").exitCode());
        assertEquals(0, CliRun.of("journal", "export", journal.toString(), "--out", dir.resolve("mixed").toString(),
            "--from", "9", "--to", "2026-12-03T14:00:00Z").exitCode());
    }

    /**
     * Two sessions: A has 450 frames from 13:59:57.500 at 100 Hz (250 before 14:00, 200 after), B 150 frames after
     * 14:00. Speed is missing from every 3rd frame and Gear from every 5th; Engine_Map (restricted) is in every 4th.
     */
    private static Path syntheticJournal(final Path journal) throws Exception
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(writeManifest(journal.getParent()))
            .config(PipelineConfig.builder().journalDirectory(journal).ackMode(AckMode.JOURNALED).build()).build();
        try
        {
            final FrameWriter a = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 1);
            final FrameWriter b = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 2);
            for (int i = 0; i < 450; i++)
            {
                frame(a, i, HOUR_14_US - 2_500_000L + i * 10_000L);
                if (i >= 300)
                {
                    frame(b, i - 300, HOUR_14_US + 500_000L + i * 10_000L);
                }
            }
        }
        finally
        {
            pipeline.close();
        }
        return journal;
    }

    private static void frame(final FrameWriter writer, final int i, final long timestampUs)
    {
        writer.begin(i, timestampUs).lapNumber(1 + i / 200);
        writer.putLong(RPM, 8_000 + i % 500).putDouble(TORQUE, 250.125 + i % 7 * 0.3);
        if (i % 3 != 0)
        {
            writer.putDouble(SPEED, 100 + i % 50 * 1.7);
        }
        if (i % 5 != 0)
        {
            writer.putLong(GEAR, 1 + i % 8);
        }
        if (i % 4 == 0)
        {
            writer.putLong(ENGINE_MAP, 1 + i % 3);
        }
        writer.putBoolean(DRS_OPEN, i % 2 == 1); // a bool channel takes a boolean (a number is refused)
        writer.commit();
    }

    private static Path writeManifest(final Path directory) throws Exception
    {
        Files.createDirectories(directory);
        final Path manifest = directory.resolve("journal-writer.yaml");
        Files.writeString(manifest, String.join("\n", "version: v1", "name: writer", "pipeline:", "  - type: formula",
            "    derived_channels:", "      - { name: Power_kW, expr: \"Torque_Nm * Engine_RPM / 9549.0\", unit: kW }", ""));
        return manifest;
    }

    /** One frame of the journal as a plain reader sees it. */
    record JournalFrame(long index, long timestampUs, String session, String player, int sourceId,
        long sequence, Integer lapNumber, Integer sector, int flags, String eventId, int eventFrame, int eventFrames,
        Map<Integer, Long> samples)
    {
    }

    static List<JournalFrame> readJournal(final Path journalDir)
    {
        final List<JournalFrame> frames = new ArrayList<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final TelemetryFrameDecoder frame = new TelemetryFrameDecoder();
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir));
             JournalTailer tailer = journal.tailer())
        {
            while (tailer.readNext(new JournalEntryHandler()
            {
                @Override
                public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
                    final long ingestTimeNs)
                {
                    fail("the tailer gives every message its event identity");
                }

                @Override
                public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
                    final long ingestTimeNs, final JournalEventStamp stamp)
                {
                header.wrap(buffer, offset);
                if (header.templateId() != TelemetryFrameDecoder.TEMPLATE_ID)
                {
                    return;
                }
                frame.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
                    header.version());
                final Map<Integer, Long> samples = new HashMap<>();
                final String session = new UUID(frame.sessionId().mostSigBits(), frame.sessionId().leastSigBits())
                    .toString();
                final String player = new UUID(frame.producerId().mostSigBits(), frame.producerId().leastSigBits())
                    .toString();
                final long sequence = frame.sequence();
                final long timestampUs = frame.timestampUs();
                final int sourceId = frame.sourceId();
                final int lap = frame.lapNumber();
                final int sector = frame.sector();
                final int flags = buffer.getByte(offset + FrameDescriptor.FLAGS) & 0xFF;
                for (final TelemetryFrameDecoder.SamplesDecoder sample : frame.samples())
                {
                    samples.put(sample.parameterId(), sample.value());
                }
                frames.add(new JournalFrame(index, timestampUs, session, player, sourceId, sequence,
                    lap == TelemetryFrameDecoder.lapNumberNullValue() ? null : lap,
                    sector == TelemetryFrameDecoder.sectorNullValue() ? null : sector, flags, stamp.eventId(),
                    stamp.frameOrdinal(), stamp.frameCount(), samples));
                }
            }))
            {
                // every entry
            }
        }
        return frames;
    }

    /**
     * Compares every row of {@code table} (ordered by journal index) with the journal's frames: identity columns,
     * and every dictionary channel column (restricted ones only when exported) — bit-exact for Parquet, through
     * the text CSV holds (floats as their shortest text) for CSV; null exactly where the frame lacks the channel.
     */
    static void assertRowsEqualJournal(final Connection duck, final String table,
        final List<JournalFrame> frames, final boolean restrictedIncluded, final boolean csv) throws SQLException
    {
        final List<String> columns = columns(duck, table);
        final String order = csv ? "CAST(journal_index AS BIGINT)" : "journal_index";
        final String time = csv ? "CAST(timestamp_us AS BIGINT)" : "epoch_us(timestamp_us)";
        try (ResultSet rs = query(duck, "SELECT " + time + " AS t, * FROM " + table + " ORDER BY " + order))
        {
            int row = 0;
            while (rs.next())
            {
                assertTrue(row < frames.size(), "more rows than journal frames");
                final JournalFrame frame = frames.get(row++);
                final String at = "journal index " + frame.index;
                assertEquals(frame.index, Long.parseLong(rs.getString("journal_index")), at);
                assertEquals(frame.timestampUs, rs.getLong("t"), at);
                assertEquals(frame.session, rs.getString("session_id"), at);
                assertEquals(frame.player, rs.getString("player_id"), at);
                assertEquals(frame.sourceId, Integer.parseInt(rs.getString("source_id")), at);
                assertEquals(Long.toUnsignedString(frame.sequence), rs.getString("sequence"), at);
                assertEquals(frame.lapNumber == null ? null : frame.lapNumber.toString(), rs.getString("lap_number"),
                    at);
                assertEquals(frame.sector == null ? null : frame.sector.toString(), rs.getString("sector"), at);
                assertEquals(frame.flags, Integer.parseInt(rs.getString("flags")), at);
                assertEquals(frame.eventId, rs.getString("event_id"), at);
                if (frame.eventId != null)
                {
                    assertEquals(frame.eventFrame, Integer.parseInt(rs.getString("event_frame")), at);
                    assertEquals(frame.eventFrames, Integer.parseInt(rs.getString("event_frames")), at);
                }
                else
                {
                    assertNull(rs.getString("event_frame"), at);
                }
                for (final ParameterDefinition channel : SIM_V1.parameters())
                {
                    final boolean exported = channel.access() == io.pitgun.codecs.dictionary.AccessLevel.PUBLIC ||
                        restrictedIncluded;
                    assertEquals(exported, columns.contains(channel.name()), channel.name());
                    if (!exported)
                    {
                        continue;
                    }
                    final Long bits = frame.samples.get(channel.id());
                    final String where = at + ", " + channel.name();
                    if (bits == null)
                    {
                        assertNull(rs.getObject(channel.name()), where + ": absent in the frame, so null");
                        continue;
                    }
                    assertNotNull(rs.getObject(channel.name()), where);
                    assertValue(channel.dataType(), bits, rs, channel.name(), csv, where);
                }
            }
            assertEquals(frames.size(), row, "one row per journal frame");
        }
    }

    private static void assertValue(final DataType type, final long bits, final ResultSet rs, final String column,
        final boolean csv, final String where) throws SQLException
    {
        switch (type)
        {
            case F64:
                if (csv)
                {
                    assertEquals(Double.longBitsToDouble(bits), Double.parseDouble(rs.getString(column)), where);
                }
                else
                {
                    assertEquals(bits, Double.doubleToRawLongBits(rs.getDouble(column)), where);
                }
                break;
            case F32:
            {
                final float expected = (float)Double.longBitsToDouble(bits);
                final float actual = csv ? Float.parseFloat(rs.getString(column)) : rs.getFloat(column);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), where);
                break;
            }
            case BOOL:
                assertEquals(bits != 0, Boolean.parseBoolean(rs.getString(column)), where);
                break;
            default:
                assertEquals(Long.toString(bits), rs.getString(column), where);
                break;
        }
    }

    private static long firstIndex(final Connection duck, final Path file)
    {
        try (ResultSet rs = query(duck, "SELECT min(journal_index) FROM read_parquet('" + file + "')"))
        {
            rs.next();
            return rs.getLong(1);
        }
        catch (final SQLException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static Map<String, String> footer(final Connection duck, final Path file) throws SQLException
    {
        final Map<String, String> footer = new HashMap<>();
        try (ResultSet rs = query(duck, "SELECT decode(key), decode(value) FROM parquet_kv_metadata('" + file + "')"))
        {
            while (rs.next())
            {
                footer.put(rs.getString(1), rs.getString(2));
            }
        }
        return footer;
    }

    private static List<String> columns(final Connection duck, final String table) throws SQLException
    {
        final List<String> columns = new ArrayList<>();
        try (ResultSet rs = query(duck, "DESCRIBE SELECT * FROM " + table))
        {
            while (rs.next())
            {
                columns.add(rs.getString(1));
            }
        }
        return columns;
    }

    static ResultSet query(final Connection duck, final String sql) throws SQLException
    {
        final Statement statement = duck.createStatement();
        statement.closeOnCompletion();
        return statement.executeQuery(sql);
    }

    static Connection duckDb() throws SQLException
    {
        return DriverManager.getConnection("jdbc:duckdb:");
    }

    static List<Path> files(final Path root, final String extension) throws Exception
    {
        try (Stream<Path> walk = Files.walk(root))
        {
            return walk.filter(p -> p.getFileName().toString().endsWith(extension)).sorted().toList();
        }
    }

    private static List<String> names(final Path directory) throws Exception
    {
        try (Stream<Path> list = Files.list(directory))
        {
            final List<String> names = list.map(p -> p.getFileName().toString()).sorted().toList();
            if (names.stream().anyMatch(n -> n.startsWith(".")))
            {
                fail("a temporary file was left: " + names);
            }
            return names;
        }
    }
}
