package io.pitgun.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.OutputFollowers;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The QuestDB sink against a real QuestDB server (a child process of the test): a journaled pipeline writes a
 * session; the server is killed mid-run and started again, then the sink itself is stopped and started again (a
 * gateway restart); every frame must be in the table exactly once with its values, every insight once.
 */
class QuestDbSinkIntegrationTest
{
    private static final int FRAMES = 4_000;

    @TempDir
    Path dir;

    @Test
    void shouldHoldEveryFrameExactlyOnceThroughAServerCrashAndASinkRestart() throws Exception
    {
        final Path data = Files.createDirectories(dir.resolve("questdb"));
        try (QuestDbServer server = new QuestDbServer(data))
        {
            server.start();
            final PipelineConfig config = PipelineConfig.builder().journalDirectory(dir.resolve("journal"))
                .ackMode(AckMode.JOURNALED).build();
            // Started by the test rather than by the pipeline (as its setting would), so that it can stop and
            // restart the sink while the pipeline runs: a gateway restart, as far as the sink can tell.
            final PipelineConfig sinkConfig = config.toBuilder().questDb(server.ilpConfiguration()).build();
            try (TelemetryPipeline pipeline = TelemetryPipeline.builder()
                .manifest(SinkTestSession.writeManifest(dir)).config(config).build())
            {
                final FrameWriter writer = SinkTestSession.writer(pipeline);
                OutputFollowers sinks = OutputFollowers.start(pipeline, sinkConfig);
                try
                {
                    final SinkCounters first = SinkFollower.countersOf(sinks.followers()).get(0);
                    SinkTestSession.write(writer, 0, FRAMES / 4);
                    Await.until("the sink wrote the first frames", () -> first.writtenPosition() >= 0);
                    // Killed once the first rows are applied: in one run here, a kill while QuestDB 9.2.2 was still
                    // adding the table's first columns left it answering "Metadata read timeout" to every query on
                    // the table after the restart, longer than this test waits (the sink kept retrying, as it should).
                    Await.until("QuestDB applied the first rows", () ->
                        server.query("SELECT count() FROM pitgun_frames").path("dataset").path(0).path(0).asLong() > 0);

                    server.kill(); // the target dies mid-run: writes fail, the runner backs off and reconnects
                    SinkTestSession.write(writer, FRAMES / 4, FRAMES / 2);
                    Await.until("the sink saw the server go", () -> first.failures() > 0);
                    server.start();

                    SinkTestSession.write(writer, FRAMES / 2, 3 * FRAMES / 4);
                    Await.until("the sink wrote again after the restart", Duration.ofSeconds(60),
                        () -> first.state() == SinkCounters.WRITING && first.writtenPosition() >= 0 &&
                            first.lagSeconds(System.nanoTime()) == 0);
                }
                finally
                {
                    sinks.close(); // the gateway restarts: the sink resumes from what the table holds
                }

                final long last = SinkTestSession.write(writer, 3 * FRAMES / 4, FRAMES);
                writer.sessionEnd(SinkTestSession.START_US + FRAMES * 10_000L, "end");
                assertTrue(pipeline.awaitJournaled(last + 1, TimeUnit.SECONDS.toNanos(10)));
                sinks = OutputFollowers.start(pipeline, sinkConfig);
                try
                {
                    final SinkCounters second = SinkFollower.countersOf(sinks.followers()).get(0);
                    Await.until("the restarted sink caught up", Duration.ofSeconds(60), () ->
                        second.writtenPosition() == pipeline.journalIndexOf(last) &&
                            second.lagSeconds(System.nanoTime()) == 0);
                    assertTrue(second.rowsSkipped() > 0, "the restarted sink skipped what the table held");
                }
                finally
                {
                    sinks.close();
                }
            }

            Await.until("QuestDB applied every row", Duration.ofSeconds(60), () ->
                server.query("SELECT count() FROM pitgun_frames").path("dataset").path(0).path(0).asLong() == FRAMES);
            final JsonNode counts = server.query("SELECT count(), count_distinct(journal_index), " +
                "count_distinct(sequence) FROM pitgun_frames").path("dataset").path(0);
            assertEquals(FRAMES, counts.path(0).asLong(), "rows");
            assertEquals(FRAMES, counts.path(1).asLong(), "distinct journal positions");
            assertEquals(FRAMES, counts.path(2).asLong(), "distinct sequences");

            final JsonNode rows = server.query("SELECT sequence, ts, session, source, lap, Speed, Engine_RPM, " +
                "Speed_Half FROM pitgun_frames ORDER BY sequence").path("dataset");
            assertEquals(FRAMES, rows.size());
            for (int i = 0; i < FRAMES; i++)
            {
                final JsonNode row = rows.path(i);
                assertEquals(i, row.path(0).asLong(), "sequence");
                assertEquals(SinkTestSession.SESSION.toString(), row.path(2).asText(), "session of " + i);
                assertEquals("0", row.path(3).asText(), "source of " + i);
                assertEquals(SinkTestSession.lap(i), row.path(4).asLong(), "lap of " + i);
                assertEquals(SinkTestSession.speed(i), row.path(5).asDouble(), "Speed of " + i);
                assertEquals(SinkTestSession.rpm(i), row.path(6).asLong(), "Engine_RPM of " + i);
                assertEquals(SinkTestSession.speed(i) / 2, row.path(7).asDouble(), "Speed_Half of " + i);
            }
            final JsonNode first = rows.path(0).path(1);
            assertEquals("2026-03-31T23:33:20.000000Z", first.asText(), "designated timestamp from timestamp_us");

            // Laps 1..8 close (lap summaries), the session end adds its summary: each insight once.
            Await.until("QuestDB applied every insight", Duration.ofSeconds(60), () ->
                server.query("SELECT count() FROM pitgun_insights").path("dataset").path(0).path(0).asLong() ==
                    FRAMES / SinkTestSession.FRAMES_PER_LAP + 1);
            final JsonNode insights = server.query("SELECT count(), count_distinct(insight_id) FROM pitgun_insights")
                .path("dataset").path(0);
            assertEquals(insights.path(0).asLong(), insights.path(1).asLong(), "every insight once");

            // A restricted channel (Engine_Map), the channel derived from it and its lap statistics stay out.
            final String columns = server.query("SELECT \"column\" FROM table_columns('pitgun_frames')").toString();
            assertTrue(columns.contains("Speed_Half"), columns);
            assertFalse(columns.contains("Engine_Map") || columns.contains("Map_Half"), columns);
            final String documents = server.query("SELECT document FROM pitgun_insights").toString();
            assertTrue(documents.contains("Speed"), documents);
            assertFalse(documents.contains("Engine_Map"), documents);
        }
    }
}
