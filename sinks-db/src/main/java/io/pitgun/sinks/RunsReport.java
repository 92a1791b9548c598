package io.pitgun.sinks;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code pitgun runs}: the runs the PostgreSQL sink holds (views {@code runs} and {@code laps}), newest first, each
 * with its laps. Read-only; the schema must exist (a gateway with {@code output.postgres} created it).
 */
public final class RunsReport
{
    private static final String RUNS = "SELECT session_id, source_id, manifest_name, manifest_sha256, " +
        "start_timestamp_us, end_timestamp_us, laps, best_lap_s, completed FROM runs " +
        "WHERE (CAST(? AS uuid) IS NULL OR session_id = CAST(? AS uuid)) ORDER BY start_timestamp_us DESC, source_id";
    private static final String LAPS = "SELECT lap_number, lap_time_s, frame_count FROM laps " +
        "WHERE session_id = ? AND source_id = ? AND manifest_sha256 = ? ORDER BY lap_number";

    private RunsReport()
    {
    }

    /**
     * Prints every run (of {@code sessionId} only, when given) with its laps.
     *
     * @return the number of runs printed.
     */
    public static int print(final String jdbcUrl, final UUID sessionId, final PrintWriter out) throws SQLException
    {
        int runs = 0;
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
             PreparedStatement runQuery = connection.prepareStatement(RUNS);
             PreparedStatement lapQuery = connection.prepareStatement(LAPS))
        {
            connection.setReadOnly(true);
            runQuery.setObject(1, sessionId);
            runQuery.setObject(2, sessionId);
            try (ResultSet run = runQuery.executeQuery())
            {
                while (run.next())
                {
                    runs++;
                    final UUID session = (UUID)run.getObject(1);
                    final int source = run.getInt(2);
                    final String manifestSha = run.getString(4);
                    final long laps = run.getLong(7);
                    final double best = run.getDouble(8);
                    // wasNull speaks of the last column read: best's, read just now (no flying lap: NULL).
                    final String bestText = run.wasNull() ? "-" : String.format(Locale.ROOT, "%.3f s", best);
                    out.printf(Locale.ROOT, "session %s  source %d  manifest %s (%s)  laps %d  best %s  %s%n",
                        session, source, run.getString(3), manifestSha.substring(0, Math.min(12, manifestSha.length())),
                        laps, bestText, run.getBoolean(9) ? "completed" : "open");
                    lapQuery.setObject(1, session);
                    lapQuery.setInt(2, source);
                    lapQuery.setString(3, manifestSha);
                    try (ResultSet lap = lapQuery.executeQuery())
                    {
                        while (lap.next())
                        {
                            out.printf(Locale.ROOT, "  lap %3d  %9.3f s  %7d frames%n", lap.getInt(1), lap.getDouble(2),
                                lap.getLong(3));
                        }
                    }
                }
            }
        }
        if (runs == 0)
        {
            out.println(sessionId == null ? "no runs" : "no runs of session " + sessionId);
        }
        out.flush();
        return runs;
    }
}
