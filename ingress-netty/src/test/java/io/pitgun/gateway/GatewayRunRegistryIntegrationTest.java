package io.pitgun.gateway;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.RegistryReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run-registry mirror ({@code RUN_REGISTRY_URL}) against a real receiver: the gateway's built-in manifest
 * summarises every lap and session, and each {@code insight-contract/v1} document is POSTed to the registry,
 * retried {@value RunRegistryMirror#ATTEMPTS} times when it fails, and counted either way in {@code /metrics};
 * ingestion never waits for the registry.
 */
class GatewayRunRegistryIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POSTED = "pitgun_gateway_run_registry_records_total{outcome=\"posted\"}";
    private static final String FAILED = "pitgun_gateway_run_registry_records_total{outcome=\"failed\"}";
    private static final String DROPPED = "pitgun_gateway_run_registry_records_total{outcome=\"dropped\"}";
    private static final String QUEUED = "pitgun_gateway_run_registry_queue_records";
    private static final String GAPS = "pitgun_gateway_run_registry_gaps_total";
    private static final long SESSION_END_US = 1_712_345_678_000_000L + 10_000;

    @TempDir
    Path dataDir;

    @Test
    void shouldPostEachLapAndSessionSummaryToTheRegistryAndCountThem() throws Exception
    {
        try (RegistryReceiver registry = new RegistryReceiver(204);
             GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RUN_REGISTRY_URL, registry.url())))
        {
            // Lap 1 (sequences 0..2), then lap 2 (3..4): the first frame of lap 2 closes lap 1.
            final HttpResponse<String> laps = gateway.post("/beacon", "application/x-ndjson",
                Envelopes.batch(UUID.randomUUID(), 0, 3, 1) + "\n" + Envelopes.batch(UUID.randomUUID(), 3, 2, 2));
            assertEquals(202, laps.statusCode(), laps.body());
            Await.until("the lap 1 summary reaches the registry", () -> registry.requests().size() >= 1);

            // The session ends: lap 2 and the session are summarised.
            final HttpResponse<String> end = gateway.beacon(Envelopes.sessionEnd(UUID.randomUUID(), SESSION_END_US));
            assertEquals(202, end.statusCode(), end.body());
            Await.until("three records reach the registry", () -> registry.requests().size() >= 3);
            Await.until("three records are counted as posted", () -> gateway.metric(POSTED) == 3);

            final List<RegistryReceiver.Request> requests = registry.requests();
            assertEquals(3, requests.size(), "one POST per record, no retries: " + requests);
            final String manifestSha256 = gateway.server.pipeline().manifestSha256();
            for (final RegistryReceiver.Request request : requests)
            {
                assertEquals("POST", request.method());
                assertEquals("application/json", request.contentType());
                final JsonNode doc = JSON.readTree(request.body());
                assertEquals("insight-contract/v1", doc.get("schema_version").asText(), request.body());
                assertEquals(Envelopes.SESSION, doc.get("session_id").asText());
                assertEquals(Envelopes.PLAYER, doc.get("player_id").asText());
                final JsonNode provenance = doc.get("provenance");
                assertEquals(manifestSha256, provenance.get("manifest_sha256").asText(), request.body());
                assertEquals("gateway-default", provenance.get("manifest_name").asText());
                assertEquals("sim.v1", provenance.get("dictionary").asText());
                final JsonNode range = provenance.get("journal_range");
                assertTrue(range.get("first_index").asLong() >= 0 &&
                    range.get("first_index").asLong() <= range.get("last_index").asLong(), request.body());
            }

            final JsonNode lap1 = JSON.readTree(requests.get(0).body());
            assertEquals("lap_summary", lap1.get("kind").asText());
            assertEquals(1, lap1.get("lap_number").asInt());
            assertEquals(3, lap1.get("window").get("frame_count").asInt());
            assertEquals(0, lap1.get("window").get("first_sequence").asLong());
            assertEquals(2, lap1.get("window").get("last_sequence").asLong());
            final JsonNode lap1Speed = lap1.get("channels").get("Speed");
            assertEquals(3, lap1Speed.get("count").asInt());
            assertEquals(100.5, lap1Speed.get("min").asDouble(), 1e-9);
            assertEquals(102.5, lap1Speed.get("max").asDouble(), 1e-9);
            assertEquals(101.5, lap1Speed.get("mean").asDouble(), 1e-9);

            final JsonNode lap2 = JSON.readTree(requests.get(1).body());
            assertEquals("lap_summary", lap2.get("kind").asText());
            assertEquals(2, lap2.get("lap_number").asInt());
            assertEquals(2, lap2.get("window").get("frame_count").asInt());
            assertTrue(lap1.get("provenance").get("journal_range").get("last_index").asLong() <
                lap2.get("provenance").get("journal_range").get("first_index").asLong(), "journal ranges of the laps");

            final JsonNode session = JSON.readTree(requests.get(2).body());
            assertEquals("session_summary", session.get("kind").asText());
            assertEquals(5, session.get("window").get("frame_count").asInt());
            assertEquals(104.5, session.get("channels").get("Speed").get("max").asDouble(), 1e-9);
            assertEquals(2, session.get("laps").size());
            assertEquals(lap1.get("insight_id").asText(), session.get("laps").get(0).get("insight_id").asText());
            assertEquals(lap2.get("insight_id").asText(), session.get("laps").get(1).get("insight_id").asText());

            assertEquals(0, gateway.metric(FAILED));
            assertEquals(0, gateway.metric(DROPPED));
            assertEquals(0, gateway.metric(QUEUED));
            assertEquals(0, gateway.metric(GAPS), "the mirror lost insights");
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldLeaveRestrictedChannelsOutOfMirroredRecordsUnlessTold() throws Exception
    {
        // Engine_Map is restricted in sim.v1: its lap statistics leave the machine only when the operator says so.
        final Path manifest = java.nio.file.Files.writeString(dataDir.resolve("restricted.yaml"), String.join("\n",
            "version: v1",
            "name: restricted-registry",
            "pipeline:",
            "  - type: segment",
            "    by: lap",
            "    aggregates:",
            "      - { channel: Speed, stats: [max] }",
            "      - { channel: Engine_Map, stats: [max] }",
            "  - type: output",
            "    contracts: [pitgun-envelope/v1, insight-contract/v1]",
            ""));
        for (final boolean include : new boolean[] {false, true})
        {
            try (RegistryReceiver registry = new RegistryReceiver(204);
                 GatewayHarness gateway = new GatewayHarness(dataDir.resolve("data-" + include), Map.of(
                     GatewaySetting.RUN_REGISTRY_URL, registry.url(), GatewaySetting.MANIFEST, manifest.toString(),
                     GatewaySetting.RESTRICTED_CLIENTS, "127.0.0.1",
                     GatewaySetting.RUN_REGISTRY_INCLUDE_RESTRICTED, include ? "1" : "0")))
            {
                final HttpResponse<String> laps = gateway.post("/beacon", "application/x-ndjson",
                    withEngineMap(Envelopes.batch(UUID.randomUUID(), 0, 2, 1)) + "\n" +
                    withEngineMap(Envelopes.batch(UUID.randomUUID(), 2, 1, 2)));
                assertEquals(202, laps.statusCode(), laps.body());
                Await.until("the lap 1 summary reaches the registry", () -> registry.requests().size() >= 1);
                final JsonNode channels = JSON.readTree(registry.requests().get(0).body()).get("channels");
                assertEquals(111.5, channels.get("Speed").get("max").asDouble(), 1e-9, channels.toString());
                assertEquals(include, channels.has("Engine_Map"), channels.toString());
                if (include)
                {
                    assertEquals(7.0, channels.get("Engine_Map").get("max").asDouble(), 1e-9);
                }
            }
        }
    }

    /** The envelope with Engine_Map = 7 in every frame, and Speed = 111.5. */
    private static String withEngineMap(final String envelope)
    {
        return envelope.replace("\"Torque_Nm\":300.25", "\"Torque_Nm\":300.25,\"Engine_Map\":7")
            .replaceAll("\"Speed\":[0-9.]+", "\"Speed\":111.5");
    }

    @Test
    void shouldPostTheSummariesThatTheShutdownFlushes() throws Exception
    {
        try (RegistryReceiver registry = new RegistryReceiver(200))
        {
            try (GatewayHarness gateway = new GatewayHarness(dataDir,
                Map.of(GatewaySetting.RUN_REGISTRY_URL, registry.url())))
            {
                // No lap change and no session.end: the lap and the session stay open until the gateway stops.
                assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 3, 1)).statusCode());
                assertEquals(0, registry.requests().size(), "nothing to summarise while the lap is open");
            }
            // The shutdown drains the pipeline, which ends the stream: its lap and session summaries are mirrored.
            final List<String> kinds = registry.requests().stream()
                .map(request -> readTree(request.body()).get("kind").asText()).toList();
            assertEquals(List.of("lap_summary", "session_summary"), kinds, registry.requests().toString());
        }
    }

    /**
     * A session summary too long for the subscriber buffer (its listed laps) is a gap of the mirror, logged as such:
     * before, logged as insights that piled up, and, when the shutdown's drain flushed it, neither counted nor logged.
     */
    @Test
    void shouldCountAndLogASummaryTooLongForTheSubscriberBufferAsSuch() throws Exception
    {
        final Path manifest = Files.writeString(dataDir.resolve("laps.yaml"),
            GatewayOutputTooLongIntegrationTest.LAPS_AND_SESSION_MANIFEST);
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        final Logger logger = (Logger)LoggerFactory.getLogger(RunRegistryPollAgent.class);
        logged.start();
        logger.addAppender(logged);
        try (RegistryReceiver registry = new RegistryReceiver(204))
        {
            try (GatewayHarness gateway = new GatewayHarness(dataDir.resolve("data"), Map.of(
                GatewaySetting.RUN_REGISTRY_URL, registry.url(), GatewaySetting.MANIFEST, manifest.toString(),
                GatewaySetting.SUBSCRIBER_BUFFER_BYTES, GatewayOutputTooLongIntegrationTest.LEAST_BUFFER)))
            {
                GatewayOutputTooLongIntegrationTest.sendLaps(gateway, 0);
                assertEquals(202, gateway.beacon(Envelopes.sessionEnd(UUID.randomUUID(), SESSION_END_US))
                    .statusCode());
                Await.until("the session summary's gap counted", () -> gateway.metric(GAPS) == 1);
                // The session's frames again, its summary flushed by the shutdown.
                GatewayOutputTooLongIntegrationTest.sendLaps(gateway, 1_000);
            }
        }
        finally
        {
            logger.detachAppender(logged);
        }
        final List<String> warnings = logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).matches(".*: an insight of \\d+ bytes was longer than the 4096 the subscriber " +
            "buffer carries \\(raise SUBSCRIBER_BUFFER_BYTES\\); it is lost; subscribing again"), warnings.get(0));
        // Found by the duty cycle or, when the shutdown closes the mirror first, by its close (before, not at all).
        assertTrue(warnings.get(1).matches(".*: an insight of \\d+ bytes was longer than the 4096 .*; it is lost; " +
            "(subscribing again|at the shutdown)"), warnings.get(1));
    }

    @Test
    void shouldTryAFailingRegistryThreeTimesCountTheFailureAndKeepIngesting() throws Exception
    {
        try (RegistryReceiver registry = new RegistryReceiver(500);
             GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RUN_REGISTRY_URL, registry.url())))
        {
            final HttpResponse<String> laps = gateway.post("/beacon", "application/x-ndjson",
                Envelopes.batch(UUID.randomUUID(), 0, 3, 1) + "\n" + Envelopes.batch(UUID.randomUUID(), 3, 1, 2));
            assertEquals(202, laps.statusCode(), laps.body());
            assertEquals(4, JSON.readTree(laps.body()).get("frames_accepted").asInt());

            Await.until("the lap 1 summary is counted as failed", () -> gateway.metric(FAILED) == 1);
            final List<RegistryReceiver.Request> attempts = registry.requests();
            // docs/gateway.md promises 3 attempts per record.
            assertEquals(3, attempts.size(), "attempts the registry saw: " + attempts);
            for (final RegistryReceiver.Request attempt : attempts)
            {
                assertEquals(attempts.get(0).body(), attempt.body(), "every attempt carries the same record");
                final JsonNode doc = JSON.readTree(attempt.body());
                assertEquals("insight-contract/v1", doc.get("schema_version").asText());
                assertEquals("lap_summary", doc.get("kind").asText());
                assertEquals(1, doc.get("lap_number").asInt());
            }
            assertEquals(0, gateway.metric(POSTED));
            assertEquals(0, gateway.metric(DROPPED));
            assertEquals(0, gateway.metric(QUEUED));

            // The registry's failure is the registry's: ingestion goes on.
            final HttpResponse<String> more = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 4, 2, 2));
            assertEquals(202, more.statusCode(), more.body());
            assertEquals("journaled", JSON.readTree(more.body()).get("ack_mode").asText());
            assertEquals(0, gateway.metric("pitgun_gateway_rejections_total{reason=\"ack_timeout\"}"));
            assertEquals(3, registry.requests().size(), "no record without a new lap");
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldCountARecordAsFailedWhenNothingListensAtTheRegistry() throws Exception
    {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket())
        {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            closedPort = socket.getLocalPort(); // free again once closed: connections are refused
        }
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RUN_REGISTRY_URL,
            "http://127.0.0.1:" + closedPort + RegistryReceiver.PATH)))
        {
            final HttpResponse<String> laps = gateway.post("/beacon", "application/x-ndjson",
                Envelopes.batch(UUID.randomUUID(), 0, 2, 1) + "\n" + Envelopes.batch(UUID.randomUUID(), 2, 1, 2));
            assertEquals(202, laps.statusCode(), laps.body());
            Await.until("the lap 1 summary is counted as failed", () -> gateway.metric(FAILED) == 1);
            assertEquals(0, gateway.metric(POSTED));
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 3, 1, 2)).statusCode());
        }
        assertEquals(List.of(0L, 1L, 2L, 3L), GatewayHarness.journaledSequences(dataDir));
    }

    private static JsonNode readTree(final String json)
    {
        try
        {
            return JSON.readTree(json);
        }
        catch (final java.io.IOException ex)
        {
            throw new AssertionError("not JSON: " + json, ex);
        }
    }
}
