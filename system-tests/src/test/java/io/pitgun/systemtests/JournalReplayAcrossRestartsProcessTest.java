package io.pitgun.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.EnvelopeJson;
import io.pitgun.testsupport.RegistryReceiver;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pitgun journal replay} of a journal that spans gateway restarts on one data directory writes what the
 * gateways derived, byte for byte: each restarted gateway started its pipeline afresh, in the middle of a lap, and a
 * gateway stopped by SIGTERM drained its open lap and session into summaries while one killed by {@code kill -9} did
 * not. What the gateways derived is every insight their run registry mirror posted, in order (the mirror also posts
 * the summaries a graceful stop drains, which no subscriber gets). Before, the replay ran the whole journal through
 * one pipeline: its lap 2 spanned the restart (one summary of both runs' frames, where each gateway wrote its own or
 * none) and no stop's drain was replayed.
 */
class JournalReplayAcrossRestartsProcessTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TS = "2026-04-11T12:00:00Z";
    private static final long T0 = 1_775_908_800_000_000L;
    private static final String MANIFEST = String.join("\n",
        "version: v1",
        "name: laps",
        "pipeline:",
        "  - type: formula",
        "    derived_channels:",
        "      - { name: Speed_Ema, expr: \"ema(Speed, 0.3)\" }",
        "  - type: segment",
        "    by: lap",
        "    aggregates:",
        "      - { channel: Speed_Ema, stats: [count, last] }",
        "  - type: segment",
        "    by: session",
        "    aggregates:",
        "      - { channel: Speed, stats: [count, max] }",
        "  - type: output",
        "    contracts: [insight-contract/v1]",
        "");

    /** Sources 0 and 1 merged in 2 ms windows, emitted once both passed a window's end (or 100 ms after it). */
    private static final String MERGE_MANIFEST = String.join("\n",
        "version: v1",
        "name: merged",
        "pipeline:",
        "  - type: merge",
        "    sources: [0, 1]",
        "    window_us: 2000",
        "    max_lateness_us: 100000",
        "  - type: formula",
        "    derived_channels:",
        "      - { name: Power_kW, expr: \"Torque_Nm * Engine_RPM / 9549.0\", unit: kW }",
        "  - type: output",
        "    contracts: [pitgun-envelope/v1]",
        "");

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void shouldReplayAJournalSpanningAGracefulStopAsTheGatewaysDerivedIt() throws Exception
    {
        replayEqualsLive(false);
    }

    @Test
    @Timeout(240)
    void shouldReplayAJournalSpanningAKill9AsTheGatewaysDerivedIt() throws Exception
    {
        replayEqualsLive(true);
    }

    /**
     * Lap 1 and the start of lap 2 to a first gateway (stopped by SIGTERM, or killed once it mirrored lap 1's
     * summary); the rest of lap 2 and lap 3 to a second on the same data directory, stopped by SIGTERM.
     */
    private void replayEqualsLive(final boolean kill9) throws Exception
    {
        final Path manifest = dir.resolve("laps.yaml");
        Files.writeString(manifest, MANIFEST, StandardCharsets.UTF_8);
        final Path data = dir.resolve("data");
        final UUID session = UUID.randomUUID();
        // SIGTERM drains lap 2 and the session into summaries; kill -9 leaves them unwritten.
        final int afterFirst = kill9 ? 1 : 3;
        final List<String> live;
        try (RegistryReceiver registry = new RegistryReceiver(204))
        {
            final Map<String, String> env = Map.of("PITGUN_GATEWAY_RUN_REGISTRY_URL", registry.url());
            try (GatewayProcess gateway = GatewayProcess.start(data, List.of(), env, "--manifest",
                manifest.toString()))
            {
                post(gateway, session, 0, 10, 1);
                post(gateway, session, 10, 5, 2);
                awaitRecords(registry, 1); // lap 1's summary, once lap 2 began
                if (kill9)
                {
                    gateway.kill9();
                }
                else
                {
                    assertEquals(0, gateway.terminate(Duration.ofSeconds(60)), gateway.logs());
                }
            }
            awaitRecords(registry, afterFirst);
            try (GatewayProcess gateway = GatewayProcess.start(data, List.of(), env, "--manifest",
                manifest.toString()))
            {
                post(gateway, session, 15, 5, 2);
                post(gateway, session, 20, 10, 3);
                awaitRecords(registry, afterFirst + 1); // the restarted gateway's lap 2: the 5 frames it read
                assertEquals(0, gateway.terminate(Duration.ofSeconds(60)), gateway.logs());
            }
            awaitRecords(registry, afterFirst + 3); // lap 3 and the session, drained at the stop
            live = registry.requests().stream().map(RegistryReceiver.Request::body).toList();
        }
        assertEquals(afterFirst + 3, live.size(), String.join("\n", live));

        final Path out = dir.resolve("replay.jsonl");
        final InProcessCli replay =
            InProcessCli.run("journal", "replay", data.resolve("journal").toString(), "--manifest",
            manifest.toString(), "--out", out.toString());
        assertEquals(0, replay.exitCode(), replay.err());
        assertEquals(String.join("\n", live) + "\n", Files.readString(out, StandardCharsets.UTF_8));
    }

    /**
     * A merged session open across a {@code kill -9}: the first gateway emitted the window both sources had passed
     * and held the next (one source was not past its end yet) when it was killed, so that window was never derived;
     * the restarted gateway started with no merge session, and derived only the window of its own frames, at the
     * session's end. The replay forgets the held window at the restart's {@code ManifestLoaded} as the restarted
     * gateway did: its derived frames are the ones the gateways' subscribers got. Carried across the restart, the
     * held window would have been emitted once the new frames passed it (a derived frame no gateway wrote).
     */
    @Test
    @Timeout(240)
    void shouldReplayAMergedSessionOpenAcrossAKill9AsTheGatewaysMergedIt() throws Exception
    {
        final Path manifest = dir.resolve("merged.yaml");
        Files.writeString(manifest, MERGE_MANIFEST, StandardCharsets.UTF_8);
        final Path data = dir.resolve("data");
        final UUID session = UUID.randomUUID();
        final List<JsonNode> live = new ArrayList<>();
        try (GatewayProcess gateway = GatewayProcess.start(data, "--manifest", manifest.toString()))
        {
            live.addAll(derivedFramesOf(gateway, 1, () ->
            {
                // Window [T0, T0 + 2 ms) is passed by both and emitted; [T0 + 2 ms, T0 + 4 ms) is held.
                postMerged(gateway, session, 0, T0 + 500);
                postMerged(gateway, session, 1, T0 + 1_000);
            }));
            gateway.kill9();
        }
        try (GatewayProcess gateway = GatewayProcess.start(data, "--manifest", manifest.toString()))
        {
            live.addAll(derivedFramesOf(gateway, 1, () ->
            {
                postMerged(gateway, session, 0, T0 + 4_000);
                postMerged(gateway, session, 1, T0 + 4_000);
                assertEquals(202, gateway.beacon(EnvelopeJson.timestamped(UUID.randomUUID(), TS, session,
                    "session.end", T0 + 10_000)).statusCode(), gateway.logs());
            }));
            assertEquals(0, gateway.terminate(Duration.ofSeconds(60)), gateway.logs());
        }

        final Path out = dir.resolve("replay.jsonl");
        final InProcessCli replay = InProcessCli.run("journal", "replay", data.resolve("journal").toString(),
            "--manifest", manifest.toString(), "--out", out.toString());
        assertEquals(0, replay.exitCode(), replay.err());
        final List<JsonNode> replayed = new ArrayList<>();
        for (final String line : Files.readAllLines(out, StandardCharsets.UTF_8))
        {
            replayed.add(JSON.readTree(line));
        }
        assertEquals(live, replayed);
    }

    /** What {@link #derivedFramesOf} runs while subscribed. */
    @FunctionalInterface
    private interface Posts
    {
        void run() throws Exception;
    }

    /**
     * Runs {@code posts} while subscribed to the gateway's derived output; returns the frames of the first
     * {@code count} messages ({@code {"type":"derived_frame","frame":{...}}}, the frame as the replay writes it).
     */
    private static List<JsonNode> derivedFramesOf(final GatewayProcess gateway, final int count, final Posts posts)
        throws Exception
    {
        final WebSocketMessages messages = new WebSocketMessages();
        final WebSocket ws = WebSocketMessages.connect(HttpClient.newHttpClient(),
            gateway.wsUri("/ws?subscribe=derived"), messages, Duration.ofSeconds(10));
        try
        {
            posts.run();
            Await.until(count + " derived frame(s)", Duration.ofSeconds(60), () -> messages.texts.size() >= count);
            final List<JsonNode> frames = new ArrayList<>();
            for (final String text : messages.texts)
            {
                frames.add(JSON.readTree(text).path("frame"));
            }
            return frames;
        }
        finally
        {
            ws.abort();
        }
    }

    /** 4 frames of source {@code source} 500 us apart from {@code firstUs}, acknowledged. */
    private static void postMerged(final GatewayProcess gateway, final UUID session, final int source,
        final long firstUs) throws Exception
    {
        final StringBuilder frames = new StringBuilder();
        for (int i = 0; i < 4; i++)
        {
            frames.append(i == 0 ? "" : ",").append("{\"sequence\":").append(firstUs / 500 + i)
                .append(",\"timestamp_us\":").append(firstUs + 500L * i).append(",\"samples\":{")
                .append(source == 0 ? "\"Torque_Nm\":300.5" : "\"Engine_RPM\":9549").append("}}");
        }
        final String envelope = EnvelopeJson.head(UUID.randomUUID(), TS, session, "telemetry.sample_batch") +
            "\"source_id\":" + source + ",\"payload\":{\"frames\":[" + frames + "]}}";
        assertEquals(202, gateway.beacon(envelope).statusCode(), gateway.logs());
    }

    /** {@code frames} frames of lap {@code lap} from sequence {@code first}, 10 ms apart, acknowledged. */
    private static void post(final GatewayProcess gateway, final UUID session, final long first, final int frames,
        final int lap) throws Exception
    {
        final String envelope = EnvelopeJson.batch(UUID.randomUUID(), TS, session, first, frames, lap,
            sequence -> T0 + sequence * 10_000L);
        assertEquals(202, gateway.beacon(envelope).statusCode(), gateway.logs());
    }

    private static void awaitRecords(final RegistryReceiver registry, final int count) throws Exception
    {
        Await.until(count + " insight records in the run registry", Duration.ofSeconds(60),
            () -> registry.requests().size() >= count);
    }
}
