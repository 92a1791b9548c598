package io.pitgun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pitgun gateway --udp} with no manifest runs the built-in f1-25-laps manifest: a subscriber gets frames with
 * a lap distance next to the car telemetry (what the live page plots and compares against), and a
 * {@code lap_summary} insight per finished lap with the lap's speed, from {@code pitgun f1-udp-sim} sending two laps
 * of session time 25 times faster than the game would.
 */
class F1LapInsightsTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldSummariseEveryFinishedLapOfTheGamesTelemetry() throws Exception
    {
        final CommandLine.ParseResult parsed = PitgunCommand.newCommandLine().parseArgs("gateway", "--bind",
            "127.0.0.1:0", "--data-dir", dataDir.toString(), "--udp", "127.0.0.1:0", "--rate-limit", "0",
            "--subscriber-buffer-bytes", String.valueOf(1 << 24));
        final GatewayCommand command = (GatewayCommand)parsed.subcommand().commandSpec().userObject();
        final GatewayServer server = GatewayServer.start(GatewayConfig.resolve(Map.of(), command.flags()));
        try
        {
            final WebSocketMessages messages = new WebSocketMessages();
            final WebSocket ws = WebSocketMessages.connect(HttpClient.newHttpClient(),
                URI.create("ws://127.0.0.1:" + server.address().getPort() + "/ws?subscribe=derived"), messages,
                Duration.ofSeconds(10));
            final int udpPort = server.udpAddress().orElseThrow().getPort();
            // About 2.5 laps of a Monza-like lap (about 85 s at the simulator's pace) in 8 s.
            final CliRun sim = CliRun.of("f1-udp-sim", "--target", "127.0.0.1:" + udpPort, "--duration", "210",
                "--speed", "25");
            assertEquals(0, sim.exitCode(), sim.err());

            final Map<Integer, JsonNode> laps = new TreeMap<>();
            final boolean[] telemetryWithDistance = { false };
            Await.until("lap summaries of the out-lap and the first flying lap", Duration.ofSeconds(60), () ->
            {
                String text;
                while ((text = messages.texts.poll()) != null)
                {
                    final JsonNode message = JSON.readTree(text);
                    final JsonNode insight = message.path("insight");
                    if ("lap_summary".equals(insight.path("kind").asText()))
                    {
                        laps.put(insight.path("lap_number").asInt(), insight);
                    }
                    final JsonNode samples = message.path("frame").path("samples");
                    if (samples.has("Speed") && samples.has("lap_distance") && samples.has("Speed_ms"))
                    {
                        telemetryWithDistance[0] = true;
                    }
                }
                return laps.size() >= 2;
            });
            ws.abort();
            assertTrue(telemetryWithDistance[0], "a car telemetry frame carries the held lap distance");
            assertTrue(laps.containsKey(1) && laps.containsKey(2), "laps " + laps.keySet());
            final JsonNode flying = laps.get(2);
            final JsonNode speed = flying.path("channels").path("Speed");
            assertTrue(speed.path("max").asDouble() > 250 && speed.path("max").asDouble() < 400, flying.toString());
            assertTrue(speed.path("count").asLong() > 0, flying.toString());
            final JsonNode window = flying.path("window");
            final double lapS = (window.path("end_timestamp_us").asLong() - window.path("start_timestamp_us").asLong())
                / 1e6;
            assertTrue(lapS > 60 && lapS < 120, "a Monza-like lap time in session time: " + lapS + " s");
        }
        finally
        {
            server.shutdown();
        }
    }
}
