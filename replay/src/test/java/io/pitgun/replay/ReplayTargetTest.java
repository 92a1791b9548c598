package io.pitgun.replay;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayTargetTest
{
    @Test
    void shouldParseTheUsualForms()
    {
        assertEquals(new ReplayTarget("127.0.0.1", 8080), ReplayTarget.parse("127.0.0.1:8080"));
        assertEquals(new ReplayTarget("localhost", 9000), ReplayTarget.parse("http://localhost:9000/"));
        assertEquals(new ReplayTarget("::1", 8080), ReplayTarget.parse("[::1]:8080"));
        assertEquals("http://[::1]:8080/beacon", ReplayTarget.parse("[::1]:8080").beaconUri().toString());
        assertEquals("ws://127.0.0.1:8080/ws", ReplayTarget.parse("127.0.0.1:8080").webSocketUri().toString());
    }

    @Test
    void shouldTakeTheGatewayUrlsTheToolsPrint()
    {
        final ReplayTarget expected = new ReplayTarget("127.0.0.1", 8080);
        assertEquals(expected, ReplayTarget.parse("http://127.0.0.1:8080/beacon"));
        assertEquals(expected, ReplayTarget.parse("http://127.0.0.1:8080/beacon/"));
        assertEquals(expected, ReplayTarget.parse("ws://127.0.0.1:8080/ws"));
        assertEquals("http://127.0.0.1:8080", ReplayTarget.parse("127.0.0.1:8080/beacon").baseUri().toString());
        assertTrue(assertThrows(ReplayInputException.class, () -> ReplayTarget.parse("http://127.0.0.1:8080/metrics"))
            .getMessage().contains("expected host:port, http://host:port or the gateway's http://host:port/beacon"));
    }

    @Test
    void shouldExplainBadTargets()
    {
        assertTrue(assertThrows(ReplayInputException.class, () -> ReplayTarget.parse("127.0.0.1"))
            .getMessage().contains("expected host:port"));
        assertTrue(assertThrows(ReplayInputException.class, () -> ReplayTarget.parse("127.0.0.1:http"))
            .getMessage().contains("is not a number"));
        assertTrue(assertThrows(ReplayInputException.class, () -> ReplayTarget.parse("https://a:1"))
            .getMessage().contains("only http://"));
    }

    @Test
    void shouldNeedAllowRemoteForNonLoopbackTargets()
    {
        assertTrue(ReplayTarget.parse("127.0.0.1:8080").isLoopback());
        assertFalse(ReplayTarget.parse("192.0.2.10:8080").isLoopback());
        final ReplayOptions remote = options(ReplayTarget.parse("192.0.2.10:8080"), false, 10);
        assertTrue(assertThrows(ReplayInputException.class, remote::validate).getMessage().contains("--allow-remote"));
        options(ReplayTarget.parse("192.0.2.10:8080"), true, 10).validate();
        assertTrue(assertThrows(ReplayInputException.class,
            () -> options(ReplayTarget.parse("127.0.0.1:8080"), false, 1025).validate()).getMessage().contains("--batch"));
    }

    private static ReplayOptions options(final ReplayTarget target, final boolean allowRemote, final int batch)
    {
        return new ReplayOptions(target, Path.of("x.csv"), 0, false, false, batch, allowRemote, false, true,
            ReplayOptions.DEFAULT_MAX_RETRIES, null, null, ParameterRegistry.simV1());
    }
}
