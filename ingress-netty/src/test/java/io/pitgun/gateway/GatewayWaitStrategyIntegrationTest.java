package io.pitgun.gateway;

import io.pitgun.engine.WaitStrategyKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code WAIT_STRATEGY} reaches the gateway's pipeline, and a gateway on it journals and acknowledges as usual. */
class GatewayWaitStrategyIntegrationTest
{
    @Test
    void shouldRunItsPipelineWithTheConfiguredWaitStrategy(@TempDir final Path dataDir) throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.WAIT_STRATEGY, "yielding")))
        {
            assertEquals(WaitStrategyKind.YIELDING, gateway.server.pipeline().config().waitStrategy());

            final HttpResponse<String> answer = gateway.post("/beacon", "application/json",
                Envelopes.batch(java.util.UUID.randomUUID(), 0, 1));

            assertEquals(202, answer.statusCode(), answer.body());
        }
    }
}
