package io.pitgun.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pitgun.cli.JournalExportCommandTest.JournalFrame;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.sinks.SinkCounters;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.DamagedJournal;
import io.pitgun.testsupport.EnvelopeJson;
import io.pitgun.testsupport.GatewayClient;
import io.pitgun.testsupport.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.pitgun.cli.JournalExportCommandTest.assertRowsEqualJournal;
import static io.pitgun.cli.JournalExportCommandTest.duckDb;
import static io.pitgun.cli.JournalExportCommandTest.files;
import static io.pitgun.cli.JournalExportCommandTest.footer;
import static io.pitgun.cli.JournalExportCommandTest.query;
import static io.pitgun.cli.JournalExportCommandTest.readJournal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live Parquet sink ({@code PARQUET_DIR}, the pipeline's {@code output.parquet}) of a real gateway: frames sent
 * over {@code POST /beacon} become readable Parquet files while the gateway runs (an idle file is completed), the
 * gateway is restarted on the same data directory (the sink resumes from its files' footers and discards a file left
 * unfinished), more frames come (a session end completes its file at once; another session starts in the next hour),
 * and after the stop DuckDB reads every journal frame exactly once, value for value.
 */
class LiveParquetSinkTest
{
    private static final UUID SESSION_A = UUID.fromString("4d7e2a10-8c3b-4f6e-9b21-0a5c7d9e1f32");
    private static final UUID SESSION_B = UUID.fromString("6a1f3c5e-7b9d-4e2f-8a0c-1b3d5f7a9c2e");
    private static final String TS = "2026-04-11T12:00:00Z";
    private static final long START_US = 1_775_908_800_000_000L; // 2026-04-11T12:00:00Z
    private static final long HOUR_US = 3_600_000_000L;
    private static final String WRITTEN = "pitgun_sink_rows_written_total{sink=\"parquet\"}";
    private static final String SKIPPED = "pitgun_sink_rows_skipped_total{sink=\"parquet\"}";
    private static final String LAG = "pitgun_sink_lag_seconds{sink=\"parquet\"}";
    private static final String GAPS = "pitgun_sink_journal_gaps_total{sink=\"parquet\"}";
    private static final String DROPPED = "pitgun_sink_dropped_total{sink=\"parquet\"}";
    private static final Path F1_DICTIONARY =
        Path.of("..", "schemas", "src", "main", "resources", "dictionaries", "f1-25.v1.yaml");

    @TempDir
    Path dir;

    @Test
    void shouldWriteEveryJournalFrameOnceIntoReadableFilesThroughARestart() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path parquet = dir.resolve("parquet");
        final Path runs = parquet.resolve("runs");
        final Path sessionA = runs.resolve(SESSION_A.toString());

        try (GatewayServer gateway = start(dataDir, parquet))
        {
            final GatewayClient client = new GatewayClient(gateway.address().getPort());
            send(client, SESSION_A, 0, 100, 0);
            send(client, SESSION_A, 100, 100, 0);
            // No restart and no session end: the idle file is completed and becomes readable while the gateway runs.
            Await.until("the idle file is completed", Duration.ofSeconds(60),
                () -> client.metricOrNaN(WRITTEN) == 200);
            assertEquals(List.of(sessionA.resolve("2026-04-11T12.parquet")), files(runs, ".parquet"));
            try (Connection duck = duckDb();
                 ResultSet rs = query(duck, "SELECT count(*) FROM read_parquet('" + runs + "/*/*.parquet')"))
            {
                rs.next();
                assertEquals(200, rs.getLong(1), "readable while the gateway runs");
            }
            assertEquals(1, client.metricOrNaN("pitgun_sink_connected{sink=\"parquet\"}"));
            Promtool.assertMetricsPass(client.get("/metrics").body());

            send(client, SESSION_A, 200, 100, 0); // in an open file when the gateway stops: completed by the stop
        }
        assertEquals(2, files(runs, ".parquet").size(), files(runs, ".parquet").toString());
        // What a crash mid-file leaves: a temporary file never renamed into place. The restart must discard it.
        final Path unfinished = sessionA.resolve(".2026-04-11T12.2.parquet.inprogress");
        Files.writeString(unfinished, "half a file");

        try (GatewayServer gateway = start(dataDir, parquet))
        {
            final GatewayClient client = new GatewayClient(gateway.address().getPort());
            Await.until("the restarted sink skipped what its files hold", Duration.ofSeconds(60),
                () -> client.metricOrNaN(SKIPPED) == 300 && client.metricOrNaN(LAG) == 0);
            assertFalse(Files.exists(unfinished), "an unfinished file is discarded at start");
            send(client, SESSION_A, 300, 100, 0);
            final HttpResponse<String> end = client.beacon(EnvelopeJson.timestamped(UUID.randomUUID(), TS, SESSION_A,
                "session.end", START_US + 400 * 10_000L));
            assertEquals(202, end.statusCode(), end.body());
            send(client, SESSION_B, 0, 50, HOUR_US); // the next hour
            Await.until("the ended session's file is completed", Duration.ofSeconds(60),
                () -> client.metricOrNaN(WRITTEN) >= 100);
            assertEquals(0, client.metricOrNaN("pitgun_sink_failures_total{sink=\"parquet\"}"));
            assertEquals(0, client.metricOrNaN("pitgun_sink_dropped_total{sink=\"parquet\"}"));
        }

        final List<JournalFrame> frames = readJournal(dataDir.resolve("journal"));
        assertEquals(450, frames.size());
        final List<Path> written = files(runs, ".parquet");
        assertEquals(List.of(sessionA.resolve("2026-04-11T12.1.parquet"), sessionA.resolve("2026-04-11T12.2.parquet"),
            sessionA.resolve("2026-04-11T12.parquet"), runs.resolve(SESSION_B.toString()).resolve(
                "2026-04-11T13.parquet")), written);
        assertTrue(files(parquet, ".inprogress").isEmpty(), "no temporary file is left after a stop");
        try (Connection duck = duckDb())
        {
            final String all = "read_parquet('" + runs + "/*/*.parquet')";
            try (ResultSet rs = query(duck, "SELECT count(*), count(DISTINCT journal_index) FROM " + all))
            {
                rs.next();
                assertEquals(450, rs.getLong(1), "one row per journal frame");
                assertEquals(450, rs.getLong(2), "no journal frame twice");
            }
            assertRowsEqualJournal(duck, all, frames, false, false);
            for (final Path file : written)
            {
                final Map<String, String> footer = footer(duck, file);
                assertEquals(file.getParent().getFileName().toString(), footer.get("pitgun.session"));
                assertEquals("frames", footer.get("pitgun.table"));
                assertEquals("sim.v1", footer.get("pitgun.dictionary_name"));
                try (ResultSet rs = query(duck, "SELECT min(journal_index), max(journal_index) FROM read_parquet('" +
                    file + "')"))
                {
                    rs.next();
                    assertEquals(Long.toString(rs.getLong(1)), footer.get("pitgun.journal_first_index"), file.toString());
                    assertEquals(Long.toString(rs.getLong(2)), footer.get("pitgun.journal_last_index"), file.toString());
                }
            }
        }
    }

    @Test
    void shouldDiscardTheUnfinishedFileOfAFailedWriteAndWriteItsFramesAgainOnce() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path parquet = dir.resolve("parquet");
        final Path runs = parquet.resolve("runs");
        // A regular file where session B's directory must go: every attempt to write B fails until it is removed.
        Files.createDirectories(runs);
        final Path blocker = runs.resolve(SESSION_B.toString());
        Files.writeString(blocker, "not a directory");

        try (GatewayServer gateway = start(dataDir, parquet))
        {
            final GatewayClient client = new GatewayClient(gateway.address().getPort());
            send(client, SESSION_A, 0, 100, 0); // into an open file of A ...
            send(client, SESSION_B, 0, 50, 0);  // ... which the failure on B discards
            Await.until("the failed write is counted", Duration.ofSeconds(60),
                () -> client.metricOrNaN("pitgun_sink_failures_total{sink=\"parquet\"}") >= 1);
            Files.delete(blocker);
            Await.until("the sink started again and caught up", Duration.ofSeconds(60),
                () -> client.metricOrNaN("pitgun_sink_connected{sink=\"parquet\"}") == 1 &&
                    client.metricOrNaN(LAG) == 0);
        }

        final List<JournalFrame> frames = readJournal(dataDir.resolve("journal"));
        assertEquals(150, frames.size());
        assertEquals(List.of(runs.resolve(SESSION_A.toString()).resolve("2026-04-11T12.parquet"),
            runs.resolve(SESSION_B.toString()).resolve("2026-04-11T12.parquet")), files(runs, ".parquet"));
        assertTrue(files(parquet, ".inprogress").isEmpty(), "the discarded file is gone");
        try (Connection duck = duckDb())
        {
            final String all = "read_parquet('" + runs + "/*/*.parquet')";
            try (ResultSet rs = query(duck, "SELECT count(*), count(DISTINCT journal_index) FROM " + all))
            {
                rs.next();
                assertEquals(150, rs.getLong(1), "one row per journal frame");
                assertEquals(150, rs.getLong(2), "no journal frame twice");
            }
            assertRowsEqualJournal(duck, all, frames, false, false);
        }
    }

    @Test
    void shouldWriteTheManifestsDerivedFramesAsTheExportWithTheManifestDoesThroughARestart() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path parquet = dir.resolve("parquet");
        final Path manifest = dir.resolve("live-derived.yaml");
        Files.writeString(manifest, String.join("\n", "version: v1", "name: live-derived", "pipeline:",
            "  - type: formula", "    derived_channels:",
            "      - { name: Speed_Half, expr: \"Speed / 2\", unit: km/h }",
            "      - { name: Power_kW, expr: \"Torque_Nm * Engine_RPM / 9549.0\", unit: kW }", ""));

        try (GatewayServer gateway = start(dataDir, parquet, manifest))
        {
            final GatewayClient client = new GatewayClient(gateway.address().getPort());
            send(client, SESSION_A, 0, 100, 0);
            send(client, SESSION_B, 0, 50, 0);
        }
        // Restarted: the manifest runs again from the journal's first message; the derived frames its complete files
        // hold are not written again.
        try (GatewayServer gateway = start(dataDir, parquet, manifest))
        {
            final GatewayClient client = new GatewayClient(gateway.address().getPort());
            send(client, SESSION_A, 100, 100, 0);
            final HttpResponse<String> end = client.beacon(EnvelopeJson.timestamped(UUID.randomUUID(), TS, SESSION_A,
                "session.end", START_US + 200 * 10_000L));
            assertEquals(202, end.statusCode(), end.body());
        }

        final Path export = dir.resolve("export");
        final CliRun run = CliRun.of("journal", "export", dataDir.resolve("journal").toString(), "--out",
            export.toString(), "--manifest", manifest.toString());
        assertEquals(0, run.exitCode(), run.err());
        final Path derived = parquet.resolve("derived");
        final Path sessionA = derived.resolve(SESSION_A.toString());
        assertEquals(List.of(sessionA.resolve("2026-04-11T12.1.parquet"), sessionA.resolve("2026-04-11T12.parquet"),
            derived.resolve(SESSION_B.toString()).resolve("2026-04-11T12.parquet")), files(derived, ".parquet"));
        assertTrue(files(parquet, ".inprogress").isEmpty(), "every file completed at the stops");
        try (Connection duck = duckDb())
        {
            final String live = "read_parquet('" + derived + "/*/*.parquet')";
            final String exported = "read_parquet('" + export.resolve("derived") + "/*/*.parquet')";
            assertEquals(columnsOf(duck, exported), columnsOf(duck, live));
            final String liveColumns = columnsOf(duck, live).toString();
            assertTrue(liveColumns.contains("Speed_Half ") && liveColumns.contains("Power_kW "), liveColumns);
            try (ResultSet rs = query(duck, "SELECT (SELECT count(*) FROM " + live + "), (SELECT count(*) FROM " +
                exported + "), (SELECT count(Power_kW) FROM " + live + ")"))
            {
                rs.next();
                assertEquals(250, rs.getLong(1), "live derived rows");
                assertEquals(250, rs.getLong(2), "exported derived rows");
                assertEquals(250, rs.getLong(3), "derived values");
            }
            // Row for row and value for value (doubles compared exactly), duplicates included.
            for (final String[] pair : List.of(new String[] {live, exported}, new String[] {exported, live}))
            {
                try (ResultSet rs = query(duck, "SELECT count(*) FROM (SELECT * FROM " + pair[0] +
                    " EXCEPT ALL SELECT * FROM " + pair[1] + ")"))
                {
                    rs.next();
                    assertEquals(0, rs.getLong(1), "rows of " + pair[0] + " not in " + pair[1]);
                }
            }
            // Derived rows name no journal index: each file carries the range of the journal the sink had read when
            // it completed the file, from the journal's first frame (the manifest runs from there).
            final long journalFirst;
            try (ResultSet rs = query(duck, "SELECT min(journal_index) FROM read_parquet('" +
                parquet.resolve("runs") + "/*/*.parquet')"))
            {
                rs.next();
                journalFirst = rs.getLong(1);
            }
            final List<Long> lastIndices = new ArrayList<>();
            for (final Path file : files(derived, ".parquet"))
            {
                final Map<String, String> footer = footer(duck, file);
                assertEquals(Long.toString(journalFirst), footer.get("pitgun.journal_first_index"), file.toString());
                final long last = Long.parseLong(footer.get("pitgun.journal_last_index"));
                assertTrue(last >= journalFirst, file + ": " + last);
                lastIndices.add(last);
            }
            // The first run's file of session A was completed before the restart, its second after it.
            assertTrue(lastIndices.get(0) > lastIndices.get(1), lastIndices.toString());
            final Map<String, String> liveFooter = footer(duck, sessionA.resolve("2026-04-11T12.parquet"));
            final Map<String, String> exportFooter = footer(duck, files(export.resolve("derived"), ".parquet").get(0));
            assertEquals("derived", liveFooter.get("pitgun.table"));
            assertEquals("live-derived", liveFooter.get("pitgun.manifest_name"));
            assertEquals(exportFooter.get("pitgun.manifest_sha256"), liveFooter.get("pitgun.manifest_sha256"));
            assertEquals(liveFooter.get("pitgun.manifest_sha256"),
                footer(duck, files(parquet.resolve("runs"), ".parquet").get(0)).get("pitgun.manifest_sha256"),
                "the frames table names the manifest too, as the export's does");
        }
    }

    private static List<String> columnsOf(final Connection duck, final String table) throws Exception
    {
        final List<String> columns = new ArrayList<>();
        try (ResultSet rs = query(duck, "DESCRIBE SELECT * FROM " + table))
        {
            while (rs.next())
            {
                columns.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return columns;
    }

    /**
     * A cycle file deleted from the middle of the journal (to free disk space): the sink, reading the journal from
     * its start again at the gateway's start, went from the file before it to the one after it without a word, as
     * across an hour without data, and the frames it held were in no file of the sink unannounced. Now it counts the
     * gap ({@code pitgun_sink_journal_gaps_total}) and says at WARN which entries are missing. Three gateway runs an
     * hour apart, made by renaming each run's cycle file to an earlier hour's name.
     */
    @Test
    void shouldCountAndWarnOfACycleFileDeletedFromTheMiddleOfTheJournal() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path parquet = dir.resolve("parquet");
        final Path journal = dataDir.resolve("journal");
        runAndSend(dataDir, parquet, 0);
        DamagedJournal.moveLastCycleFileBack(journal, 2);
        runAndSend(dataDir, parquet, 10);
        final Path deleted = DamagedJournal.moveLastCycleFileBack(journal, 1);
        runAndSend(dataDir, parquet, 20);
        Files.delete(deleted);

        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        final Logger logger = (Logger)LoggerFactory.getLogger(SinkCounters.class);
        logged.start();
        logger.addAppender(logged);
        try (GatewayServer gateway = start(dataDir, parquet))
        {
            final GatewayClient client = new GatewayClient(gateway.address().getPort());
            Await.until("the sink read the journal across the gap", Duration.ofSeconds(60),
                () -> client.metricOrNaN(GAPS) == 1 && client.metricOrNaN(LAG) == 0);
            final List<String> warnings = logged.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("sink parquet: reading the journal: the entries after index ") &&
                warnings.get(0).contains("their cycle file " + deleted.getFileName()), warnings.get(0));
            Promtool.assertMetricsPass(client.get("/metrics").body());
        }
        finally
        {
            logger.detachAppender(logged);
        }
    }

    /** Starts a gateway, sends 10 frames from {@code firstSequence}, waits until the sink has them, and stops it. */
    private static void runAndSend(final Path dataDir, final Path parquet, final long firstSequence) throws Exception
    {
        try (GatewayServer gateway = start(dataDir, parquet))
        {
            final GatewayClient client = new GatewayClient(gateway.address().getPort());
            send(client, SESSION_A, firstSequence, 10, 0);
            Await.until("the sink caught up", Duration.ofSeconds(60), () -> client.metricOrNaN(LAG) == 0);
            assertEquals(0, client.metricOrNaN(GAPS), "an hour without entries leaves no file: not a gap");
        }
    }

    /**
     * A gateway restarted with another dictionary (the F1 game's) on a journal whose frames of the run before
     * (sim.v1) are in no file yet (that run had no sink): the sink writes only the frames of its own dictionary, and
     * leaves out those written with the other, counted as dropped and logged, as {@code journal replay} passes over
     * them. Before, it wrote the sim.v1 frames under the F1 dictionary's columns: the values of one dictionary's
     * channel ids named and typed as the other's, in files whose footer said {@code f1-25.v1}.
     */
    @Test
    void shouldLeaveOutTheFramesOfAnotherDictionaryThanItsOwn() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path parquet = dir.resolve("parquet");
        final Path runs = parquet.resolve("runs");
        try (GatewayServer gateway = LoopbackGateway.start(dataDir)) // sim.v1, no sink
        {
            send(new GatewayClient(gateway.address().getPort()), SESSION_A, 0, 100, 0);
        }
        final Logger sinkLog = (Logger)LoggerFactory.getLogger("io.pitgun.storage.LiveParquetSink");
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        sinkLog.addAppender(logged);
        final Map<GatewaySetting, String> f1 = Map.of(GatewaySetting.PARQUET_DIR, parquet.toString(),
            GatewaySetting.DICTIONARY, F1_DICTIONARY.toString());
        try (GatewayServer gateway = LoopbackGateway.start(dataDir, f1))
        {
            final GatewayClient client = new GatewayClient(gateway.address().getPort());
            sendF1(client, SESSION_B, 0, 10);
            // The sim.v1 run's frames come first in the journal: read once the sink has caught up.
            Await.until("the sink has read the journal to its end", Duration.ofSeconds(60),
                () -> client.metricOrNaN(LAG) == 0);
            assertEquals(100, client.metricOrNaN(DROPPED), "the sim.v1 run's frames");
            assertEquals(0, client.metricOrNaN("pitgun_sink_failures_total{sink=\"parquet\"}"));
        }
        finally
        {
            sinkLog.detachAppender(logged);
        }
        assertEquals(List.of(runs.resolve(SESSION_B.toString()).resolve("2026-04-11T12.parquet")),
            files(runs, ".parquet"), "no file of the sim.v1 run's session");
        try (Connection duck = duckDb();
             ResultSet rs = query(duck, "SELECT count(*) FROM read_parquet('" + runs + "/*/*.parquet')"))
        {
            rs.next();
            assertEquals(10, rs.getLong(1), "the F1 run's frames");
        }
        assertTrue(logged.list.stream().anyMatch(event -> event.getLevel() == Level.WARN &&
            event.getFormattedMessage().contains("written with dictionary 'sim.v1', not 'f1-25.v1'")),
            logged.list.toString());
    }

    /**
     * The derived table of the same journal (a sim.v1 run without sink, then runs with the F1 dictionary, the sink
     * and a manifest of it): the deriving pipeline passes over the sim.v1 part as {@code journal replay} does, so the
     * derived rows are the replay's, value for value, and a restart over the files written neither duplicates nor
     * loses one. Before, the sim.v1 run's frames went into the deriving pipeline too: 100 rows more, derived from
     * sim.v1 channel ids read as F1 ones.
     */
    @Test
    void shouldDeriveOnlyTheFramesOfItsOwnDictionaryAsJournalReplayDoes() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path parquet = dir.resolve("parquet");
        final Path derived = parquet.resolve("derived");
        final Path manifest = dir.resolve("f1-halves.yaml");
        Files.writeString(manifest, String.join("\n", "version: v1", "name: f1-halves", "dictionary: f1-25.v1",
            "pipeline:", "  - type: formula", "    derived_channels:",
            "      - { name: Speed_Half, expr: \"Speed / 2\", unit: km/h }", ""));
        final String dictionary = F1_DICTIONARY.toString();
        try (GatewayServer gateway = LoopbackGateway.start(dataDir)) // sim.v1, no sink
        {
            send(new GatewayClient(gateway.address().getPort()), SESSION_A, 0, 100, 0);
        }
        final Map<GatewaySetting, String> f1 = Map.of(GatewaySetting.PARQUET_DIR, parquet.toString(),
            GatewaySetting.DICTIONARY, dictionary, GatewaySetting.MANIFEST, manifest.toString());
        for (int run = 0; run < 2; run++) // the second run resumes over the first one's derived files
        {
            try (GatewayServer gateway = LoopbackGateway.start(dataDir, f1))
            {
                final GatewayClient client = new GatewayClient(gateway.address().getPort());
                sendF1(client, SESSION_B, run * 10, 10);
                Await.until("the sink has read the journal to its end", Duration.ofSeconds(60),
                    () -> client.metricOrNaN(LAG) == 0);
                assertEquals(0, client.metricOrNaN("pitgun_sink_failures_total{sink=\"parquet\"}"));
            }
        }

        final Path lines = dir.resolve("replayed.jsonl");
        final CliRun replay = CliRun.of("journal", "replay", dataDir.resolve("journal").toString(), "--manifest",
            manifest.toString(), "--dictionary", dictionary, "--out", lines.toString());
        assertTrue(replay.err().contains("NOT REPLAYED: ") && replay.out().contains("derived frames 20,"),
            replay.out() + replay.err());
        final List<Double> replayed = new ArrayList<>();
        final Pattern half = Pattern.compile("\"Speed_Half\":([-0-9.eE]+)");
        for (final String line : Files.readAllLines(lines))
        {
            final Matcher value = half.matcher(line);
            if (value.find())
            {
                replayed.add(Double.parseDouble(value.group(1)));
            }
        }
        final List<Double> live = new ArrayList<>();
        try (Connection duck = duckDb();
             ResultSet rs = query(duck, "SELECT Speed_Half FROM read_parquet('" + derived + "/*/*.parquet')"))
        {
            while (rs.next())
            {
                live.add(rs.getDouble(1));
            }
        }
        assertEquals(List.of(derived.resolve(SESSION_B.toString()).resolve("2026-04-11T12.1.parquet"),
            derived.resolve(SESSION_B.toString()).resolve("2026-04-11T12.parquet")), files(derived, ".parquet"),
            "no derived file of the sim.v1 run's session");
        assertEquals(20, replayed.size(), replayed.toString());
        assertEquals(replayed.stream().sorted().toList(), live.stream().sorted().toList(), "the replay's rows");
    }

    /** Frames {@code [first, first + count)} of the F1 dictionary: {@code Speed} only. */
    private static void sendF1(final GatewayClient client, final UUID session, final int first, final int count)
        throws Exception
    {
        final StringBuilder frames = new StringBuilder();
        for (int sequence = first; sequence < first + count; sequence++)
        {
            frames.append(sequence == first ? "" : ",").append("{\"sequence\":").append(sequence)
                .append(",\"timestamp_us\":").append(START_US + sequence * 10_000L)
                .append(",\"lap_number\":1,\"samples\":{\"Speed\":").append(200 + sequence).append("}}");
        }
        final HttpResponse<String> answer = client.beacon(EnvelopeJson.head(UUID.randomUUID(), TS, session,
            "telemetry.sample_batch") + "\"payload\":{\"frames\":[" + frames + "]}}");
        assertEquals(202, answer.statusCode(), answer.body());
    }

    private static void send(final GatewayClient client, final UUID session, final long firstSequence,
        final int frames, final long offsetUs) throws Exception
    {
        final HttpResponse<String> answer = client.beacon(EnvelopeJson.batch(UUID.randomUUID(), TS, session,
            firstSequence, frames, 1, sequence -> START_US + offsetUs + sequence * 10_000));
        assertEquals(202, answer.statusCode(), answer.body());
    }

    private static GatewayServer start(final Path dataDir, final Path parquet) throws Exception
    {
        return start(dataDir, parquet, null);
    }

    private static GatewayServer start(final Path dataDir, final Path parquet, final Path manifest) throws Exception
    {
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        flags.put(GatewaySetting.DATA_DIR, dataDir.toString());
        flags.put(GatewaySetting.RATE_LIMIT, "0");
        flags.put(GatewaySetting.PARQUET_DIR, parquet.toString());
        if (manifest != null)
        {
            flags.put(GatewaySetting.MANIFEST, manifest.toString());
        }
        return GatewayServer.start(GatewayConfig.resolve(Map.of(), flags));
    }
}
