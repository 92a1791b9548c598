package io.pitgun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An insight from a real gateway run, as a subscriber receives it ({@code {"type":"insight","insight":{...}}}),
 * proved by {@code pitgun insight verify} against the gateway's journal and its signed manifest; the same message
 * against another gateway's journal fails naming the journal range.
 */
class InsightVerifyGatewayTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSION = "53702b3e-3e56-41a2-8834-9169ee5e991e";
    private static final String PLAYER = "7d16dde5-88a6-4b47-8cd8-c711601cd61f";

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldProveAnInsightASubscriberReceivedFromTheGateway() throws Exception
    {
        assertEquals(0, CliRun.of("keys", "generate", "--out", dir.resolve("authority").toString()).exitCode());
        final Path manifest = dir.resolve("m.yaml");
        try (InputStream in = InsightVerifyGatewayTest.class.getClassLoader()
            .getResourceAsStream("examples/pipeline-manifest/v1/valid/demo-reference.yaml"))
        {
            Files.write(manifest, in.readAllBytes());
        }
        assertEquals(0, CliRun.of("manifest", "sign", manifest.toString(), "--key",
            dir.resolve("authority.key").toString()).exitCode());
        final String trust = dir.resolve("authority.pub").toString();

        // The shipped session's out-lap and first lap (lap 1's summary comes when lap 2 begins).
        final List<String> rows = Files.readAllLines(Path.of("..", "datasets", "sim-session-monza.csv"));
        final Path csv = dir.resolve("two-laps.csv");
        Files.write(csv, rows.subList(0, 9_300));

        final Path data = dir.resolve("live");
        final String message = lapOneInsightMessage(data, manifest, trust, csv);
        final Path insight = dir.resolve("insight.json");
        Files.writeString(insight, message + "\n", StandardCharsets.UTF_8);

        final CliRun ok = CliRun.of("insight", "verify", insight.toString(), "--journal",
            data.resolve("journal").toString(), "--manifest", manifest.toString(), "--trust", trust);
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().contains(insight + ": OK: byte-identical"), ok.out());

        // Another gateway's journal of only the out-lap does not reach the insight's range.
        final Path shorter = dir.resolve("short");
        Files.write(csv, rows.subList(0, 600));
        runGateway(shorter, manifest, trust, csv);
        final CliRun other = CliRun.of("insight", "verify", insight.toString(), "--journal",
            shorter.resolve("journal").toString(), "--manifest", manifest.toString(), "--trust", trust);
        assertEquals(1, other.exitCode(), other.out());
        assertTrue(other.err().contains("journal range differs"), other.err());
    }

    private static String lapOneInsightMessage(final Path data, final Path manifest, final String trust,
        final Path csv) throws Exception
    {
        try (GatewayServer gateway = LoopbackGateway.start(data,
            Map.of(GatewaySetting.MANIFEST, manifest.toString(), GatewaySetting.TRUST, trust)))
        {
            final WebSocketMessages messages = new WebSocketMessages();
            final WebSocket ws = WebSocketMessages.connect(HttpClient.newHttpClient(),
                URI.create("ws://127.0.0.1:" + gateway.address().getPort() + "/ws?subscribe=derived"), messages,
                Duration.ofSeconds(10));
            replay(gateway, csv);
            final String[] found = new String[1];
            Await.until("the lap 1 summary", Duration.ofSeconds(60), () ->
            {
                String text;
                while ((text = messages.texts.poll()) != null)
                {
                    final JsonNode insight = JSON.readTree(text).path("insight");
                    if ("lap_summary".equals(insight.path("kind").asText()) &&
                        insight.path("lap_number").asInt() == 1)
                    {
                        found[0] = text;
                    }
                }
                return found[0] != null;
            });
            ws.abort();
            return found[0];
        }
    }

    private static void runGateway(final Path data, final Path manifest, final String trust, final Path csv)
        throws Exception
    {
        try (GatewayServer gateway = LoopbackGateway.start(data,
            Map.of(GatewaySetting.MANIFEST, manifest.toString(), GatewaySetting.TRUST, trust)))
        {
            replay(gateway, csv);
        }
    }

    private static void replay(final GatewayServer gateway, final Path csv)
    {
        final CliRun replay = CliRun.of("replay", "--input", csv.toString(), "--target",
            "127.0.0.1:" + gateway.address().getPort(), "--rate", "50000", "--batch", "100", "--session-id", SESSION,
            "--player-id", PLAYER);
        assertEquals(0, replay.exitCode(), replay.err());
    }
}
