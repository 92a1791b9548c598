package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a new user finds on a gateway: {@code GET /} lists the endpoints, {@code GET /schemas} the schemas, one
 * channel at {@code /dictionary/{channel}}, and the dictionary at the seed's {@code /schemas/metrics-dictionary/sim.v1}.
 */
class GatewayDiscoveryIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void shouldListWhatItServesAndAnswerOneChannelAndTheSeedsDictionaryUrl() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final HttpResponse<String> root = gateway.get("/");
            assertEquals(200, root.statusCode(), root.body());
            final List<String> paths = new ArrayList<>();
            JSON.readTree(root.body()).get("endpoints").forEach(endpoint -> paths.add(endpoint.get("path").asText()));
            assertTrue(paths.containsAll(List.of("/beacon", "/ws", "/health", "/metrics", "/dictionary", "/schemas")),
                root.body());

            final HttpResponse<String> schemas = gateway.get("/schemas");
            assertEquals(200, schemas.statusCode(), schemas.body());
            final List<String> ids = new ArrayList<>();
            JSON.readTree(schemas.body()).get("schemas").forEach(schema -> ids.add(schema.get("id").asText()));
            assertTrue(ids.containsAll(List.of("pitgun-envelope/v1", "metrics-dictionary/v1", "insight-contract/v1")),
                schemas.body());
            final String href = JSON.readTree(schemas.body()).get("schemas").get(0).get("href").asText();
            assertEquals(200, gateway.get(href).statusCode(), href);

            final HttpResponse<String> seedUrl = gateway.get("/schemas/metrics-dictionary/sim.v1");
            assertEquals(200, seedUrl.statusCode(), seedUrl.body());
            final JsonNode dictionary = JSON.readTree(seedUrl.body());
            assertEquals("metrics-dictionary/v1", dictionary.get("schema_version").asText());
            assertEquals("sim.v1", dictionary.get("name").asText());
            assertEquals(200, gateway.get("/schemas/metrics-dictionary/v1").statusCode(), "the schema itself still");

            for (final String path : List.of("/dictionary/Engine_RPM", "/dictionary/engine_rpm",
                "/dictionary/sim.v1/Engine_RPM"))
            {
                final HttpResponse<String> channel = gateway.get(path);
                assertEquals(200, channel.statusCode(), path + ": " + channel.body());
                final JsonNode entry = JSON.readTree(channel.body());
                assertEquals(1, entry.get("id").asInt(), path);
                assertEquals("rpm", entry.get("unit").asText(), path);
            }
            final HttpResponse<String> typo = gateway.get("/dictionary/Engine_RMP");
            assertEquals(404, typo.statusCode(), typo.body());
            assertTrue(typo.body().contains("Engine_RPM"), typo.body());
        }
    }
}
