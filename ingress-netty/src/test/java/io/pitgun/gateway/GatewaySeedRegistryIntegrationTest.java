package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A gateway given the seed's registry file as written ({@code datasets/registries/f1_generic.yaml}: {@code version},
 * {@code name}, {@code parameters[]} without dimension or access) validates envelopes against it and serves it as a
 * canonical dictionary.
 */
class GatewaySeedRegistryIntegrationTest
{
    private static final Path F1_GENERIC = Path.of("..", "datasets", "registries", "f1_generic.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void shouldIngestAgainstTheSeedRegistryAndServeItAsACanonicalDictionary() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir,
            Map.of(GatewaySetting.DICTIONARY, F1_GENERIC.toString())))
        {
            final HttpResponse<String> accepted = gateway.beacon(envelope("\"Engine_RPM\":11000,\"Throttle_Position\":87.5"));
            assertEquals(202, accepted.statusCode(), accepted.body());
            final HttpResponse<String> unknown = gateway.beacon(envelope("\"Speed\":120.5"));
            assertEquals(422, unknown.statusCode(), unknown.body());

            assertEquals("f1-generic-registry", JSON.readTree(gateway.get("/dictionary").body()).get("dictionaries")
                .get(0).get("name").asText());
            final JsonNode dictionary = JSON.readTree(gateway.get("/dictionary/f1-generic-registry").body());
            assertEquals("metrics-dictionary/v1", dictionary.get("schema_version").asText());
            assertEquals("angular_velocity", dictionary.get("parameters").get(0).get("dimension").asText());
            assertEquals("public", dictionary.get("parameters").get(1).get("access").asText());
        }
        assertEquals(Set.of(1, 2), GatewayHarness.journaledParameterIds(dataDir));
    }

    private static String envelope(final String samples)
    {
        return "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + UUID.randomUUID() +
            "\",\"ts\":\"2026-04-11T12:43:44.279Z\",\"player_id\":\"" + Envelopes.PLAYER + "\",\"session_id\":\"" +
            Envelopes.SESSION + "\",\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[" +
            "{\"sequence\":1,\"timestamp_us\":1712345678000000,\"lap_number\":1,\"samples\":{" + samples + "}}]}}";
    }
}
