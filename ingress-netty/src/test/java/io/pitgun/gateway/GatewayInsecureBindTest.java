package io.pitgun.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

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

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger)LoggerFactory.getLogger(GatewayServer.class);

    @BeforeEach
    void attach()
    {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void detach()
    {
        logger.detachAppender(logged);
    }

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
        return logged.list.stream().filter(event -> event.getLevel() == Level.WARN &&
            event.getFormattedMessage().startsWith("INSECURE")).toList();
    }
}
