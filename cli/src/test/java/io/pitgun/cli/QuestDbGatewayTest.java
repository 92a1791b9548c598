package io.pitgun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.sinks.QuestDbHttp;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.EnvelopeJson;
import io.pitgun.testsupport.GatewayClient;
import io.pitgun.testsupport.Promtool;
import io.pitgun.testsupport.QuestDbServerCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The QuestDB sink of a real gateway ({@code QUESTDB}) against a real QuestDB server started here from the
 * {@code org.questdb:questdb} jar: laps sent over {@code POST /beacon}, the server killed mid-run (the gateway keeps
 * acknowledging: the sink follows the journal and only falls behind), more laps and a session end, the server
 * started again, then the gateway restarted on the same data directory (the sink resumes from the table). Every
 * frame and insight is in the tables once, with the values sent.
 */
class QuestDbGatewayTest
{
    private static final UUID SESSION = UUID.fromString("2c9d4e1a-7f3b-4a6c-8e25-9b1d0f3a6c47");
    private static final String TS = "2026-04-11T12:00:00Z";
    private static final long START_US = 1_775_908_800_000_000L;
    private static final int FRAMES_PER_LAP = 100;
    private static final int LAPS = 4;
    private static final String FAILURES = "pitgun_sink_failures_total{sink=\"questdb\"}";
    private static final String SKIPPED = "pitgun_sink_rows_skipped_total{sink=\"questdb\"}";
    private static final String LAG = "pitgun_sink_lag_seconds{sink=\"questdb\"}";

    @TempDir
    Path dir;

    private Process questDb;
    private int httpPort;

    @Test
    void shouldHoldEveryFrameAndInsightTheGatewayAcknowledgedOnceThroughAServerCrashAndAGatewayRestart()
        throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            httpPort = socket.getLocalPort();
        }
        final Path dataDir = dir.resolve("data");
        final QuestDbHttp sql = new QuestDbHttp(ilpConfiguration());
        try
        {
            startQuestDb(sql);
            try (GatewayServer gateway = startGateway(dataDir))
            {
                final GatewayClient client = new GatewayClient(gateway.address().getPort());
                sendLap(client, 1);
                sendLap(client, 2);
                Await.until("QuestDB applied the first rows", Duration.ofSeconds(60),
                    () -> count(sql, "SELECT count() FROM pitgun_frames") > 0);

                questDb.destroyForcibly(); // as a crash would, mid-run
                questDb.waitFor(30, TimeUnit.SECONDS);
                sendLap(client, 3); // still acknowledged (202): ingestion never waits for the sink
                sendLap(client, 4);
                final HttpResponse<String> end = client.beacon(EnvelopeJson.timestamped(UUID.randomUUID(), TS, SESSION,
                    "session.end", START_US + LAPS * FRAMES_PER_LAP * 10_000L));
                assertEquals(202, end.statusCode(), end.body());
                Await.until("the sink saw the server go", Duration.ofSeconds(60),
                    () -> client.metricOrNaN(FAILURES) > 0);

                startQuestDb(sql);
                Await.until("the sink caught up after the server came back", Duration.ofSeconds(120),
                    () -> client.metricOrNaN(LAG) == 0 &&
                        count(sql, "SELECT count() FROM pitgun_frames") == LAPS * FRAMES_PER_LAP);
            }

            try (GatewayServer gateway = startGateway(dataDir)) // the sink resumes from what the table holds
            {
                final GatewayClient client = new GatewayClient(gateway.address().getPort());
                Await.until("the restarted sink skipped every frame the table holds", Duration.ofSeconds(60),
                    () -> client.metricOrNaN(SKIPPED) == LAPS * FRAMES_PER_LAP && client.metricOrNaN(LAG) == 0);
                assertEquals(0, client.metricOrNaN(FAILURES));
                assertEquals(1, client.metricOrNaN("pitgun_sink_connected{sink=\"questdb\"}"));
                Promtool.assertMetricsPass(client.get("/metrics").body());
            }

            // Laps 1..3 close when the next begins, lap 4 at the session end, plus the session summary.
            Await.until("QuestDB applied every insight", Duration.ofSeconds(60),
                () -> count(sql, "SELECT count() FROM pitgun_insights") == LAPS + 1);
            final JsonNode counts = sql.exec("SELECT count(), count_distinct(journal_index), count_distinct(sequence) " +
                "FROM pitgun_frames").path("dataset").path(0);
            assertEquals(LAPS * FRAMES_PER_LAP, counts.path(0).asLong(), "rows");
            assertEquals(LAPS * FRAMES_PER_LAP, counts.path(1).asLong(), "distinct journal positions");
            assertEquals(LAPS * FRAMES_PER_LAP, counts.path(2).asLong(), "distinct sequences");
            assertEquals(LAPS + 1, sql.exec("SELECT count_distinct(insight_id) FROM pitgun_insights")
                .path("dataset").path(0).path(0).asLong(), "every insight once");

            final JsonNode rows = sql.exec("SELECT sequence, session, lap, Speed, Engine_RPM FROM pitgun_frames " +
                "ORDER BY sequence").path("dataset");
            for (int i = 0; i < LAPS * FRAMES_PER_LAP; i++)
            {
                final JsonNode row = rows.path(i);
                assertEquals(i, row.path(0).asLong(), "sequence");
                assertEquals(SESSION.toString(), row.path(1).asText(), "session of " + i);
                assertEquals(1 + i / FRAMES_PER_LAP, row.path(2).asLong(), "lap of " + i);
                assertEquals(100 + i % 100 + 0.5, row.path(3).asDouble(), "Speed of " + i);
                assertEquals(9000 + i % 1000, row.path(4).asLong(), "Engine_RPM of " + i);
            }
        }
        finally
        {
            stopQuestDb();
        }
    }

    private String ilpConfiguration()
    {
        return "http::addr=127.0.0.1:" + httpPort + ";retry_timeout=500;";
    }

    private GatewayServer startGateway(final Path dataDir) throws Exception
    {
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        flags.put(GatewaySetting.DATA_DIR, dataDir.toString());
        flags.put(GatewaySetting.RATE_LIMIT, "0");
        flags.put(GatewaySetting.QUESTDB, ilpConfiguration());
        return GatewayServer.start(GatewayConfig.resolve(Map.of(), flags));
    }

    private static void sendLap(final GatewayClient client, final int lap) throws Exception
    {
        final HttpResponse<String> answer = client.beacon(EnvelopeJson.batch(UUID.randomUUID(), TS, SESSION,
            (lap - 1) * FRAMES_PER_LAP, FRAMES_PER_LAP, lap, sequence -> START_US + sequence * 10_000));
        assertEquals(202, answer.statusCode(), answer.body());
    }

    /** Starts (or starts again, on the same directory and port) the server and waits until it answers SQL. */
    private void startQuestDb(final QuestDbHttp sql) throws Exception
    {
        final Path root = Files.createDirectories(dir.resolve("questdb"));
        questDb = QuestDbServerCommand.processBuilder(questDbJar(), root, httpPort).start();
        Await.until("QuestDB answers on port " + httpPort, Duration.ofSeconds(60), () ->
        {
            if (!questDb.isAlive())
            {
                throw new IllegalStateException("QuestDB exited with " + questDb.exitValue() + ", see " +
                    root.resolve("server.log"));
            }
            return count(sql, "SELECT 1") == 1;
        });
    }

    private void stopQuestDb() throws InterruptedException
    {
        if (questDb != null && questDb.isAlive())
        {
            questDb.destroy();
            if (!questDb.waitFor(20, TimeUnit.SECONDS))
            {
                questDb.destroyForcibly();
                questDb.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The first value of the first row, or -1 while the server or the table is not there. */
    private static long count(final QuestDbHttp sql, final String query)
    {
        try
        {
            final JsonNode value = sql.exec(query).path("dataset").path(0).path(0);
            return value.isMissingNode() ? -1 : value.asLong();
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    private static Path questDbJar()
    {
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            if (entry.matches(".*questdb-\\d[^/]*\\.jar"))
            {
                return Path.of(entry);
            }
        }
        throw new IllegalStateException("org.questdb:questdb is not on the test class path");
    }
}
