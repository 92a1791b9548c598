package io.pitgun.gateway;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS_PROVIDER: parsed from the setting, and openssl falling back to the JDK's provider where OpenSSL does not load
 * (the integration tests run where it does load, so the fallback is decided here from the availability flag).
 */
class TlsProviderChoiceTest
{
    @Test
    void shouldFallBackToTheJdkOnlyWhenOpenSslWasAskedForAndIsUnavailable()
    {
        final Throwable cause = new UnsatisfiedLinkError("no netty_tcnative_linux_aarch_64 in java.library.path");
        assertEquals(TlsProvider.JDK, GatewayTls.available(TlsProvider.OPENSSL, false, cause));
        assertEquals(TlsProvider.OPENSSL, GatewayTls.available(TlsProvider.OPENSSL, true, null));
        assertEquals(TlsProvider.JDK, GatewayTls.available(TlsProvider.JDK, false, cause));
        assertEquals(TlsProvider.JDK, GatewayTls.available(TlsProvider.JDK, true, null));
    }

    @Test
    void shouldReadTheSettingsAndRefuseAnUnknownProviderByName()
    {
        // With a certificate (read at start, not here): without one the TLS settings are refused as doing nothing.
        final GatewayConfig config = GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_TLS_PROVIDER", "JDK",
            "PITGUN_GATEWAY_TLS_HANDSHAKE_TIMEOUT_MS", "750", "PITGUN_GATEWAY_TLS_MAX_HANDSHAKES", "9",
            "PITGUN_GATEWAY_TLS_MAX_HANDSHAKES_PER_PEER", "3", "PITGUN_GATEWAY_TLS_CERT", "gateway.crt",
            "PITGUN_GATEWAY_TLS_KEY", "gateway.key"), Map.of());
        assertEquals(new TlsOptions(TlsProvider.JDK, 750, 9, 3), config.tls());
        assertEquals(TlsProvider.parse(GatewaySetting.TLS_PROVIDER.defaultValue()),
            GatewayConfig.resolve(Map.of(), Map.of()).tls().provider());

        final GatewayConfigException refused = assertThrows(GatewayConfigException.class, () ->
            GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_TLS_PROVIDER", "boringssl"), Map.of()));
        assertTrue(refused.getMessage().contains("PITGUN_GATEWAY_TLS_PROVIDER (--tls-provider): 'boringssl' must " +
            "be jdk or openssl"), refused.getMessage());
    }
}
