package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.testsupport.EnvelopeJson;
import io.pitgun.testsupport.JournaledFrames;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway started with a tuning policy ({@code TUNING_POLICY}) over real HTTP and WebSocket clients: a frame over
 * a reject limit refuses its request with 422 naming the limit and nothing of it is journaled, a frame within is
 * accepted; in flag mode it is accepted, its sample marked DEGRADED in the journal and counted; a manifest over a
 * limit stops the start. The test envelopes carry {@code Engine_RPM} = 9000 + sequence % 1000.
 */
class GatewayTuningLimitIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ParameterRegistry SIM_V1 = ParameterRegistry.simV1();
    private static final String REJECTIONS = "pitgun_gateway_rejections_total{reason=\"tuning_limit_exceeded\"}";
    private static final String FLAGGED = "pitgun_gateway_tuning_flagged_samples_total";

    @TempDir
    Path dataDir;
    @TempDir
    Path files;

    @Test
    void shouldRefuseAFrameOverALimitOverHttpNamingTheLimitAndJournalNothingOfIt() throws Exception
    {
        final Path policy = policy("max_engine_rpm: 9500\n");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.TUNING_POLICY,
            policy.toString())))
        {
            // Envelope 0 within the limit, envelope 1's frame 1 at 9501 rpm: nothing of the request goes in.
            final HttpResponse<String> refused = gateway.post("/beacon", "application/x-ndjson",
                Envelopes.batch(UUID.randomUUID(), 0, 2) + "\n" + Envelopes.batch(UUID.randomUUID(), 500, 2));
            assertEquals(422, refused.statusCode(), refused.body());
            final JsonNode answer = JSON.readTree(refused.body());
            assertEquals("tuning_limit_exceeded", answer.get("reason").asText(), refused.body());
            assertEquals(0, answer.get("frames_accepted").asInt());
            assertEquals(1, answer.get("errors").size(), refused.body());
            final JsonNode error = answer.get("errors").get(0);
            assertEquals(1, error.get("index").asInt());
            assertEquals(1, error.get("frame").asInt());
            assertEquals("TUNING_LIMIT_EXCEEDED", error.get("code").asText());
            assertEquals(422, error.get("status").asInt());
            assertEquals("max_engine_rpm", error.get("limit").asText());
            assertEquals("Engine_RPM", error.get("channel").asText());
            assertEquals(9501, error.get("value").asInt());
            assertEquals(9500, error.get("bound").asInt());
            assertEquals("/payload/frames/1/samples/Engine_RPM", error.get("pointer").asText());
            assertEquals("frame 1: Engine_RPM 9501 is above 9500, the tuning limit max_engine_rpm (reject)",
                error.get("message").asText());

            // Exactly at the limit is within it.
            final HttpResponse<String> accepted = gateway.post("/beacon", "application/json",
                Envelopes.batch(UUID.randomUUID(), 499, 2));
            assertEquals(202, accepted.statusCode(), accepted.body());
            assertEquals(2, JSON.readTree(accepted.body()).get("frames_accepted").asInt());

            assertEquals(1, gateway.metric(REJECTIONS));
            assertEquals(2, gateway.metric("pitgun_gateway_frames_published_total"));
        }
        assertEquals(List.of(499L, 500L), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldRefuseEnvelopesOverFrameLimitsNamingTheLimitOverHttpAndBinaryWebSocket() throws Exception
    {
        final Path policy = policy("max_engine_rpm: 12000\n", "frame_limits:\n  max_frames_per_envelope: 2\n" +
            "  max_samples_per_frame: 3\n  max_envelope_bytes: 1024\n");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.TUNING_POLICY,
            policy.toString())))
        {
            final JsonNode frames = refusal(gateway.post("/beacon", "application/json",
                Envelopes.batch(UUID.randomUUID(), 0, 3)));
            assertEquals("frame_limits.max_frames_per_envelope", frames.get("limit").asText(), frames.toString());
            assertEquals(3, frames.get("value").asInt());
            assertEquals(2, frames.get("bound").asInt());
            assertEquals("/payload/frames", frames.get("pointer").asText());
            assertEquals("frame 2: 3 frames, above the tuning limit frame_limits.max_frames_per_envelope 2",
                frames.get("message").asText());

            final String fourSamples = Envelopes.batch(UUID.randomUUID(), 10, 1)
                .replace("\"Torque_Nm\":300.25", "\"Torque_Nm\":300.25,\"Gear\":4");
            final JsonNode samples = refusal(gateway.post("/beacon", "application/json", fourSamples));
            assertEquals("frame_limits.max_samples_per_frame", samples.get("limit").asText(), samples.toString());
            assertEquals(4, samples.get("value").asInt());
            assertEquals(3, samples.get("bound").asInt());
            assertEquals(0, samples.get("frame").asInt());
            assertEquals("/payload/frames/0/samples", samples.get("pointer").asText());

            // Valid JSON, two frames, and over 1024 bytes with the spaces: refused before it is decoded.
            final String padded = Envelopes.batch(UUID.randomUUID(), 20, 2);
            final String large = padded.substring(0, padded.length() - 1) + " ".repeat(1024) + "}";
            final JsonNode bytes = refusal(gateway.post("/beacon", "application/json", large));
            assertEquals("frame_limits.max_envelope_bytes", bytes.get("limit").asText(), bytes.toString());
            assertEquals(large.length(), bytes.get("value").asInt());
            assertEquals(1024, bytes.get("bound").asInt());
            assertEquals(large.length() + " bytes, above the tuning limit frame_limits.max_envelope_bytes 1024",
                bytes.get("message").asText());

            final HttpResponse<String> accepted = gateway.post("/beacon", "application/json", padded);
            assertEquals(202, accepted.statusCode(), accepted.body());

            // A binary message is one envelope: three SBE frames in one message pass max_frames_per_envelope.
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);
            ws.sendBinary(sbe(Envelopes.batch(UUID.randomUUID(), 30, 3)), true).get(5, TimeUnit.SECONDS);
            final JsonNode binary = collector.next();
            assertEquals("nack", binary.get("type").asText(), binary.toString());
            assertEquals(422, binary.get("http_status").asInt());
            assertEquals("tuning_limit_exceeded", binary.get("reason").asText());
            assertTrue(binary.get("message").asText().matches("message 2 at byte \\d+: 3 frames, above the tuning " +
                "limit frame_limits.max_frames_per_envelope 2"), binary.toString());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);

            assertEquals(4, gateway.metric(REJECTIONS));
        }
        assertEquals(List.of(20L, 21L), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldRefuseASessionsSourceBeyondMaxSourcesPerSessionAcrossRequestsAndConnections() throws Exception
    {
        final Path policy = policy("max_engine_rpm: 12000\n", "frame_limits:\n  max_sources_per_session: 2\n");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.TUNING_POLICY,
            policy.toString())))
        {
            assertEquals(202, gateway.post("/beacon", "application/json", fromSource(0, 0)).statusCode());
            assertEquals(202, gateway.post("/beacon", "application/json", fromSource(1, 10)).statusCode());

            final JsonNode third = refusal(gateway.post("/beacon", "application/json", fromSource(2, 20)));
            assertEquals("frame_limits.max_sources_per_session", third.get("limit").asText(), third.toString());
            assertEquals(3, third.get("value").asInt());
            assertEquals(2, third.get("bound").asInt());
            assertEquals("/source_id", third.get("pointer").asText());
            assertEquals("frame 0: source 2 would be source 3 of session " + Envelopes.SESSION + ", above the " +
                "tuning limit frame_limits.max_sources_per_session 2", third.get("message").asText());

            // A source the session has stays admitted; the limit is per session.
            assertEquals(202, gateway.post("/beacon", "application/json", fromSource(1, 30)).statusCode());
            final String otherSession = EnvelopeJson.batch(UUID.randomUUID(), "2026-04-11T12:43:44.279Z",
                "0192f3a4-5b6c-7d8e-9f00-112233445566", 40, 1, 1, sequence -> 1_712_345_678_000_000L + sequence)
                .replace("\"event_type\":", "\"source_id\":2,\"event_type\":");
            assertEquals(202, gateway.post("/beacon", "application/json", otherSession).statusCode());

            // Another connection (so perhaps another event loop) sees the same state: a binary frame of a third
            // source of the session is refused.
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);
            ws.sendBinary(sbe(fromSource(3, 50)), true).get(5, TimeUnit.SECONDS);
            final JsonNode binary = collector.next();
            assertEquals("nack", binary.get("type").asText(), binary.toString());
            assertEquals(422, binary.get("http_status").asInt());
            assertEquals("tuning_limit_exceeded", binary.get("reason").asText());
            assertTrue(binary.get("message").asText().matches("message 0 at byte \\d+: source 3 would be source 3 " +
                "of session " + Envelopes.SESSION + ", above the tuning limit " +
                "frame_limits.max_sources_per_session 2"), binary.toString());
            ws.sendBinary(sbe(fromSource(0, 60)), true).get(5, TimeUnit.SECONDS);
            final JsonNode ack = collector.next();
            assertEquals("ack", ack.get("type").asText(), ack.toString());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);

            assertEquals(2, gateway.metric(REJECTIONS));
            assertEquals(0, gateway.metric("pitgun_gateway_session_source_evictions_total"));
        }
        assertEquals(List.of(0L, 10L, 30L, 40L, 60L), GatewayHarness.journaledSequences(dataDir).stream().sorted()
            .toList());
    }

    /** A one-frame envelope of {@link Envelopes#SESSION} from source {@code source}. */
    private static String fromSource(final int source, final long sequence)
    {
        return Envelopes.batch(UUID.randomUUID(), sequence, 1)
            .replace("\"event_type\":", "\"source_id\":" + source + ",\"event_type\":");
    }

    /** The one error of a 422 tuning_limit_exceeded answer. */
    private static JsonNode refusal(final HttpResponse<String> response) throws Exception
    {
        assertEquals(422, response.statusCode(), response.body());
        final JsonNode answer = JSON.readTree(response.body());
        assertEquals("tuning_limit_exceeded", answer.get("reason").asText(), response.body());
        assertEquals(0, answer.get("frames_accepted").asInt());
        assertEquals(1, answer.get("errors").size(), response.body());
        final JsonNode error = answer.get("errors").get(0);
        assertEquals("TUNING_LIMIT_EXCEEDED", error.get("code").asText());
        assertEquals(422, error.get("status").asInt());
        return error;
    }

    @Test
    void shouldNackAFrameOverALimitOverWebSocketTextAndBinary() throws Exception
    {
        final Path policy = policy("channels:\n    Speed: {max: 150}\n");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.TUNING_POLICY,
            policy.toString())))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);

            // Speed = 100 + sequence % 100 + 0.5: sequence 49 is at 149.5 km/h, 50 at 150.5.
            final UUID eventId = UUID.randomUUID();
            ws.sendText(Envelopes.batch(eventId, 49, 2), true).get(5, TimeUnit.SECONDS);
            final JsonNode text = collector.next();
            assertEquals("nack", text.get("type").asText(), text.toString());
            assertEquals(eventId.toString(), text.get("event_id").asText());
            assertEquals(422, text.get("http_status").asInt());
            assertEquals("tuning_limit_exceeded", text.get("reason").asText());
            final JsonNode error = text.get("errors").get(0);
            assertEquals("channels.Speed", error.get("limit").asText(), error.toString());
            assertEquals("Speed", error.get("channel").asText());
            assertEquals(1, error.get("frame").asInt());

            // The same frames as SBE: one nack naming the SBE message, its byte and the limit.
            ws.sendBinary(sbe(Envelopes.batch(UUID.randomUUID(), 49, 2)), true).get(5, TimeUnit.SECONDS);
            final JsonNode binary = collector.next();
            assertEquals("nack", binary.get("type").asText(), binary.toString());
            assertEquals(422, binary.get("http_status").asInt());
            assertEquals("tuning_limit_exceeded", binary.get("reason").asText());
            assertTrue(binary.get("message").asText().matches("message 1 at byte \\d+: Speed 150.5 is above 150, " +
                "the tuning limit channels.Speed \\(reject\\)"), binary.toString());
            assertEquals(0, binary.get("frames_accepted").asInt());

            ws.sendBinary(sbe(Envelopes.batch(UUID.randomUUID(), 10, 2)), true).get(5, TimeUnit.SECONDS);
            final JsonNode ack = collector.next();
            assertEquals("ack", ack.get("type").asText(), ack.toString());
            assertEquals(2, ack.get("frames_accepted").asInt());

            assertEquals(2, gateway.metric(REJECTIONS));
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
        assertEquals(List.of(10L, 11L), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldAcceptFlagAndCountAFrameOverALimitInFlagMode() throws Exception
    {
        final Path policy = policy("max_engine_rpm: 9500\n", "on_violation: flag\n");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.TUNING_POLICY,
            policy.toString())))
        {
            // Sequences 499..502: 9499 and 9500 within, 9501 and 9502 over.
            final String envelope = Envelopes.batch(UUID.randomUUID(), 499, 4);
            final HttpResponse<String> accepted = gateway.post("/beacon", "application/json", envelope);
            assertEquals(202, accepted.statusCode(), accepted.body());
            assertEquals(4, JSON.readTree(accepted.body()).get("frames_accepted").asInt());
            // Its retry is the same content (the mark is made before the digest): a duplicate, not a conflict.
            final HttpResponse<String> retry = gateway.post("/beacon", "application/json", envelope);
            assertEquals(202, retry.statusCode(), retry.body());
            assertEquals(1, JSON.readTree(retry.body()).get("envelopes_duplicate").asInt(), retry.body());

            // Binary too: 9503 over.
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);
            ws.sendBinary(sbe(Envelopes.batch(UUID.randomUUID(), 503, 1)), true).get(5, TimeUnit.SECONDS);
            assertEquals("ack", collector.next().get("type").asText());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);

            assertEquals(3, gateway.metric(FLAGGED));
            assertEquals(0, gateway.metric(REJECTIONS));
        }
        final int rpm = SIM_V1.byName("Engine_RPM").id();
        final List<String> qualities = new ArrayList<>();
        JournaledFrames.forEachFrame(dataDir.resolve("journal"), frame ->
        {
            final long sequence = frame.sequence();
            for (final TelemetryFrameDecoder.SamplesDecoder sample : frame.samples())
            {
                if (sample.parameterId() == rpm)
                {
                    qualities.add(sequence + " " + sample.value() + " " + sample.quality());
                }
                else
                {
                    assertEquals(SignalQuality.GOOD, sample.quality(), "only the sample over the limit is flagged");
                }
            }
        });
        assertEquals(List.of("499 9499 GOOD", "500 9500 GOOD", "501 9501 DEGRADED", "502 9502 DEGRADED",
            "503 9503 DEGRADED"), qualities);
    }

    @Test
    void shouldCheckAndFlagBinaryFramesOfANewerSchemaAtTheirActingLayout() throws Exception
    {
        final Path policy = policy("channels:\n    Speed: {max: 110, on_violation: flag}\n    Engine_RPM: {max: 8999}\n");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.TUNING_POLICY,
            policy.toString())))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);

            // Root blocks 8 bytes longer and samples 4 bytes longer than this build's; Engine_RPM 9000, Speed 120.
            ws.sendBinary(ByteBuffer.wrap(HostileFrames.grown(HostileFrames.validFrame(5), 8, 4)), true)
                .get(5, TimeUnit.SECONDS);
            final JsonNode refused = collector.next();
            assertEquals("nack", refused.get("type").asText(), refused.toString());
            assertEquals("message 0 at byte 0: Engine_RPM 9000 is above 8999, the tuning limit channels.Engine_RPM " +
                "(reject)", refused.get("message").asText());

            // The same with Engine_RPM 8000: accepted, Speed flagged.
            final byte[] within = HostileFrames.grown(HostileFrames.validFrame(6), 8, 4);
            new UnsafeBuffer(within).putLong(FrameDescriptor.SAMPLES + 8, 8000, ByteOrder.LITTLE_ENDIAN);
            ws.sendBinary(ByteBuffer.wrap(within), true).get(5, TimeUnit.SECONDS);
            assertEquals("ack", collector.next().get("type").asText());
            assertEquals(1, gateway.metric(FLAGGED));
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
        // Stored in this build's layout (12-byte samples), the flag kept.
        final List<String> samples = new ArrayList<>();
        JournaledFrames.forEachFrame(dataDir.resolve("journal"), frame ->
        {
            for (final TelemetryFrameDecoder.SamplesDecoder sample : frame.samples())
            {
                samples.add(frame.sequence() + " " + sample.parameterId() + " " + sample.quality() + " " +
                    sample.actingBlockLength());
            }
        });
        assertEquals(List.of("6 1 GOOD 12", "6 3 DEGRADED 12"), samples);
    }

    @Test
    void shouldNotStartWithAManifestOverALimit() throws Exception
    {
        final Path manifest = files.resolve("power.yaml");
        Files.writeString(manifest, String.join("\n",
            "version: v1",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - name: Power_kW",
            "        expr: \"Torque_Nm * Engine_RPM / 9549.0\"",
            "        unit: kW",
            "        range: {min: 0, max: 1300}",
            ""));
        final Path policy = policy("channels:\n    Power_kW: {max: 1000}\n");
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
            () -> new GatewayHarness(dataDir, Map.of(GatewaySetting.TUNING_POLICY, policy.toString(),
                GatewaySetting.MANIFEST, manifest.toString())).close());
        assertEquals(List.of("PITGUN_GATEWAY_MANIFEST (--manifest) over a limit of PITGUN_GATEWAY_TUNING_POLICY " +
            "(--tuning-policy): " + manifest + ":5:9: derived channel Power_kW declares range [0, 1300], beyond the " +
            "tuning limit channels.Power_kW (at most 1000) at " + policy + ":5:15"), ex.problems());
        assertTrue(!Files.exists(dataDir.resolve("journal")) || GatewayHarness.journaledSequences(dataDir).isEmpty());
    }

    @Test
    void shouldNotStartWithAPolicyNamingAnUnknownChannel() throws Exception
    {
        final Path policy = policy("channels:\n    Engine_Rpm: {max: 9000}\n");
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
            () -> new GatewayHarness(dataDir, Map.of(GatewaySetting.TUNING_POLICY, policy.toString())).close());
        assertEquals(1, ex.problems().size(), ex.getMessage());
        assertTrue(ex.problems().get(0).contains("limits.channels.Engine_Rpm names no channel of dictionary sim.v1") &&
            ex.problems().get(0).contains("nearest dictionary channels: Engine_RPM"), ex.getMessage());
    }

    private Path policy(final String limits, final String... top) throws Exception
    {
        final Path file = files.resolve("policy.yaml");
        Files.writeString(file, "version: v1\nsigned_by: authority.pitgun.io\n" + String.join("", top) +
            "limits:\n  " + limits);
        return file;
    }

    /** The envelope's frames as SBE messages, as a binary WebSocket client sends them. */
    private static ByteBuffer sbe(final String envelope)
    {
        final EnvelopeDecoder decoder = new EnvelopeDecoder(SIM_V1);
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1 << 16);
        final byte[] text = envelope.getBytes(StandardCharsets.UTF_8);
        assertTrue(decoder.decode(text, 0, text.length, out, 0), () -> decoder.error().toString());
        return ByteBuffer.wrap(out.byteArray(), 0, decoder.result().encodedLength());
    }
}
