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

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PostgreSQL sink against a real PostgreSQL server started by the test (initdb, pg_ctl): the server is stopped
 * as by a crash mid-run and started again, then the sink is restarted (the journal runs again from its start); every
 * insight must be there once, the laps and runs views must agree, and {@code pitgun runs}' report lists them.
 * Skipped without PostgreSQL's programs, except under {@code CI=true}, where .ci/run installs them.
 */
class PostgresSinkIntegrationTest
{
    private static final int FRAMES = 4_000;
    private static final int LAPS = FRAMES / SinkTestSession.FRAMES_PER_LAP;

    @TempDir
    Path dir;

    @Test
    void shouldHoldEveryInsightOnceThroughAServerCrashAndASinkRestart() throws Exception
    {
        try (PostgresServer server = PostgresServer.startOrSkip())
        {
            final PipelineConfig config = PipelineConfig.builder().journalDirectory(dir.resolve("journal"))
                .ackMode(AckMode.JOURNALED).build();
            // Started by the test rather than by the pipeline (as its setting would), so that it can stop and
            // restart the sink while the pipeline runs: a gateway restart, as far as the sink can tell.
            final PipelineConfig sinkConfig = config.toBuilder().postgresUrl(server.jdbcUrl()).build();
            try (TelemetryPipeline pipeline = TelemetryPipeline.builder()
                .manifest(SinkTestSession.writeManifest(dir)).config(config).build())
            {
                final FrameWriter writer = SinkTestSession.writer(pipeline);
                OutputFollowers sinks = OutputFollowers.start(pipeline, sinkConfig);
                try
                {
                    final SinkCounters first = SinkFollower.countersOf(sinks.followers()).get(0);
                    SinkTestSession.write(writer, 0, FRAMES / 4 + 1); // laps 1 and 2 close
                    Await.until("the first lap summaries were committed", () -> first.rowsWritten() >= 2);

                    server.kill();
                    SinkTestSession.write(writer, FRAMES / 4 + 1, FRAMES / 2 + 1);
                    Await.until("the sink saw the server go", () -> first.failures() > 0);
                    server.start();
                    Await.until("the sink wrote again after the restart", Duration.ofSeconds(60),
                        () -> first.state() == SinkCounters.WRITING && first.lagSeconds(System.nanoTime()) == 0 &&
                            count(server, "SELECT count(*) FROM laps") == 4);
                }
                finally
                {
                    sinks.close(); // the gateway restarts
                }
                final long last = SinkTestSession.write(writer, FRAMES / 2 + 1, FRAMES);
                writer.sessionEnd(SinkTestSession.START_US + FRAMES * 10_000L, "end");
                assertTrue(pipeline.awaitJournaled(last + 1, TimeUnit.SECONDS.toNanos(10)));
                sinks = OutputFollowers.start(pipeline, sinkConfig);
                try
                {
                    final SinkCounters second = SinkFollower.countersOf(sinks.followers()).get(0);
                    Await.until("every insight is in PostgreSQL", Duration.ofSeconds(60),
                        () -> count(server, "SELECT count(*) FROM insights") == LAPS + 1);
                    Await.until("the restarted sink caught up", () -> second.lagSeconds(System.nanoTime()) == 0 &&
                        second.rowsWritten() == LAPS + 1);
                }
                finally
                {
                    sinks.close();
                }
            }

            assertEquals(LAPS + 1, count(server, "SELECT count(*) FROM insights"));
            assertEquals(LAPS, count(server, "SELECT count(DISTINCT lap_number) FROM laps"));
            assertEquals(1, count(server, "SELECT count(*) FROM runs WHERE completed AND laps = " + LAPS));
            assertEquals(LAPS + 1, count(server, "SELECT count(*) FROM insights WHERE document->>'insight_id' = " +
                "insight_id::text AND document->>'schema_version' = schema_version"));
            assertEquals(1, count(server, "SELECT count(*) FROM pitgun_schema_history WHERE version = '2' AND success"));
            // The lap statistics of a restricted channel (Engine_Map) stay out of the stored documents.
            assertEquals(0, count(server, "SELECT count(*) FROM insights WHERE document::text LIKE '%Engine_Map%'"));
            assertEquals(LAPS + 1, count(server, "SELECT count(*) FROM insights WHERE document::text LIKE '%Speed%'"));

            final StringWriter text = new StringWriter();
            assertEquals(1, RunsReport.print(server.jdbcUrl(), SinkTestSession.SESSION, new PrintWriter(text)));
            final String report = text.toString();
            assertTrue(report.startsWith("session " + SinkTestSession.SESSION + "  source 0  manifest sink-test"),
                report);
            assertTrue(report.contains("laps " + LAPS + "  best 4.990 s  completed"), report);
            assertTrue(report.contains("  lap   1      4.990 s      500 frames"), report);
            assertEquals(LAPS + 1, report.lines().count(), report);
        }
    }

    private static long count(final PostgresServer server, final String sql) throws Exception
    {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql))
        {
            result.next();
            return result.getLong(1);
        }
        catch (final java.sql.SQLException ex)
        {
            return -1; // not reachable yet, or the schema is not there yet
        }
    }
}
