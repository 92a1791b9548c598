package io.pitgun.sinks;

import io.pitgun.testsupport.PostgresServer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The runs and laps views over insights as the sink stores them: a run's best lap is its fastest complete flying lap,
 * as the live page picks it — not the F1 game's out-lap (lap 1 there) or an invalidated lap, not the simulator's
 * lap 0, and not the lap a session ended in.
 */
class RunsViewTest
{
    private static final long START_US = 1_796_306_400_000_000L;

    @Test
    void shouldTakeTheBestLapFromFlyingLapsOnly() throws Exception
    {
        try (PostgresServer server = PostgresServer.startOrSkip())
        {
            PostgresSink.migrate(server.jdbcUrl());
            final UUID f1 = UUID.randomUUID();
            final UUID sim = UUID.randomUUID();
            try (Connection connection = DriverManager.getConnection(server.jdbcUrl()))
            {
                // The game's session: an out-lap, a flying lap, an invalidated (faster) lap, another flying lap.
                lap(connection, f1, 1, 100, "{\"out_lap\":{\"max\":1},\"in_lap\":{\"max\":0},\"lap_invalid\":{\"max\":0}}");
                lap(connection, f1, 2, 90, "{\"out_lap\":{\"max\":0},\"in_lap\":{\"max\":0},\"lap_invalid\":{\"max\":0}}");
                lap(connection, f1, 3, 80, "{\"out_lap\":{\"max\":0},\"in_lap\":{\"max\":0},\"lap_invalid\":{\"max\":1}}");
                lap(connection, f1, 4, 95, "{\"out_lap\":{\"max\":0},\"in_lap\":{\"max\":0},\"lap_invalid\":{\"max\":0}}");
                // The lap the session ended in, 12 s into it: not complete, so never the best.
                lap(connection, f1, 5, 12, "{\"out_lap\":{\"max\":0},\"in_lap\":{\"max\":0},\"lap_invalid\":{\"max\":0}}");
                // The simulator's: its summaries say nothing of lap kinds; lap 0 (shorter) is the out-lap.
                lap(connection, sim, 0, 5, "{\"Speed\":{\"max\":300}}");
                lap(connection, sim, 1, 91, "{\"Speed\":{\"max\":310}}");
                lap(connection, sim, 2, 3, "{\"Speed\":{\"max\":120}}");

                assertEquals(90.0, best(connection, f1));
                assertEquals(List.of(false, true, false, true, true), flying(connection, f1));
                assertEquals(91.0, best(connection, sim));
                assertEquals(List.of(false, true, true), flying(connection, sim));
            }
        }
    }

    private static void lap(final Connection connection, final UUID session, final int lap, final int seconds,
        final String channels) throws Exception
    {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO insights (insight_id, schema_version, " +
            "kind, session_id, source_id, lap_number, start_timestamp_us, end_timestamp_us, frame_count, " +
            "manifest_sha256, document) VALUES (?, 'insight-contract/v1', 'lap_summary', ?, 0, ?, ?, ?, 100, 'sha', " +
            "?::jsonb)"))
        {
            final long start = START_US + lap * 200_000_000L;
            insert.setObject(1, UUID.randomUUID());
            insert.setObject(2, session);
            insert.setInt(3, lap);
            insert.setLong(4, start);
            insert.setLong(5, start + seconds * 1_000_000L);
            insert.setString(6, "{\"kind\":\"lap_summary\",\"channels\":" + channels + "}");
            insert.executeUpdate();
        }
    }

    private static double best(final Connection connection, final UUID session) throws Exception
    {
        try (PreparedStatement query = connection.prepareStatement("SELECT best_lap_s FROM runs WHERE session_id = ?"))
        {
            query.setObject(1, session);
            try (ResultSet rs = query.executeQuery())
            {
                rs.next();
                return rs.getDouble(1);
            }
        }
    }

    private static List<Boolean> flying(final Connection connection, final UUID session) throws Exception
    {
        final List<Boolean> flying = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
            "SELECT flying FROM laps WHERE session_id = ? ORDER BY lap_number"))
        {
            query.setObject(1, session);
            try (ResultSet rs = query.executeQuery())
            {
                while (rs.next())
                {
                    flying.add(rs.getBoolean(1));
                }
            }
        }
        return flying;
    }
}
