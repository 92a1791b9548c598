package io.pitgun.systemtests;

import io.pitgun.testsupport.GatewayClient;
import io.pitgun.testsupport.SelfSignedPem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pitgun gateway --tls-provider openssl} on a JVM where OpenSSL does not load (Netty's own switch,
 * {@code -Dio.netty.handler.ssl.noOpenSsl=true}, stands in for a machine without the native library): it still
 * serves HTTPS, with the JDK's provider, says so in its log and in {@code /metrics}.
 */
class TlsProviderFallbackProcessTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void shouldServeWithTheJdkProviderAndSaySoWhenOpenSslDoesNotLoad() throws Exception
    {
        final SelfSignedPem pem = SelfSignedPem.create(dir, "gateway", "pitgun-test");
        try (GatewayProcess gateway = GatewayProcess.start(dir.resolve("data"),
            List.of("-Dio.netty.handler.ssl.noOpenSsl=true"), Map.of(), "--tls-cert", pem.certificate().toString(),
            "--tls-key", pem.key().toString(), "--tls-provider", "openssl"))
        {
            final GatewayClient https = new GatewayClient(gateway.port(), pem.trustingOnlyThis());
            assertEquals(200, https.get("/health").statusCode());
            assertEquals(1.0, https.metricOrNaN("pitgun_gateway_tls_openssl_fallback"));
            assertEquals(1.0, https.metricOrNaN("pitgun_gateway_tls_provider_info{provider=\"jdk\"}"));
            assertTrue(gateway.logs().contains("PITGUN_GATEWAY_TLS_PROVIDER=openssl but OpenSSL (netty-tcnative " +
                "BoringSSL) does not load on this machine"), gateway.logs());
            assertEquals(0, gateway.terminate(Duration.ofSeconds(30)), gateway.logs());
        }
    }
}
