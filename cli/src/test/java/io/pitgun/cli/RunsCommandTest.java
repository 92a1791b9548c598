package io.pitgun.cli;

import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.EnvelopeJson;
import io.pitgun.testsupport.GatewayClient;
import io.pitgun.testsupport.PostgresServer;
import io.pitgun.testsupport.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pitgun runs} over what a real gateway's PostgreSQL sink ({@code POSTGRES_URL}) wrote to a real PostgreSQL
 * server: three laps and a session end sent over {@code POST /beacon}, then the gateway restarted on the same data
 * directory (its sink runs the journal again): every insight is still one row, and the command lists the run and its
 * laps.
 */
class RunsCommandTest
{
    private static final UUID SESSION = UUID.fromString("9b0c1a4e-2f6d-4c1e-9a57-3e8f6b2d7c10");
    private static final String TS = "2026-04-11T12:00:00Z";
    private static final long START_US = 1_775_908_800_000_000L;
    private static final int FRAMES_PER_LAP = 100;
    private static final String WRITTEN = "pitgun_sink_rows_written_total{sink=\"postgres\"}";
    private static final String LAG = "pitgun_sink_lag_seconds{sink=\"postgres\"}";

    @TempDir
    Path dataDir;

    /**
     * Neither --url nor PITGUN_GATEWAY_POSTGRES_URL is a usage error (exit 2), as a missing required option is. Only
     * where the variable is not set, since it stands for --url.
     */
    @Test
    void shouldRefuseNoUrlAsAUsageError()
    {
        org.junit.jupiter.api.Assumptions.assumeTrue(
            System.getenv(io.pitgun.gateway.GatewaySetting.POSTGRES_URL.envName()) == null, "the variable is set");
        final CliRun run = CliRun.of("runs");
        assertEquals(CliErrorHandler.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("pitgun runs: give --url or set PITGUN_GATEWAY_POSTGRES_URL"), run.err());
    }

    @Test
    void shouldListTheRunsAndLapsTheGatewaysPostgresSinkWroteOnceThroughARestart() throws Exception
    {
        try (PostgresServer postgres = PostgresServer.startOrSkip())
        {
            try (GatewayServer gateway = start(postgres))
            {
                final GatewayClient client = new GatewayClient(gateway.address().getPort());
                for (int lap = 1; lap <= 3; lap++)
                {
                    final HttpResponse<String> answer = client.beacon(EnvelopeJson.batch(UUID.randomUUID(), TS,
                        SESSION, (lap - 1) * FRAMES_PER_LAP, FRAMES_PER_LAP, lap, sequence -> START_US + sequence * 10_000));
                    assertEquals(202, answer.statusCode(), answer.body());
                }
                final HttpResponse<String> end = client.beacon(EnvelopeJson.timestamped(UUID.randomUUID(), TS, SESSION,
                    "session.end", START_US + 3 * FRAMES_PER_LAP * 10_000L));
                assertEquals(202, end.statusCode(), end.body());
                Await.until("three laps and the session are in PostgreSQL", Duration.ofSeconds(60),
                    () -> count(postgres, "SELECT count(*) FROM insights") == 4);
            }

            try (GatewayServer gateway = start(postgres)) // the sink runs the journal again and upserts
            {
                final GatewayClient client = new GatewayClient(gateway.address().getPort());
                Await.until("the restarted sink wrote every insight again", Duration.ofSeconds(60),
                    () -> client.metricOrNaN(WRITTEN) == 4 && client.metricOrNaN(LAG) == 0);
                assertEquals(0, client.metricOrNaN("pitgun_sink_failures_total{sink=\"postgres\"}"));
                assertEquals(1, client.metricOrNaN("pitgun_sink_connected{sink=\"postgres\"}"));
                Promtool.assertMetricsPass(client.get("/metrics").body());
            }
            assertEquals(4, count(postgres, "SELECT count(*) FROM insights"), "one row per insight");

            final CliRun run = CliRun.of("runs", "--url", postgres.jdbcUrl(), "--session", SESSION.toString());
            assertEquals(0, run.exitCode(), run.err());
            final String[] lines = run.out().split("\n");
            assertEquals(4, lines.length, run.out());
            assertEquals("session " + SESSION + "  source 0  manifest gateway-default", lines[0].substring(0,
                lines[0].indexOf(" (")), run.out());
            assertEquals("laps 3  best 0.990 s  completed", lines[0].substring(lines[0].indexOf("laps ")), run.out());
            assertEquals("  lap   1      0.990 s      100 frames", lines[1]);
            assertEquals("  lap   3      0.990 s      100 frames", lines[3]);

            // A run with its out-lap only has no best lap: "-", not 0.
            final UUID outLapOnly = UUID.randomUUID();
            try (GatewayServer gateway = start(postgres))
            {
                final GatewayClient client = new GatewayClient(gateway.address().getPort());
                assertEquals(202, client.beacon(EnvelopeJson.batch(UUID.randomUUID(), TS, outLapOnly, 0, FRAMES_PER_LAP,
                    0, sequence -> START_US + sequence * 10_000)).statusCode());
                assertEquals(202, client.beacon(EnvelopeJson.timestamped(UUID.randomUUID(), TS, outLapOnly,
                    "session.end", START_US + FRAMES_PER_LAP * 10_000L)).statusCode());
                Await.until("the out-lap and its session are in PostgreSQL", Duration.ofSeconds(60),
                    () -> count(postgres, "SELECT count(*) FROM insights WHERE session_id = '" + outLapOnly + "'") == 2);
            }
            final CliRun outLap = CliRun.of("runs", "--url", postgres.jdbcUrl(), "--session", outLapOnly.toString());
            assertEquals(0, outLap.exitCode(), outLap.err());
            final String first = outLap.out().split("\n")[0];
            assertEquals("laps 1  best -  completed", first.substring(first.indexOf("laps ")), outLap.out());

            final CliRun none = CliRun.of("runs", "--url", postgres.jdbcUrl(), "--session", UUID.randomUUID().toString());
            assertEquals(0, none.exitCode(), none.err());
            assertEquals(true, none.out().startsWith("no runs of session "), none.out());
        }
    }

    private GatewayServer start(final PostgresServer postgres) throws Exception
    {
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        flags.put(GatewaySetting.DATA_DIR, dataDir.toString());
        flags.put(GatewaySetting.RATE_LIMIT, "0");
        flags.put(GatewaySetting.POSTGRES_URL, postgres.jdbcUrl());
        return GatewayServer.start(GatewayConfig.resolve(Map.of(), flags));
    }

    private static long count(final PostgresServer postgres, final String sql)
    {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl());
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql))
        {
            result.next();
            return result.getLong(1);
        }
        catch (final SQLException ex)
        {
            return -1; // the sink has not created the schema yet
        }
    }
}
