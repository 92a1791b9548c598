package io.pitgun.sinks;

import io.pitgun.engine.AckMode;
import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.OutputFollowers;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Migration V4 gives every insight row written before insight ids named the window's first journal index the id the
 * engine gives it now, so that the sink, which runs the journal again from its start, replaces the rows rather than
 * writing each insight a second time. The reference is the engine: a real pipeline's insights, stored by the sink,
 * are set back to the ids of the old rule (manifest digest, session, source, kind, lap), in the rows and wherever
 * their documents name them (a session summary's laps[]), then migrated: the rows and documents are the engine's.
 */
class InsightIdMigrationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldGiveRowsOfTheOldIdsTheIdsTheEngineGivesTheirWindows() throws Exception
    {
        try (PostgresServer server = PostgresServer.startOrSkip())
        {
            final PipelineConfig config = PipelineConfig.builder().journalDirectory(dir.resolve("journal"))
                .ackMode(AckMode.JOURNALED).build();
            try (TelemetryPipeline pipeline = TelemetryPipeline.builder()
                .manifest(SinkTestSession.writeManifest(dir)).config(config).build())
            {
                final FrameWriter writer = SinkTestSession.writer(pipeline);
                final long frames = 3L * SinkTestSession.FRAMES_PER_LAP;
                final long last = SinkTestSession.write(writer, 0, frames);
                writer.sessionEnd(SinkTestSession.START_US + frames * 10_000L, "end");
                assertEquals(true, pipeline.awaitJournaled(last + 1, TimeUnit.SECONDS.toNanos(10)));
                final OutputFollowers sinks = OutputFollowers.start(pipeline,
                    config.toBuilder().postgresUrl(server.jdbcUrl()).build());
                try
                {
                    Await.until("the three laps and the session are stored", Duration.ofSeconds(60),
                        () -> ids(server).size() == 4);
                }
                finally
                {
                    sinks.close();
                }
            }
            final Map<String, String> engine = ids(server);
            final Map<String, String> documents = documents(server);
            assertEquals(1, documents.values().stream().filter(d -> d.contains("\"laps\": [")).count(),
                "the session summary names its laps: " + documents);
            try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
                 Statement statement = connection.createStatement())
            {
                for (final Map.Entry<String, String> row : engine.entrySet())
                {
                    final String[] key = row.getKey().split("/");
                    final String old = UUID.nameUUIDFromBytes(("pitgun-insight:" + key[0] + ":" + key[1] + ":" +
                        key[2] + ":" + key[3] + ":" + key[4]).getBytes(StandardCharsets.UTF_8)).toString();
                    assertNotEquals(old, row.getValue());
                    statement.executeUpdate("UPDATE insights SET insight_id = '" + old + "' WHERE insight_id = '" +
                        row.getValue() + "'");
                    // Wherever a document names it: its own id, and a session summary's laps[].insight_id.
                    statement.executeUpdate("UPDATE insights SET document = replace(document::text, '" +
                        row.getValue() + "', '" + old + "')::jsonb");
                }
                // As a database of a build before V4 had it: the rows of the old ids, V4 not applied yet.
                statement.executeUpdate("DELETE FROM " + PostgresSink.HISTORY_TABLE + " WHERE version = '4'");
            }

            PostgresSink.migrate(server.jdbcUrl());

            assertEquals(engine, ids(server));
            assertEquals(documents, documents(server), "every document as the engine wrote it, laps[] ids included");
        }
    }

    /** Each insight's document (as PostgreSQL prints jsonb) by its id. */
    private static Map<String, String> documents(final PostgresServer server) throws Exception
    {
        final Map<String, String> documents = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT insight_id, document::text FROM insights"))
        {
            while (rows.next())
            {
                documents.put(rows.getString(1), rows.getString(2));
            }
        }
        return documents;
    }

    /** insight_id by "manifest/session/source/kind/lap (-1 for a session)/first journal index", with the document's. */
    private static Map<String, String> ids(final PostgresServer server) throws Exception
    {
        final Map<String, String> ids = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT manifest_sha256, session_id, source_id, kind, " +
                 "coalesce(lap_number, -1), first_journal_index, insight_id, document->>'insight_id' FROM insights"))
        {
            while (rows.next())
            {
                assertEquals(rows.getString(7), rows.getString(8), "the document's id is the row's");
                ids.put(rows.getString(1) + "/" + rows.getString(2) + "/" + rows.getInt(3) + "/" + rows.getString(4) +
                    "/" + rows.getInt(5) + "/" + rows.getLong(6), rows.getString(7));
            }
        }
        catch (final java.sql.SQLException ex)
        {
            return Map.of(); // the schema is not there yet
        }
        return ids;
    }
}
