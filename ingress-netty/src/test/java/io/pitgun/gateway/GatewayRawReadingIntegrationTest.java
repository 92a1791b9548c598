package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway reads every value in the channel's engineering unit and never applies a dictionary {@code conversion}
 * (docs/contracts.md, "Raw readings"): 95 °C is accepted, the same reading in kelvin (368.15) is out of range.
 */
class GatewayRawReadingIntegrationTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldReadValuesInEngineeringUnitsAndRefuseARawReadingOutOfRange() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final HttpResponse<String> celsius = gateway.beacon(envelope("95.0"));
            assertEquals(202, celsius.statusCode(), celsius.body());
            final HttpResponse<String> kelvin = gateway.beacon(envelope("368.15"));
            assertEquals(422, kelvin.statusCode(), kelvin.body());
            assertTrue(kelvin.body().contains("value_out_of_range"), kelvin.body());
        }
    }

    private static String envelope(final String value)
    {
        return "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + UUID.randomUUID() +
            "\",\"ts\":\"2026-04-11T12:43:44.279Z\",\"player_id\":\"" + Envelopes.PLAYER + "\",\"session_id\":\"" +
            Envelopes.SESSION + "\",\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[" +
            "{\"sequence\":1,\"timestamp_us\":1712345678000000,\"lap_number\":1,\"samples\":{" +
            "\"Tyre_Surface_Temp_FL\":" + value + "}}]}}";
    }
}
