package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
