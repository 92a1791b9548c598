package io.pitgun.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.EnvelopeJson;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The derived table of {@code pitgun journal export --manifest} and of the live Parquet sink
 * ({@code PITGUN_GATEWAY_PARQUET_DIR}) across a gateway restart on one data directory holds what the gateways derived,
 * value for value: each restarted gateway started its pipeline afresh (an exponential moving average starts again
 * from the restarted run's first frame), after a SIGTERM and after a {@code kill -9} alike. What the gateways derived
 * is every derived frame a {@code /ws?subscribe=derived} subscriber of each run got. Before, both readers ran the
 * whole journal through one pipeline, so the average carried on across the restart: every row after it differed.
 */
class DerivedTableAcrossRestartsProcessTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TS = "2026-04-11T12:00:00Z";
    private static final long T0 = 1_775_908_800_000_000L;
    private static final int FRAMES_PER_RUN = 10;
    private static final String MANIFEST = String.join("\n",
        "version: v1",
        "name: ema",
        "pipeline:",
        "  - type: formula",
        "    derived_channels:",
        "      - { name: Speed_Ema, expr: \"ema(Speed, 0.3)\" }",
        "  - type: output",
        "    contracts: [pitgun-envelope/v1]",
        "");

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void shouldDeriveTheTablesAcrossAGracefulStopAsTheGatewaysDid() throws Exception
    {
        derivedTablesEqualLive(false);
    }

    @Test
    @Timeout(240)
    void shouldDeriveTheTablesAcrossAKill9AsTheGatewaysDid() throws Exception
    {
        derivedTablesEqualLive(true);
    }

    /** Frames 0-9 of one session to a first gateway (SIGTERM or kill -9), 10-19 to a second, stopped by SIGTERM. */
    private void derivedTablesEqualLive(final boolean kill9) throws Exception
    {
        final Path manifest = dir.resolve("ema.yaml");
        Files.writeString(manifest, MANIFEST, StandardCharsets.UTF_8);
        final Path data = dir.resolve("data");
        final Path parquet = dir.resolve("parquet");
        final Map<String, String> env = Map.of("PITGUN_GATEWAY_PARQUET_DIR", parquet.toString());
        final UUID session = UUID.randomUUID();
        final Map<Long, Double> live = new TreeMap<>();
        try (GatewayProcess gateway = GatewayProcess.start(data, List.of(), env, "--manifest", manifest.toString()))
        {
            runFrames(gateway, session, 0, live);
            if (kill9)
            {
                gateway.kill9();
            }
            else
            {
                assertEquals(0, gateway.terminate(Duration.ofSeconds(60)), gateway.logs());
            }
        }
        try (GatewayProcess gateway = GatewayProcess.start(data, List.of(), env, "--manifest", manifest.toString()))
        {
            runFrames(gateway, session, FRAMES_PER_RUN, live);
            assertEquals(0, gateway.terminate(Duration.ofSeconds(60)), gateway.logs());
        }
        assertEquals(2 * FRAMES_PER_RUN, live.size(), live.toString());

        final Path export = dir.resolve("export");
        final InProcessCli run = InProcessCli.run("journal", "export", data.resolve("journal").toString(), "--out",
            export.toString(), "--manifest", manifest.toString());
        assertEquals(0, run.exitCode(), run.err());
        final Map<Long, Double> exported = speedEma(export.resolve("derived"));
        final Map<Long, Double> sunk = speedEma(parquet.resolve("derived"));
        assertAll(() -> assertEquals(live, exported, "journal export --manifest"),
            () -> assertEquals(live, sunk, "the live Parquet sink"));
    }

    /**
     * Posts {@link #FRAMES_PER_RUN} frames from sequence {@code first} (acknowledged once journaled) and puts each
     * derived frame's Speed_Ema that a subscriber of this gateway got into {@code live}, by sequence.
     */
    private static void runFrames(final GatewayProcess gateway, final UUID session, final long first,
        final Map<Long, Double> live) throws Exception
    {
        final WebSocketMessages messages = new WebSocketMessages();
        final WebSocket ws = WebSocketMessages.connect(HttpClient.newHttpClient(),
            gateway.wsUri("/ws?subscribe=derived"), messages, Duration.ofSeconds(10));
        try
        {
            final String envelope = EnvelopeJson.batch(UUID.randomUUID(), TS, session, first, FRAMES_PER_RUN, 1,
                sequence -> T0 + sequence * 10_000L);
            assertEquals(202, gateway.beacon(envelope).statusCode(), gateway.logs());
            final long until = first + FRAMES_PER_RUN;
            Await.until("the derived frames of this run", Duration.ofSeconds(60), () ->
            {
                String text;
                while ((text = messages.texts.poll()) != null)
                {
                    final JsonNode ema = JSON.readTree(text).findValue("Speed_Ema");
                    if (ema != null)
                    {
                        live.put(JSON.readTree(text).findValue("sequence").asLong(), ema.asDouble());
                    }
                }
                return live.size() == until;
            });
        }
        finally
        {
            ws.abort();
        }
    }

    /** Speed_Ema by sequence, of every row of a derived table's Parquet files, read by DuckDB. */
    private static Map<Long, Double> speedEma(final Path derived) throws Exception
    {
        final Map<Long, Double> rows = new TreeMap<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duck.createStatement();
             ResultSet rs = statement.executeQuery("SELECT sequence, Speed_Ema FROM read_parquet('" + derived +
                 "/*/*.parquet')"))
        {
            while (rs.next())
            {
                assertEquals(null, rows.put(rs.getLong(1), rs.getDouble(2)), "sequence " + rs.getLong(1) + " twice");
            }
        }
        return rows;
    }
}
