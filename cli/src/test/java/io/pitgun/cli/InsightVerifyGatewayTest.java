package io.pitgun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.EnvelopeJson;
import io.pitgun.testsupport.OlderJournal;
import io.pitgun.testsupport.RegistryReceiver;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An insight from a real gateway run, as a subscriber receives it ({@code {"type":"insight","insight":{...}}}),
 * proved by {@code pitgun insight verify} against the gateway's journal and its signed manifest; the same message
 * against another gateway's journal fails naming the journal range. An insight a subscriber with
 * {@code read_restricted} received is proved as such a subscriber sees it ({@code --read-restricted}), and one of
 * a gateway restarted in the middle of a lap as the restarted pipeline derived it.
 */
class InsightVerifyGatewayTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSION = "53702b3e-3e56-41a2-8834-9169ee5e991e";
    private static final String PLAYER = "7d16dde5-88a6-4b47-8cd8-c711601cd61f";
    /** What a subscriber's insight message holds before the insight itself (and a closing brace after it). */
    private static final String INSIGHT_MESSAGE_HEAD = "{\"type\":\"insight\",\"insight\":";

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

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldProveAnInsightASubscriberWithReadRestrictedReceivedOnlyAsSuchASubscriberSeesIt() throws Exception
    {
        final Path manifest = dir.resolve("levels.yaml");
        Files.writeString(manifest, String.join("\n",
            "version: v1",
            "name: levels",
            "pipeline:",
            "  - type: segment",
            "    by: lap",
            "    aggregates:",
            "      - { channel: Speed, stats: [max] }",
            "      - { channel: Engine_Map, stats: [mean] }",
            "      - { channel: MGUK_Power, stats: [mean] }",
            "  - type: output",
            "    contracts: [insight-contract/v1]",
            ""), StandardCharsets.UTF_8);
        final Path tokens = dir.resolve("tokens.json");
        final String car = token(tokens, "car", "ingest");
        final String engineer = token(tokens, "engineer", "subscribe,read_restricted");
        final Path data = dir.resolve("live");
        final String message;
        try (GatewayServer gateway = LoopbackGateway.start(data, Map.of(GatewaySetting.MANIFEST, manifest.toString(),
            GatewaySetting.TOKENS_FILE, tokens.toString(), GatewaySetting.RESTRICTED_CLIENTS, "car")))
        {
            final int port = gateway.address().getPort();
            final WebSocketMessages messages = new WebSocketMessages();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + engineer)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?subscribe=derived"), messages)
                .get(10, TimeUnit.SECONDS);
            final HttpClient http = HttpClient.newHttpClient();
            for (int lap = 1; lap <= 2; lap++)
            {
                final StringBuilder frames = new StringBuilder();
                for (int i = 0; i < 20; i++)
                {
                    final int sequence = lap * 100 + i;
                    frames.append(i == 0 ? "" : ",").append("{\"sequence\":").append(sequence)
                        .append(",\"timestamp_us\":").append(1_775_908_800_000_000L + sequence * 1_000L)
                        .append(",\"lap_number\":").append(lap).append(",\"samples\":{\"Speed\":")
                        .append(200 + i).append(",\"Engine_Map\":").append(3 + i % 3).append(",\"MGUK_Power\":")
                        .append(50 + i).append("}}");
                }
                final String envelope = EnvelopeJson.head(UUID.randomUUID(), "2026-04-11T12:00:00Z", SESSION,
                    "telemetry.sample_batch") + "\"payload\":{\"frames\":[" + frames + "]}}";
                final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/beacon"))
                    .header("Authorization", "Bearer " + car).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, response.statusCode(), response.body());
            }
            final String[] found = new String[1];
            Await.until("the lap 1 summary", Duration.ofSeconds(30), () ->
            {
                String text;
                while ((text = messages.texts.poll()) != null)
                {
                    if ("lap_summary".equals(JSON.readTree(text).path("insight").path("kind").asText()))
                    {
                        found[0] = text;
                    }
                }
                return found[0] != null;
            });
            ws.abort();
            message = found[0];
        }
        final JsonNode channels = JSON.readTree(message).path("insight").path("channels");
        assertTrue(channels.has("Engine_Map") && !channels.has("MGUK_Power"), message);
        final Path insight = dir.resolve("insight.json");
        Files.writeString(insight, message + "\n", StandardCharsets.UTF_8);
        final String journal = data.resolve("journal").toString();

        final CliRun asEngineer = CliRun.of("insight", "verify", insight.toString(), "--journal", journal,
            "--manifest", manifest.toString(), "--read-restricted");
        assertEquals(0, asEngineer.exitCode(), asEngineer.err());
        assertTrue(asEngineer.out().contains(insight + ": OK: byte-identical"), asEngineer.out());

        // The default (what a reader without read_restricted gets) and the full file form both differ, by channel.
        final CliRun asPublic = CliRun.of("insight", "verify", insight.toString(), "--journal", journal,
            "--manifest", manifest.toString());
        assertEquals(1, asPublic.exitCode(), asPublic.out());
        assertTrue(asPublic.err().contains("/channels/Engine_Map: {"), asPublic.err());
        assertTrue(asPublic.err().contains("--read-restricted: a subscriber with it"), asPublic.err());
        final CliRun asFile = CliRun.of("insight", "verify", insight.toString(), "--journal", journal,
            "--manifest", manifest.toString(), "--include-restricted");
        assertEquals(1, asFile.exitCode(), asFile.out());
        assertTrue(asFile.err().contains("/channels/MGUK_Power: (absent) vs {"), asFile.err());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldProveAnInsightOfAGatewayRestartedInTheMiddleOfItsLap() throws Exception
    {
        final Path manifest = dir.resolve("m.yaml");
        try (InputStream in = InsightVerifyGatewayTest.class.getClassLoader()
            .getResourceAsStream("examples/pipeline-manifest/v1/valid/demo-reference.yaml"))
        {
            Files.write(manifest, in.readAllBytes());
        }
        final List<String> rows = Files.readAllLines(Path.of("..", "datasets", "sim-session-monza.csv"));
        final Path before = dir.resolve("before.csv");
        Files.write(before, rows.subList(0, 5_000));
        final Path after = dir.resolve("after.csv");
        final List<String> rest = new java.util.ArrayList<>(rows.subList(5_000, 9_300));
        rest.add(0, rows.get(0));
        Files.write(after, rest);

        // Lap 1 begins before the restart, and no session marker comes before or after it (the producer did not
        // end its session, nor start it again); the restarted gateway starts its pipeline afresh, so its lap 1 summary covers the frames after
        // the restart: a replay from the journal's start, whose lap 1 spans the restart, derives another one.
        final Path data = dir.resolve("live");
        try (GatewayServer gateway = LoopbackGateway.start(data, Map.of(GatewaySetting.MANIFEST, manifest.toString())))
        {
            replay(gateway, before, "--no-session-markers");
        }
        final String message = lapOneInsightMessage(data, manifest, null, after, "--no-session-markers");
        final Path insight = dir.resolve("insight.json");
        Files.writeString(insight, message + "\n", StandardCharsets.UTF_8);
        final CliRun ok = CliRun.of("insight", "verify", insight.toString(), "--journal",
            data.resolve("journal").toString(), "--manifest", manifest.toString());
        assertEquals(0, ok.exitCode(), ok.err());
        // The replay from the journal's start proves it: it starts afresh at the restart's ManifestLoaded (before,
        // only a second replay from that entry did: "OK ... replayed from index N, where the journal records ...").
        assertTrue(ok.out().contains(": OK: byte-identical") && !ok.out().contains("replayed from index"), ok.out());
    }

    /**
     * A gateway restarted on its journal with another dictionary (the F1 game's after sim.v1): each run's lap
     * summary is proved with its own manifest, and {@code journal replay} with that manifest writes it as the
     * subscriber got it. Each live pipeline ran one dictionary, so the replays pass over the part of the journal
     * written with the other ({@code journal replay} says so, exit 1). Before, both stopped at that part's
     * ManifestLoaded (exit 1, "the journal's frames from here on were written with dictionary 'f1-25.v1', not
     * 'sim.v1' ..." and the reverse): verify refused both insights, and no replay wrote the F1 run's.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldProveTheInsightsOfAGatewayRestartedWithAnotherDictionary() throws Exception
    {
        final Path simManifest = dir.resolve("sim-laps.yaml");
        Files.writeString(simManifest, lapManifest("sim-laps", "sim.v1"), StandardCharsets.UTF_8);
        final Path f1Manifest = dir.resolve("f1-laps.yaml");
        Files.writeString(f1Manifest, lapManifest("f1-laps", "f1-25.v1"), StandardCharsets.UTF_8);
        final Path data = dir.resolve("live");
        final String ts = "2026-04-11T12:00:00Z";
        final long t0 = 1_775_908_800_000_000L;
        final String simInsight;
        try (GatewayServer gateway = LoopbackGateway.start(data, Map.of(GatewaySetting.MANIFEST,
            simManifest.toString())))
        {
            simInsight = lapOneSummary(gateway, (http, port) ->
            {
                for (int lap = 1; lap <= 2; lap++)
                {
                    post(http, port, EnvelopeJson.batch(UUID.randomUUID(), ts, SESSION, lap * 10L, 10, lap,
                        sequence -> t0 + sequence * 10_000L));
                }
            });
        }
        final String f1Insight;
        try (GatewayServer gateway = LoopbackGateway.start(data, Map.of(GatewaySetting.MANIFEST, f1Manifest.toString(),
            GatewaySetting.DICTIONARY, Path.of("..", "schemas", "src", "main", "resources", "dictionaries",
                "f1-25.v1.yaml").toString())))
        {
            f1Insight = lapOneSummary(gateway, (http, port) ->
            {
                for (int lap = 1; lap <= 2; lap++)
                {
                    final StringBuilder frames = new StringBuilder();
                    for (int i = 0; i < 10; i++)
                    {
                        final int sequence = 100 + lap * 10 + i;
                        frames.append(i == 0 ? "" : ",").append("{\"sequence\":").append(sequence)
                            .append(",\"timestamp_us\":").append(t0 + sequence * 10_000L).append(",\"lap_number\":")
                            .append(lap).append(",\"samples\":{\"Speed\":").append(200 + i)
                            .append(",\"Engine_RPM\":").append(10_000 + sequence).append("}}");
                    }
                    post(http, port, EnvelopeJson.head(UUID.randomUUID(), ts, SESSION, "telemetry.sample_batch") +
                        "\"payload\":{\"frames\":[" + frames + "]}}");
                }
            });
        }
        final String journal = data.resolve("journal").toString();
        for (final String[] run : List.of(new String[] {simInsight, simManifest.toString()},
            new String[] {f1Insight, f1Manifest.toString()}))
        {
            final Path insight = dir.resolve("insight.json");
            Files.writeString(insight, run[0] + "\n", StandardCharsets.UTF_8);
            final CliRun verify = CliRun.of("insight", "verify", insight.toString(), "--journal", journal,
                "--manifest", run[1]);
            assertEquals(0, verify.exitCode(), run[0] + "\n" + verify.err());
            assertTrue(verify.out().contains(insight + ": OK: byte-identical"), verify.out());

            // journal replay writes the run's insight as the subscriber got it, and says what it passed over.
            final Path out = dir.resolve("replay.jsonl");
            final CliRun replay = CliRun.of("journal", "replay", journal, "--manifest", run[1], "--out",
                out.toString());
            assertEquals(1, replay.exitCode(), replay.err());
            assertTrue(replay.err().contains(": NOT REPLAYED: ") &&
                replay.err().contains("messages written with another dictionary"), replay.err());
            assertTrue(Files.readAllLines(out, StandardCharsets.UTF_8).contains(
                run[0].substring(INSIGHT_MESSAGE_HEAD.length(), run[0].length() - 1)), run[0]);
        }
    }

    /**
     * A gateway stopped in the middle of a lap drains that lap's summary to its run registry, then a restart on the
     * same journal goes on with the lap: every summary the registry got is proved, the drained one by a replay of
     * the stopped pipeline's run, from its ManifestLoaded up to the restart's. Before, verify refused the drained
     * one (exit 1, "/channels/Speed_Ema/count: 10 vs 20"): its replays went on past the restart, with the frames
     * after it in the lap.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldProveTheSummaryAGatewayDrainedAtItsStopBeforeARestart() throws Exception
    {
        final Path manifest = dir.resolve("laps.yaml");
        Files.writeString(manifest, lapManifest("laps", "sim.v1"), StandardCharsets.UTF_8);
        final Path data = dir.resolve("live");
        for (final String record : drainedBeforeRestart(data, manifest))
        {
            final Path insight = dir.resolve("insight.json");
            Files.writeString(insight, record + "\n", StandardCharsets.UTF_8);
            final CliRun verify = CliRun.of("insight", "verify", insight.toString(), "--journal",
                data.resolve("journal").toString(), "--manifest", manifest.toString());
            assertEquals(0, verify.exitCode(), record + "\n" + verify.err());
            assertTrue(verify.out().contains(insight + ": OK: byte-identical"), verify.out());
        }
    }

    /**
     * The same drained summary in a journal without {@code PipelineDrained} entries, as builds from before that
     * entry existed wrote it: the replay from the journal's start forgets the open lap at the restart without a
     * summary (nothing says the stop drained it), so only the replay of the stopped pipeline's run alone, drained at
     * the next start, proves it; the OK line says so.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldProveTheSummaryAGatewayDrainedAtItsStopInAJournalWrittenBeforePipelineDrained() throws Exception
    {
        final Path manifest = dir.resolve("laps.yaml");
        Files.writeString(manifest, lapManifest("laps", "sim.v1"), StandardCharsets.UTF_8);
        final Path data = dir.resolve("live");
        final String drained = drainedBeforeRestart(data, manifest).get(0);
        final Path older = dir.resolve("older-journal");
        OlderJournal.copyWithoutPipelineDrained(data.resolve("journal"), older);
        final CliRun dump = CliRun.of("journal", "dump", older.toString());
        assertEquals(0, dump.exitCode(), dump.err());
        assertTrue(dump.out().contains("ManifestLoaded") && !dump.out().contains("PipelineDrained"), dump.out());

        final Path insight = dir.resolve("insight.json");
        Files.writeString(insight, drained + "\n", StandardCharsets.UTF_8);
        final CliRun verify = CliRun.of("insight", "verify", insight.toString(), "--journal", older.toString(),
            "--manifest", manifest.toString());
        assertEquals(0, verify.exitCode(), drained + "\n" + verify.err());
        assertTrue(verify.out().contains(insight + ": OK: byte-identical") &&
            verify.out().contains("where it records the next start: as the pipeline stopped then derived it"),
            verify.out());
    }

    /**
     * Lap 1's first 10 frames to a gateway on {@code data}, stopped gracefully (it drains lap 1 into a summary);
     * then a restarted gateway goes on with lap 1 and lap 2 (lap 2's first frame ends lap 1, the stop drains lap 2).
     *
     * @return the three lap summaries the run registry got, the drained one of 10 frames first.
     */
    private static List<String> drainedBeforeRestart(final Path data, final Path manifest) throws Exception
    {
        final String ts = "2026-04-11T12:00:00Z";
        final long t0 = 1_775_908_800_000_000L;
        final List<String> records;
        try (RegistryReceiver registry = new RegistryReceiver(204))
        {
            final Map<GatewaySetting, String> settings = Map.of(GatewaySetting.MANIFEST, manifest.toString(),
                GatewaySetting.RUN_REGISTRY_URL, registry.url());
            try (GatewayServer gateway = LoopbackGateway.start(data, settings))
            {
                post(HttpClient.newHttpClient(), gateway.address().getPort(), EnvelopeJson.batch(UUID.randomUUID(),
                    ts, SESSION, 0, 10, 1, sequence -> t0 + sequence * 10_000L));
            }
            // Lap 1 goes on after the restart; lap 2's first frame ends it, and the stop drains lap 2.
            try (GatewayServer gateway = LoopbackGateway.start(data, settings))
            {
                final HttpClient http = HttpClient.newHttpClient();
                for (int lap = 1; lap <= 2; lap++)
                {
                    post(http, gateway.address().getPort(), EnvelopeJson.batch(UUID.randomUUID(), ts, SESSION,
                        lap * 10L, 10, lap, sequence -> t0 + sequence * 10_000L));
                }
            }
            Await.until("three lap summaries in the registry", Duration.ofSeconds(30),
                () -> registry.requests().size() >= 3);
            records = registry.requests().stream().map(RegistryReceiver.Request::body).toList();
        }
        assertEquals(10, JSON.readTree(records.get(0)).path("window").path("frame_count").asInt(), records.get(0));
        return records;
    }

    /** A manifest of {@code dictionary} summarising, per lap, a channel derived with state and Engine_RPM. */
    private static String lapManifest(final String name, final String dictionary)
    {
        return String.join("\n",
            "version: v1",
            "name: " + name,
            "dictionary: " + dictionary,
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - { name: Speed_Ema, expr: \"ema(Speed, 0.3)\" }",
            "  - type: segment",
            "    by: lap",
            "    aggregates:",
            "      - { channel: Speed_Ema, stats: [count, last] }",
            "      - { channel: Engine_RPM, stats: [max] }",
            "  - type: output",
            "    contracts: [insight-contract/v1]",
            "");
    }

    /** What a producer sends: envelopes posted to the gateway on {@code port}. */
    @FunctionalInterface
    private interface Producer
    {
        void send(HttpClient http, int port) throws Exception;
    }

    /** The lap 1 summary a subscriber of {@code gateway} receives while {@code producer} sends. */
    private static String lapOneSummary(final GatewayServer gateway, final Producer producer) throws Exception
    {
        final int port = gateway.address().getPort();
        final WebSocketMessages messages = new WebSocketMessages();
        final WebSocket ws = WebSocketMessages.connect(HttpClient.newHttpClient(),
            URI.create("ws://127.0.0.1:" + port + "/ws?subscribe=derived"), messages, Duration.ofSeconds(10));
        producer.send(HttpClient.newHttpClient(), port);
        final String[] found = new String[1];
        Await.until("the lap 1 summary", Duration.ofSeconds(30), () ->
        {
            String text;
            while ((text = messages.texts.poll()) != null)
            {
                final JsonNode insight = JSON.readTree(text).path("insight");
                if ("lap_summary".equals(insight.path("kind").asText()) && insight.path("lap_number").asInt() == 1)
                {
                    found[0] = text;
                }
            }
            return found[0] != null;
        });
        ws.abort();
        return found[0];
    }

    /**
     * Two windows of one lap number, and a session whose frames come again after its {@code session.end} (a batch
     * delayed in transit, lap 1 then lap 2 again, and a second end): every summary the gateway writes has an id of
     * its own, and each is proved by {@code insight verify}. Before, ids were of (session, source, kind, lap) only:
     * the second lap 1, lap 2 and session summaries had the first ones' ids, and verify compared them with those
     * (exit 1, "/channels/Speed/max ... vs ...").
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldGiveEverySummaryOfARepeatedLapOrSessionAnIdOfItsOwnAndProveEach() throws Exception
    {
        final Path manifest = dir.resolve("laps.yaml");
        Files.writeString(manifest, String.join("\n",
            "version: v1",
            "name: laps",
            "pipeline:",
            "  - type: segment",
            "    by: lap",
            "    aggregates:",
            "      - { channel: Speed, stats: [count, max] }",
            "  - type: segment",
            "    by: session",
            "    aggregates:",
            "      - { channel: Speed, stats: [count, max] }",
            "  - type: output",
            "    contracts: [insight-contract/v1]",
            ""), StandardCharsets.UTF_8);
        final Path data = dir.resolve("live");
        final long t0 = 1_775_908_800_000_000L;
        final List<String> insights = new java.util.ArrayList<>();
        try (GatewayServer gateway = LoopbackGateway.start(data, Map.of(GatewaySetting.MANIFEST, manifest.toString())))
        {
            final int port = gateway.address().getPort();
            final WebSocketMessages messages = new WebSocketMessages();
            final WebSocket ws = WebSocketMessages.connect(HttpClient.newHttpClient(),
                URI.create("ws://127.0.0.1:" + port + "/ws?subscribe=derived"), messages, Duration.ofSeconds(10));
            final HttpClient http = HttpClient.newHttpClient();
            final String ts = "2026-04-11T12:00:00Z";
            // Laps 1, 2, 1 again, 2 again; the session ends; a delayed batch of lap 1 and one of lap 2; it ends again.
            final int[] laps = {1, 2, 1, 2};
            for (int i = 0; i < laps.length; i++)
            {
                post(http, port, EnvelopeJson.batch(UUID.randomUUID(), ts, SESSION, i * 10L, 10, laps[i],
                    sequence -> t0 + sequence * 100_000L));
            }
            post(http, port, EnvelopeJson.timestamped(UUID.randomUUID(), ts, SESSION, "session.end", t0 + 5_000_000L));
            post(http, port, EnvelopeJson.batch(UUID.randomUUID(), ts, SESSION, 100, 5, 1,
                sequence -> t0 + sequence * 10_000L));
            post(http, port, EnvelopeJson.batch(UUID.randomUUID(), ts, SESSION, 105, 5, 2,
                sequence -> t0 + sequence * 10_000L));
            post(http, port, EnvelopeJson.timestamped(UUID.randomUUID(), ts, SESSION, "session.end", t0 + 5_000_001L));
            // Laps 1, 2, 1 (ended by 2), 2 and the session; then lap 1 (ended by 2), lap 2 and the session again.
            Await.until("eight summaries", Duration.ofSeconds(30), () ->
            {
                String text;
                while ((text = messages.texts.poll()) != null)
                {
                    if ("insight".equals(JSON.readTree(text).path("type").asText()))
                    {
                        insights.add(text);
                    }
                }
                return insights.size() >= 8;
            });
            ws.abort();
        }
        final java.util.Set<String> ids = new java.util.HashSet<>();
        for (final String text : insights)
        {
            ids.add(JSON.readTree(text).path("insight").path("insight_id").asText());
        }
        assertEquals(insights.size(), ids.size(), "every summary has an id of its own: " + insights);
        for (int i = 0; i < insights.size(); i++)
        {
            final Path insight = dir.resolve("insight-" + i + ".json");
            Files.writeString(insight, insights.get(i) + "\n", StandardCharsets.UTF_8);
            final CliRun verify = CliRun.of("insight", "verify", insight.toString(), "--journal",
                data.resolve("journal").toString(), "--manifest", manifest.toString());
            assertEquals(0, verify.exitCode(), insights.get(i) + "\n" + verify.err());
            assertTrue(verify.out().contains(": OK: byte-identical"), verify.out());
        }
    }

    private static void post(final HttpClient http, final int port, final String envelope) throws Exception
    {
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/beacon")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, response.statusCode(), response.body());
    }

    private String token(final Path file, final String id, final String capabilities)
    {
        final CliRun add = CliRun.of("token", "add", "--file", file.toString(), "--id", id, "--capability",
            capabilities);
        assertEquals(0, add.exitCode(), add.err());
        return add.out().strip().lines().reduce((first, second) -> second).orElseThrow();
    }

    private static String lapOneInsightMessage(final Path data, final Path manifest, final String trust,
        final Path csv, final String... replayOptions) throws Exception
    {
        try (GatewayServer gateway = LoopbackGateway.start(data, trust == null ?
            Map.of(GatewaySetting.MANIFEST, manifest.toString()) :
            Map.of(GatewaySetting.MANIFEST, manifest.toString(), GatewaySetting.TRUST, trust)))
        {
            final WebSocketMessages messages = new WebSocketMessages();
            final WebSocket ws = WebSocketMessages.connect(HttpClient.newHttpClient(),
                URI.create("ws://127.0.0.1:" + gateway.address().getPort() + "/ws?subscribe=derived"), messages,
                Duration.ofSeconds(10));
            replay(gateway, csv, replayOptions);
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

    private static void replay(final GatewayServer gateway, final Path csv, final String... options)
    {
        final List<String> args = new java.util.ArrayList<>(List.of("replay", "--input", csv.toString(), "--target",
            "127.0.0.1:" + gateway.address().getPort(), "--rate", "50000", "--batch", "100", "--session-id", SESSION,
            "--player-id", PLAYER));
        args.addAll(List.of(options));
        final CliRun replay = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, replay.exitCode(), replay.err());
    }
}
