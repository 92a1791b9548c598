package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.testsupport.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real gateway on a free loopback port, a real HTTP client, and the journal read back afterwards. */
class GatewayHttpIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void shouldJournalABeaconBeforeAnsweringAndAcceptNdjsonAndArrays() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final HttpResponse<String> one = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 3));
            assertEquals(202, one.statusCode(), one.body());
            final JsonNode answer = JSON.readTree(one.body());
            assertEquals(3, answer.get("frames_accepted").asInt());
            assertEquals("journaled", answer.get("ack_mode").asText());
            assertTrue(answer.get("journal_index").asLong() >= 0, one.body());
            // Journaled mode: the answer comes after the journal stage passed the last frame.
            assertTrue(gateway.server.pipeline().isJournaled(answer.get("ring_position").asLong()));

            final String ndjson = Envelopes.batch(UUID.randomUUID(), 3, 2) + "\n" +
                Envelopes.batch(UUID.randomUUID(), 5, 2) + "\n";
            final HttpResponse<String> lines = gateway.post("/beacon", "application/x-ndjson", ndjson);
            assertEquals(202, lines.statusCode(), lines.body());
            assertEquals(2, JSON.readTree(lines.body()).get("envelopes_accepted").asInt());

            final HttpResponse<String> array = gateway.beacon("[" + Envelopes.batch(UUID.randomUUID(), 7, 1) + "," +
                Envelopes.batch(UUID.randomUUID(), 8, 2) + "]");
            assertEquals(202, array.statusCode(), array.body());
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), GatewayHarness.journaledSequences(dataDir));
    }

    /**
     * An HTTP/1.0 client asking for keep-alive is told the connection stays open ({@code Connection: keep-alive}),
     * on the answer of a GET and of an accepted beacon, and its next request is answered on it; one that does not ask
     * gets {@code Connection: close}. Before, the answer had no {@code Connection} header: an HTTP/1.0 client (such
     * as ApacheBench {@code -k}) took the connection for one the gateway would close and waited for that close,
     * until the idle timeout.
     */
    @Test
    void shouldTellAnHttp10ClientAskingForKeepAliveThatTheConnectionStaysOpen() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
            RawHttpConnection http10 = new RawHttpConnection(gateway.server.address()))
        {
            http10.send("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
            final RawHttpConnection.Response health = http10.readResponse();
            assertEquals(200, health.status(), health.head());
            assertEquals("keep-alive", health.header("Connection"), health.head());
            final String body = Envelopes.batch(UUID.randomUUID(), 0, 1);
            http10.send("POST /beacon HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n" +
                "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            final RawHttpConnection.Response accepted = http10.readResponse();
            assertEquals(202, accepted.status(), accepted.head() + accepted.body());
            assertEquals("keep-alive", accepted.header("Connection"), accepted.head());
            http10.send("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
            final RawHttpConnection.Response last = http10.readResponse();
            assertEquals(200, last.status(), last.head());
            assertEquals("close", last.header("Connection"), last.head());
            http10.assertClosedByGateway();
        }
    }

    /**
     * A chunked body whose chunk-size line (its extensions) is over the line bound is malformed, 400
     * {@code malformed_http}, and nothing is ingested; a request line over it is still 414.
     * Before, the chunk line was answered 414 "request line exceeds 8192 bytes", though the request line was short.
     */
    @Test
    void shouldAnswerAChunkLineOverItsBoundAsMalformedNotAsATooLongRequestLine() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
            RawHttpConnection chunked = new RawHttpConnection(gateway.server.address());
            RawHttpConnection longLine = new RawHttpConnection(gateway.server.address()))
        {
            final String body = Envelopes.batch(UUID.randomUUID(), 0, 1);
            chunked.send("POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length()) + ";x=" +
                "e".repeat(DirectMemoryFit.REQUEST_LINE_BYTES) + "\r\n" + body + "\r\n0\r\n\r\n");
            final RawHttpConnection.Response malformed = chunked.readResponse();
            assertEquals(400, malformed.status(), malformed.head() + malformed.body());
            assertEquals("malformed_http", JSON.readTree(malformed.body()).get("reason").asText(), malformed.body());
            assertTrue(malformed.body().contains("chunk-size line"), malformed.body());
            chunked.assertClosedByGateway();

            longLine.send("GET /" + "a".repeat(DirectMemoryFit.REQUEST_LINE_BYTES) + " HTTP/1.1\r\n" +
                "Host: 127.0.0.1\r\n\r\n");
            final RawHttpConnection.Response tooLong = longLine.readResponse();
            assertEquals(414, tooLong.status(), tooLong.head() + tooLong.body());
            assertEquals(0.0, gateway.metric("pitgun_gateway_frames_published_total"), "nothing ingested");
        }
    }

    /**
     * Empty lines before a request line past the line bound are malformed, 400 {@code malformed_http} saying so.
     * Before, 100,000 CRLFs before a short request line were answered 414 "request line exceeds 8192 bytes".
     */
    @Test
    void shouldAnswerTooManyEmptyLinesBeforeTheRequestLineAsMalformed() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
            RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            connection.send("\r\n".repeat(100_000) + "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            final RawHttpConnection.Response malformed = connection.readResponse();
            assertEquals(400, malformed.status(), malformed.head() + malformed.body());
            assertEquals("malformed_http", JSON.readTree(malformed.body()).get("reason").asText(), malformed.body());
            assertTrue(malformed.body().contains("empty lines"), malformed.body());
            connection.assertClosedByGateway();
            assertEquals(1.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"malformed_http\"}"));
        }
    }

    @Test
    void shouldAnswerEveryErrorStatusWithJsonAndJournalNothingOfIt() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.MAX_BODY_BYTES, "4096",
            GatewaySetting.RATE_LIMIT, "1", GatewaySetting.RATE_BURST, "8")))
        {
            final String good = Envelopes.batch(UUID.randomUUID(), 0, 1);

            final HttpResponse<String> malformed = gateway.beacon(good.replace("\"ts\":", "\"ts\" "));
            assertEquals(400, malformed.statusCode(), malformed.body());
            final JsonNode error = JSON.readTree(malformed.body()).get("errors").get(0);
            assertEquals("MALFORMED_JSON", error.get("code").asText());
            assertTrue(error.get("byte_offset").asInt() > 0);

            final HttpResponse<String> tooLarge = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 60));
            assertEquals(413, tooLarge.statusCode(), tooLarge.body());
            assertEquals("body_too_large", JSON.readTree(tooLarge.body()).get("reason").asText());

            final HttpResponse<String> wrongType = gateway.post("/beacon", "application/xml", good);
            assertEquals(415, wrongType.statusCode(), wrongType.body());

            // Two envelopes, the second with an unknown channel in frame 1: nothing of the request is ingested.
            final String bad = Envelopes.batch(UUID.randomUUID(), 10, 2).replaceFirst("(?s)(.*)\"Torque_Nm\"", "$1\"Torque_Nn\"");
            final HttpResponse<String> contract = gateway.post("/beacon", "application/x-ndjson",
                Envelopes.batch(UUID.randomUUID(), 20, 1) + "\n" + bad);
            assertEquals(422, contract.statusCode(), contract.body());
            final JsonNode problem = JSON.readTree(contract.body()).get("errors").get(0);
            assertEquals(1, problem.get("index").asInt());
            assertEquals(1, problem.get("frame").asInt());
            assertEquals("UNKNOWN_CHANNEL", problem.get("code").asText());
            assertEquals("/payload/frames/1/samples/Torque_Nn", problem.get("pointer").asText());
            assertTrue(problem.get("message").asText().contains("Torque_Nm"), problem.toString());
            assertFalse(contract.body().contains("Exception"), contract.body());

            assertEquals(404, gateway.get("/nowhere").statusCode());
            assertEquals(405, gateway.get("/beacon").statusCode());

            HttpResponse<String> limited = null;
            for (int i = 0; i < 20 && limited == null; i++)
            {
                final HttpResponse<String> response = gateway.post("/beacon", "application/xml", "x");
                if (response.statusCode() == 429)
                {
                    limited = response;
                }
            }
            assertTrue(limited != null, "no 429 after 20 requests at 1/s with burst 8");
            assertTrue(limited.headers().firstValue("Retry-After").isPresent());
            assertEquals("rate_limited", JSON.readTree(limited.body()).get("reason").asText());
        }
        assertEquals(List.of(), GatewayHarness.journaledSequences(dataDir));
    }

    /**
     * A transfer coding other than {@code chunked} is refused 501 and the connection closed (RFC 9112, 6.1), nothing
     * ingested: before, {@code Transfer-Encoding: gzip, chunked} was read as if {@code gzip} were not there, so a body
     * sent that way uncompressed was journaled as the client never meant it (202), and a compressed one answered 400
     * {@code malformed_json}.
     */
    @Test
    void shouldRefuseATransferCodingOtherThanChunked() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
             RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            final RawHttpConnection.Response refused = chunkedBeacon(connection, "gzip, chunked", 0);
            assertEquals(501, refused.status(), refused.body());
            final JsonNode answer = JSON.readTree(refused.body());
            assertEquals("unsupported_transfer_coding", answer.get("reason").asText(), refused.body());
            assertTrue(answer.get("message").asText().contains("Transfer-Encoding 'gzip'"), refused.body());
            connection.assertClosedByGateway();
            assertEquals(0.0, gateway.metric("pitgun_gateway_frames_published_total"));
            assertEquals(1.0, gateway.metric(
                "pitgun_gateway_rejections_total{reason=\"unsupported_transfer_coding\"}"));
            try (RawHttpConnection chunked = new RawHttpConnection(gateway.server.address()))
            {
                // chunked alone, in any case, is the framing Netty undoes: taken.
                final RawHttpConnection.Response taken = chunkedBeacon(chunked, "Chunked", 1);
                assertEquals(202, taken.status(), taken.body());
            }
        }
        assertEquals(List.of(1L), GatewayHarness.journaledSequences(dataDir));
    }

    /** A one-frame beacon (frame {@code sequence}) sent as one chunk under {@code Transfer-Encoding: coding}. */
    private static RawHttpConnection.Response chunkedBeacon(final RawHttpConnection connection, final String coding,
        final long sequence) throws Exception
    {
        final String body = Envelopes.batch(UUID.randomUUID(), sequence, 1);
        connection.send("POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
            "Transfer-Encoding: " + coding + "\r\n\r\n" + Integer.toHexString(body.length()) + "\r\n" + body +
            "\r\n0\r\n\r\n");
        return connection.readResponse();
    }

    /**
     * A compressed body is refused for its coding (415), not as broken JSON: before, {@code Content-Encoding: gzip}
     * was ignored and the gzip bytes were answered 400 {@code malformed_json} ("found '\u001f'"). A black-box pass
     * found it.
     */
    @Test
    void shouldRefuseAContentCodingItDoesNotAcceptAsSuch() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped))
            {
                gzip.write(Envelopes.batch(UUID.randomUUID(), 0, 1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            final HttpResponse<String> refused = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" +
                        gateway.server.address().getPort() + "/beacon"))
                    .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(415, refused.statusCode(), refused.body());
            final JsonNode answer = JSON.readTree(refused.body());
            assertEquals("unsupported_media_type", answer.get("reason").asText(), refused.body());
            assertTrue(answer.get("message").asText().contains("Content-Encoding 'gzip' is not accepted"),
                refused.body());
            assertEquals(0.0, gateway.metric("pitgun_gateway_frames_published_total"));

            final HttpResponse<String> identity = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" +
                        gateway.server.address().getPort() + "/beacon"))
                    .header("Content-Type", "application/json").header("Content-Encoding", "identity")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Envelopes.batch(UUID.randomUUID(), 1, 1)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, identity.statusCode(), identity.body());

            // Every Content-Encoding line counts, not only the first (a review sent identity, then gzip: 202).
            final HttpResponse<String> second = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" +
                        gateway.server.address().getPort() + "/beacon"))
                    .header("Content-Type", "application/json").header("Content-Encoding", "identity")
                    .header("Content-Encoding", "gzip")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(415, second.statusCode(), second.body());
        }
    }

    @Test
    void shouldAcknowledgeARetriedEnvelopeWithoutIngestingItTwice() throws Exception
    {
        final UUID eventId = UUID.randomUUID();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final String envelope = Envelopes.batch(eventId, 0, 4);
            assertEquals(202, gateway.beacon(envelope).statusCode());
            final HttpResponse<String> retry = gateway.beacon(envelope);
            assertEquals(202, retry.statusCode(), retry.body());
            final JsonNode answer = JSON.readTree(retry.body());
            assertEquals(1, answer.get("envelopes_duplicate").asInt());
            assertEquals(0, answer.get("frames_accepted").asInt());
        }
        assertEquals(List.of(0L, 1L, 2L, 3L), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldAnswer503WhenTheRingIsFullAndIngestEverythingExactlyOnceOnRetry() throws Exception
    {
        // 16 frames per envelope do not fit a ring of 8 slots: those envelopes go in frame by frame.
        overloadAndRetry(64, 16, false);
    }

    @Test
    void shouldPublishEachEnvelopeThatFitsTheRingWholeOrNotAtAll() throws Exception
    {
        overloadAndRetry(128, 4, true);
    }

    private void overloadAndRetry(final int envelopes, final int framesEach, final boolean wholeEnvelopes)
        throws Exception
    {
        final List<UUID> ids = new ArrayList<>();
        final StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < envelopes; i++)
        {
            ids.add(UUID.randomUUID());
            body.append(i == 0 ? "" : ",").append(Envelopes.batch(ids.get(i), (long)i * framesEach, framesEach));
        }
        body.append(']');
        int overloaded = 0;
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.CHANNEL_CAPACITY, "8",
            GatewaySetting.MAX_BODY_BYTES, "8388608")))
        {
            HttpResponse<String> response = gateway.beacon(body.toString());
            // Bounded by time, not attempts: on a loaded machine a retry may find the ring drained by a few slots only.
            final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (response.statusCode() == 503 && System.nanoTime() < deadline)
            {
                overloaded++;
                assertTrue(response.headers().firstValue("Retry-After").isPresent());
                final JsonNode answer = JSON.readTree(response.body());
                assertEquals("ring_full", answer.get("reason").asText(), response.body());
                assertTrue(answer.get("envelope_status").size() > 0, response.body());
                for (final JsonNode status : answer.get("envelope_status"))
                {
                    if (wholeEnvelopes)
                    {
                        assertEquals("not_accepted", status.get("state").asText(), response.body());
                    }
                }
                response = gateway.beacon(body.toString()); // the same envelopes, as a client would resend them
            }
            assertEquals(202, response.statusCode(), response.body());
            final HttpResponse<String> health = gateway.get("/health");
            assertEquals(200, health.statusCode());
        }
        assertTrue(overloaded > 0, "a ring of 8 slots took " + envelopes * framesEach +
            " frames in one go: the test did not overload it");
        final List<Long> sequences = GatewayHarness.journaledSequences(dataDir);
        assertEquals(envelopes * framesEach, sequences.size(), "every frame exactly once");
        assertEquals(envelopes * framesEach, new HashSet<>(sequences).size());
    }

    @Test
    void shouldServeHealthDictionarySchemasSolverAndValidMetrics() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 2)).statusCode());
            final JsonNode health = JSON.readTree(gateway.get("/health").body());
            assertEquals("ok", health.get("status").asText());
            assertEquals("sim.v1", JSON.readTree(gateway.get("/dictionary").body()).get("dictionaries").get(0)
                .get("name").asText());
            final JsonNode dictionary = JSON.readTree(gateway.get("/dictionary/sim.v1").body());
            assertEquals("metrics-dictionary/v1", dictionary.get("schema_version").asText());
            assertEquals(404, gateway.get("/dictionary/nope").statusCode());
            final HttpResponse<String> schema = gateway.get("/schemas/pitgun-envelope/v1");
            assertEquals(200, schema.statusCode());
            assertEquals("https://pitgun.io/schemas/pitgun-envelope/v1", JSON.readTree(schema.body()).get("$id").asText());
            assertEquals(404, gateway.get("/schemas/pitgun-envelope/v9").statusCode());
            final HttpResponse<String> solver = gateway.get("/solver/");
            assertEquals(200, solver.statusCode());
            assertTrue(solver.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertEquals(404, gateway.get("/solver/../../etc/passwd").statusCode());

            final HttpResponse<String> metrics = gateway.get("/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("pitgun_gateway_frames_published_total 2"), metrics.body());
            assertTrue(metrics.body().contains("pitgun_pipeline_stage_latency_seconds{stage=\"publish_to_journaled\",quantile=\"0.99\"}"));
            Promtool.assertMetricsPass(metrics.body());
        }
    }
}
