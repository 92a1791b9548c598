package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.WebSocketMessages;

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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code AUDIT_LOG} ({@code --audit-log FILE}): one JSON line per request, in the file, without logging setup. */
class GatewayAuditLogIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldAppendOneJsonLinePerRequestToTheAuditLogFile() throws Exception
    {
        final Path audit = dir.resolve("audit.log");
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.AUDIT_LOG, audit.toString())))
        {
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 2)).statusCode());
            assertEquals(200, gateway.get("/health").statusCode());
            assertEquals(404, gateway.get("/nowhere").statusCode());
        }
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : Files.readAllLines(audit))
        {
            lines.add(JSON.readTree(line));
        }
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("/beacon", lines.get(0).get("path").asText());
        assertEquals(202, lines.get(0).get("status").asInt());
        assertEquals(2, lines.get(0).get("frames").asInt());
        assertEquals("/health", lines.get(1).get("path").asText());
        assertEquals("not_found", lines.get(2).get("reason").asText());
        assertTrue(lines.get(0).get("peer").asText().startsWith("127.0.0.1:"), lines.get(0).toString());
        assertTrue(lines.get(0).get("token_id").isNull(), "no tokens: " + lines.get(0));
    }

    /**
     * FILE moved away (logrotate, an archive) or deleted (to free space) while the gateway runs: a new FILE begins.
     * Before, the lines went on into the moved file until it reached 64 MiB, and FILE stayed missing.
     */
    @Test
    void shouldBeginANewFileWhenTheAuditLogIsMovedAway() throws Exception
    {
        final Path audit = dir.resolve("audit.log");
        final Path moved = dir.resolve("audit.log.archived");
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.AUDIT_LOG, audit.toString())))
        {
            assertEquals(200, gateway.get("/health").statusCode());
            Await.until("the first line", () -> Files.exists(audit) && Files.size(audit) > 0);
            Files.move(audit, moved);
            Await.until("a new audit.log with a line of a request after the move", Duration.ofSeconds(10), () ->
                gateway.get("/after-the-move").statusCode() == 404 && Files.exists(audit) &&
                    Files.readString(audit).contains("/after-the-move"));
        }
        assertTrue(Files.readString(moved).contains("/health"), "the line before the move stays where it went");
    }

    @Test
    void shouldNameTheTokenOfEveryAuthenticatedRequest() throws Exception
    {
        final Path audit = dir.resolve("audit.log");
        final Path tokens = dir.resolve("tokens.json");
        final String ingest = TokenFile.add(tokens, "producer", java.util.EnumSet.of(Capability.INGEST), 0);
        final String viewer = TokenFile.add(tokens, "viewer", java.util.EnumSet.of(Capability.SUBSCRIBE), 0);
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.AUDIT_LOG, audit.toString(), GatewaySetting.TOKENS_FILE, tokens.toString())))
        {
            assertEquals(202, GatewayTokensIntegrationTest.post(gateway, "/beacon", "application/json",
                Envelopes.batch(UUID.randomUUID(), 0, 2), ingest, null).statusCode());
            assertEquals(401, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 2, 1)).statusCode());
            assertEquals(403, GatewayTokensIntegrationTest.post(gateway, "/beacon", "application/json",
                Envelopes.batch(UUID.randomUUID(), 3, 1), viewer, null).statusCode());
        }
        final List<String> lines = Files.readAllLines(audit);
        assertEquals(3, lines.size(), lines.toString());
        // A token refused for a capability it lacks is known: the line names it, so an operator sees who tried.
        assertEquals("missing_capability", JSON.readTree(lines.get(2)).get("reason").asText(), lines.get(2));
        assertEquals("viewer", JSON.readTree(lines.get(2)).get("token_id").asText(), lines.get(2));
        assertEquals("producer", JSON.readTree(lines.get(0)).get("token_id").asText());
        assertEquals(401, JSON.readTree(lines.get(1)).get("status").asInt());
        assertEquals("unauthenticated", JSON.readTree(lines.get(1)).get("reason").asText());
        assertTrue(JSON.readTree(lines.get(1)).get("token_id").isNull(), lines.get(1));
        assertTrue(lines.stream().noneMatch(line -> line.contains(ingest.substring(ingest.indexOf('.') + 1))),
            "a secret in the audit log: " + lines);
    }

    @Test
    void shouldWriteWhatAWebSocketCarriedWhenItCloses() throws Exception
    {
        final Path audit = dir.resolve("audit.log");
        final Path tokens = dir.resolve("tokens.json");
        final String ingest = TokenFile.add(tokens, "producer", java.util.EnumSet.of(Capability.INGEST), 0);
        final String first = Envelopes.batch(UUID.randomUUID(), 0, 2);
        final String second = Envelopes.batch(UUID.randomUUID(), 2, 3);
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.AUDIT_LOG, audit.toString(), GatewaySetting.TOKENS_FILE, tokens.toString())))
        {
            final WebSocketMessages messages = new WebSocketMessages();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + ingest).header("X-Forwarded-For", "10.1.2.3")
                .buildAsync(gateway.wsUri("/ws"), messages).get(20, TimeUnit.SECONDS);
            ws.sendText(first, true).get(20, TimeUnit.SECONDS);
            ws.sendText(second, true).get(20, TimeUnit.SECONDS);
            for (int i = 0; i < 2; i++)
            {
                final String ack = messages.texts.poll(20, TimeUnit.SECONDS);
                assertNotNull(ack, "no ack within 20 s");
                assertTrue(ack.contains("\"status\":\"accepted\""), ack);
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(20, TimeUnit.SECONDS);
            Await.until("the connection's closing line", () -> Files.exists(audit) &&
                Files.readAllLines(audit).stream().anyMatch(line -> line.contains("\"closed\"")));
        }
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : Files.readAllLines(audit))
        {
            lines.add(JSON.readTree(line));
        }
        assertEquals(2, lines.size(), lines.toString());
        final JsonNode upgrade = lines.get(0);
        assertEquals(101, upgrade.get("status").asInt(), upgrade.toString());
        assertTrue(upgrade.get("closed") == null, upgrade.toString());
        final JsonNode closed = lines.get(1);
        assertEquals("client", closed.get("closed").asText(), closed.toString());
        assertEquals("producer", closed.get("token_id").asText(), closed.toString());
        assertEquals("10.1.2.3", closed.get("x_forwarded_for").asText(), closed.toString());
        assertEquals("/ws", closed.get("path").asText(), closed.toString());
        assertEquals(first.getBytes(StandardCharsets.UTF_8).length + second.getBytes(StandardCharsets.UTF_8).length,
            closed.get("bytes_in").asLong(), closed.toString());
        assertEquals(2, closed.get("envelopes").asInt(), closed.toString());
        assertEquals(5, closed.get("frames").asInt(), closed.toString());
    }

    /**
     * A line the audit file drops is counted under why, in {@code /metrics}: here past its size cap while it cannot
     * be rotated (the oldest file's name is taken by a directory that cannot be deleted). Before, the drops of all
     * causes were one number, and an operator could not tell a slow disk from a full one or a rotation that fails.
     */
    @Test
    void shouldCountEveryDroppedLineByItsReasonInMetrics() throws Exception
    {
        final Path audit = dir.resolve("audit.log");
        try (java.io.RandomAccessFile full = new java.io.RandomAccessFile(audit.toFile(), "rw"))
        {
            full.setLength(AuditFileWriter.MAX_BYTES); // sparse: at its cap without writing 64 MiB
        }
        final Path oldest = dir.resolve("audit.log." + AuditFileWriter.KEEP);
        Files.createDirectories(oldest);
        Files.writeString(oldest.resolve("in-the-way"), "x");
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.AUDIT_LOG, audit.toString())))
        {
            assertEquals(200, gateway.get("/health").statusCode());
            Await.until("the /health line counted dropped", () -> gateway.metric(
                "pitgun_gateway_audit_lines_dropped_total{reason=\"size_cap\"}") >= 1);
            assertEquals(0.0, gateway.metric("pitgun_gateway_audit_lines_dropped_total{reason=\"queue_full\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_audit_lines_dropped_total{reason=\"write_failed\"}"));
            io.pitgun.testsupport.Promtool.assertMetricsPass(gateway.get("/metrics").body());
        }
        assertEquals(AuditFileWriter.MAX_BYTES, Files.size(audit), "the cap held");
    }

    @Test
    void shouldKeepAFloodOfRefusedRequestsWithoutATokenFromErasingTheAuditLog() throws Exception
    {
        // Before: every refused request wrote a line carrying its 11 KB X-Forwarded-For, and one client with no
        // token filled the five rotated files in about 6 s, erasing every earlier line.
        final Path audit = dir.resolve("audit.log");
        final int requests = AuditBudget.BURST + 1_000;
        final String forwardedFor = "10.0.0.1, ".repeat(200);
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.AUDIT_LOG, audit.toString())))
        {
            final long started = System.nanoTime();
            flood(gateway, "GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: " + forwardedFor + "\r\n\r\n",
                "HTTP/1.1 404", requests);
            final double seconds = (System.nanoTime() - started) / 1e9;
            // The next line written, whatever its request, says how many were left out before it: here an ingest
            // the rate limit admitted, which its client pays for (an open GET would come out of the same budget).
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 1)).statusCode());
            final double suppressed = gateway.metric("pitgun_gateway_audit_lines_suppressed_total");
            assertTrue(suppressed >= requests - AuditBudget.BURST - AuditBudget.LINES_PER_SECOND * (seconds + 1),
                suppressed + " of " + requests + " in " + seconds + " s");
            io.pitgun.testsupport.Await.until("the /beacon line written", () -> Files.readAllLines(audit).stream()
                .anyMatch(line -> line.contains("\"/beacon\"")));
            final List<String> lines = Files.readAllLines(audit);
            assertEquals((long)suppressed, namedAsSuppressed(lines), "every line left out is named by a later one: " +
                "the flood stays on record");
            assertEquals(requests - (long)suppressed, lines.stream().filter(line -> line.contains("not_found")).count());
            for (final String line : lines)
            {
                final JsonNode node = JSON.readTree(line);
                assertTrue(node.get("x_forwarded_for").isNull() ||
                    node.get("x_forwarded_for").asText().length() <= AuditLog.UNTRUSTED_TEXT_CHARS, line);
            }
        }
    }

    /**
     * Open endpoints answered 200 cost a client without a token as little as refusals: their lines come out of the
     * same budget. Before, only refusals did, and one client's {@code GET /health} in a loop wrote 48 MB of lines in
     * 5 s (the five rotated files in about 35 s, every earlier line erased). Ingestion the rate limit admitted is
     * paid for by its client and is written whatever the budget.
     */
    @Test
    void shouldKeepAFloodOfOpenRequestsWithoutATokenFromErasingTheAuditLog() throws Exception
    {
        final Path audit = dir.resolve("audit.log");
        final int requests = AuditBudget.BURST + 1_000;
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.AUDIT_LOG, audit.toString())))
        {
            final long started = System.nanoTime();
            flood(gateway, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "HTTP/1.1 200", requests);
            final double seconds = (System.nanoTime() - started) / 1e9;
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, 1)).statusCode());
            final double suppressed = gateway.metric("pitgun_gateway_audit_lines_suppressed_total");
            assertTrue(suppressed >= requests - AuditBudget.BURST - AuditBudget.LINES_PER_SECOND * (seconds + 1),
                suppressed + " of " + requests + " in " + seconds + " s");
            Await.until("the /beacon line written", () -> Files.readAllLines(audit).stream()
                .anyMatch(line -> line.contains("\"/beacon\"")));
            assertEquals(requests - (long)suppressed, Files.readAllLines(audit).stream()
                .filter(line -> line.contains("\"/health\"")).count());
        }
    }

    /**
     * A client with a valid token is held to a budget of its own for the lines it does not pay for in its rate: here
     * an ingest token asking for {@code /metrics}, refused 403 and named in each line. Before, every request that
     * presented a valid token was written whatever the budget, so one such client could fill the five files. Its
     * budget is its token's: another token's line is still written after the flood.
     */
    @Test
    void shouldKeepAFloodOfAValidTokensRequestsItDoesNotPayForFromErasingTheAuditLog() throws Exception
    {
        final Path audit = dir.resolve("audit.log");
        final Path tokens = dir.resolve("tokens.json");
        final String producer = TokenFile.add(tokens, "producer", java.util.EnumSet.of(Capability.INGEST), 0);
        final String viewer = TokenFile.add(tokens, "viewer", java.util.EnumSet.of(Capability.SUBSCRIBE), 0);
        final String prometheus = TokenFile.add(tokens, "prometheus", java.util.EnumSet.of(Capability.METRICS), 0);
        final int requests = AuditBudget.BURST + 1_000;
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.AUDIT_LOG, audit.toString(), GatewaySetting.TOKENS_FILE, tokens.toString())))
        {
            final long started = System.nanoTime();
            flood(gateway, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + producer +
                "\r\n\r\n", "HTTP/1.1 403", requests);
            final double seconds = (System.nanoTime() - started) / 1e9;
            assertEquals(403, GatewayTokensIntegrationTest.get(gateway, "/metrics", viewer).statusCode());
            Await.until("the viewer's line written", () -> Files.readAllLines(audit).stream()
                .anyMatch(line -> line.contains("\"token_id\":\"viewer\"")));
            final double suppressed = suppressedLines(gateway, prometheus);
            assertTrue(suppressed >= requests - AuditBudget.BURST - AuditBudget.LINES_PER_SECOND * (seconds + 1),
                suppressed + " of " + requests + " in " + seconds + " s");
            final List<String> lines = Files.readAllLines(audit);
            assertEquals(requests - (long)suppressed, lines.stream()
                .filter(line -> line.contains("\"token_id\":\"producer\"")).count());
            assertEquals((long)suppressed, namedAsSuppressed(lines), "the flood stays on record");
        }
    }

    /**
     * With the rate limit off ({@code RATE_LIMIT=0}) ingestion costs its client nothing either: its lines come out
     * of the budget (here of requests without a token; a duplicate resent is answered 202 each time). Before, they
     * were written whatever the budget, as if paid for in a rate that was not in force.
     */
    @Test
    void shouldBudgetTheLinesOfIngestionWhenTheRateLimitIsOff() throws Exception
    {
        final Path audit = dir.resolve("audit.log");
        final int requests = AuditBudget.BURST + 1_000;
        final String body = Envelopes.batch(UUID.randomUUID(), 0, 1);
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.AUDIT_LOG, audit.toString(), GatewaySetting.RATE_LIMIT, "0")))
        {
            final long started = System.nanoTime();
            flood(gateway, "POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body,
                "HTTP/1.1 202", requests);
            final double seconds = (System.nanoTime() - started) / 1e9;
            // Read in the process, not by a request: with RATE_LIMIT=0 every request here shares the budget. Each
            // request's line is taken from the budget once its answer is on the way, so the last answers can reach
            // this client first: wait until every request is either written or left out.
            Await.until("each of the flood's lines written or left out", () -> Files.readAllLines(audit).stream()
                .filter(line -> line.contains("\"/beacon\"")).count() +
                gateway.server.counters().auditSuppressed.sum() == requests);
            final long floodLeftOut = gateway.server.counters().auditSuppressed.sum();
            assertTrue(floodLeftOut >= requests - AuditBudget.BURST - AuditBudget.LINES_PER_SECOND * (seconds + 1),
                floodLeftOut + " of " + requests + " in " + seconds + " s");
            // A line to name the lines left out: the budget the flood emptied gives one every 5 ms, so asked again
            // until one is written.
            Await.until("a /nowhere line written", () -> gateway.get("/nowhere").statusCode() == 404 &&
                Files.readAllLines(audit).stream().anyMatch(line -> line.contains("\"/nowhere\"")));
            assertTrue(namedAsSuppressed(Files.readAllLines(audit)) >= floodLeftOut, "the flood stays on record");
        }
    }

    /** {@code pitgun_gateway_audit_lines_suppressed_total}, read with {@code token} when tokens are on. */
    private static double suppressedLines(final GatewayHarness gateway, final String token) throws Exception
    {
        final String metrics = GatewayTokensIntegrationTest.get(gateway, "/metrics", token).body();
        for (final String line : metrics.split("\n"))
        {
            if (line.startsWith("pitgun_gateway_audit_lines_suppressed_total "))
            {
                return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        throw new AssertionError("no pitgun_gateway_audit_lines_suppressed_total in " + metrics);
    }

    /** The lines left out, as the lines written after them name them ({@code suppressed_before}). */
    private static long namedAsSuppressed(final List<String> lines) throws Exception
    {
        long named = 0;
        for (final String line : lines)
        {
            final JsonNode node = JSON.readTree(line);
            named += node.has("suppressed_before") ? node.get("suppressed_before").asLong() : 0;
        }
        return named;
    }

    /**
     * A valid token presented to an open endpoint ({@code /health}) names the line and takes it from that token's
     * budget: after a flood without a token has emptied the budget of requests without one, the viewer's
     * {@code GET /health} is still written, naming it. Before, its line named no token and came out of the emptied
     * budget.
     */
    @Test
    void shouldTakeTheLineOfAnOpenRequestWithAValidTokenFromThatTokensBudget() throws Exception
    {
        final Path audit = dir.resolve("audit.log");
        final Path tokens = dir.resolve("tokens.json");
        final String viewer = TokenFile.add(tokens, "viewer", java.util.EnumSet.of(Capability.SUBSCRIBE), 0);
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.AUDIT_LOG, audit.toString(), GatewaySetting.TOKENS_FILE, tokens.toString())))
        {
            flood(gateway, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "HTTP/1.1 200",
                AuditBudget.BURST + 1_000);
            assertEquals(200, GatewayTokensIntegrationTest.get(gateway, "/health", viewer).statusCode());
            Await.until("the viewer's /health line written, naming it", () -> Files.readAllLines(audit).stream()
                .anyMatch(line -> line.contains("\"token_id\":\"viewer\"") && line.contains("\"/health\"")));
        }
    }

    /**
     * Sends {@code request} {@code count} times, pipelined over one connection (a bounded number in flight), and
     * reads an answer beginning {@code statusLine} to each.
     */
    private static void flood(final GatewayHarness gateway, final String request, final String statusLine,
        final int count) throws Exception
    {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.uri("/").getPort()))
        {
            final byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
            final java.io.OutputStream out = socket.getOutputStream();
            final java.io.InputStream in = socket.getInputStream();
            final byte[] buffer = new byte[1 << 16];
            int answered = 0;
            int sent = 0;
            final byte[] status = statusLine.getBytes(StandardCharsets.US_ASCII);
            int matched = 0;
            while (answered < count)
            {
                while (sent < count && sent - answered < 32)
                {
                    out.write(bytes);
                    sent++;
                }
                out.flush();
                final int n = in.read(buffer);
                assertTrue(n > 0, "the gateway closed the connection after " + answered + " answers");
                for (int i = 0; i < n; i++)
                {
                    matched = buffer[i] == status[matched] ? matched + 1 : buffer[i] == status[0] ? 1 : 0;
                    if (matched == status.length)
                    {
                        answered++;
                        matched = 0;
                    }
                }
            }
        }
    }
}
