package io.pitgun.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A non-loopback bind without tokens starts only when told {@code INSECURE=1}, and then says so at every start
 * (a warning, which the CLI's logging shows); with tokens it starts without the warning.
 */
class GatewayInsecureBindTest
{
    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedLog log = new CapturedLog(GatewayServer.class);

    @Test
    void shouldWarnAtEveryStartOfAnInsecureNonLoopbackGateway() throws Exception
    {
        for (int start = 1; start <= 2; start++)
        {
            try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data" + start),
                Map.of(GatewaySetting.BIND, "0.0.0.0:0", GatewaySetting.INSECURE, "1")))
            {
                assertEquals(200, gateway.get("/health").statusCode());
            }
            final List<ILoggingEvent> warnings = insecureWarnings();
            assertEquals(start, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).getFormattedMessage().contains("without tokens"),
                warnings.get(0).getFormattedMessage());
        }
    }

    @Test
    void shouldNotWarnWithTokens() throws Exception
    {
        final Path tokens = dir.resolve("tokens.json");
        TokenFile.add(tokens, "ops", EnumSet.of(Capability.METRICS), 0);
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.BIND, "0.0.0.0:0", GatewaySetting.TOKENS_FILE, tokens.toString())))
        {
            assertEquals(200, gateway.get("/health").statusCode());
        }
        assertEquals(List.of(), insecureWarnings());
    }

    private List<ILoggingEvent> insecureWarnings()
    {
        return log.at(Level.WARN).stream().filter(event ->
            event.getFormattedMessage().startsWith("INSECURE")).toList();
    }
}
