package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without tokens the client is its address: {@code RESTRICTED_CLIENTS} matches an IPv6 client however the address
 * is written, and {@code X-Forwarded-For} names the client only when a {@code TRUSTED_PROXIES} peer sends it.
 */
class GatewayClientIdentityIntegrationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldMatchRestrictedClientsWrittenShortAgainstAnIpv6Client() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.BIND, "[::1]:0", GatewaySetting.RESTRICTED_CLIENTS, "::1")))
        {
            final URI beacon = URI.create("http://[::1]:" + gateway.server.address().getPort() + "/beacon");
            final String restricted = Envelopes.batch(UUID.randomUUID(), 0, 1)
                .replace("\"Speed\":", "\"Engine_Map\":3,\"Speed\":");
            final HttpResponse<String> accepted = gateway.client.send(HttpRequest.newBuilder(beacon)
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(restricted)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, accepted.statusCode(), accepted.body());
        }
    }

    @Test
    void shouldKeyRateLimitsOnTheForwardedClientOnlyBehindATrustedProxy() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of(GatewaySetting.TRUSTED_PROXIES,
            "127.0.0.1", GatewaySetting.RATE_LIMIT, "1", GatewaySetting.RATE_BURST, "1")))
        {
            assertEquals(202, forwarded(gateway, "10.0.0.1", 0).statusCode());
            final HttpResponse<String> limited = forwarded(gateway, "10.0.0.1", 1);
            assertEquals(429, limited.statusCode(), limited.body());
            assertTrue(limited.body().contains("client 10.0.0.1 is over its rate limit"), limited.body());
            // Another client behind the same proxy has its own bucket; a hop the client wrote itself is ignored.
            assertEquals(202, forwarded(gateway, "6.6.6.6, 10.0.0.2", 2).statusCode());
        }
    }

    @Test
    void shouldIgnoreForwardedForFromAPeerThatIsNotATrustedProxy() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.RATE_LIMIT, "1", GatewaySetting.RATE_BURST, "1")))
        {
            assertEquals(202, forwarded(gateway, "10.0.0.1", 0).statusCode());
            final HttpResponse<String> limited = forwarded(gateway, "10.0.0.2", 1);
            assertEquals(429, limited.statusCode(), limited.body());
            assertTrue(limited.body().contains("client loopback is over its rate limit"), limited.body());
        }
    }

    @Test
    void shouldTakeEveryLoopbackAddressForOneClientWithoutTokens() throws Exception
    {
        // The hostile finding: 127.0.0.1, 127.0.0.2, ... each had a rate-limit bucket of its own.
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of(GatewaySetting.RATE_LIMIT, "1",
            GatewaySetting.RATE_BURST, "1", GatewaySetting.RESTRICTED_CLIENTS, "127.0.0.9")))
        {
            final InetSocketAddress target = new InetSocketAddress("127.0.0.1", gateway.server.address().getPort());
            final String restricted = Envelopes.batch(UUID.randomUUID(), 0, 1)
                .replace("\"Speed\":", "\"Engine_Map\":3,\"Speed\":");
            try (RawHttpConnection first = new RawHttpConnection(target, InetAddress.getByName("127.0.0.2")))
            {
                // RESTRICTED_CLIENTS named another loopback address: the same client.
                first.send(post(restricted));
                assertEquals(202, first.readResponse().status());
            }
            try (RawHttpConnection second = new RawHttpConnection(target, InetAddress.getByName("127.0.0.3")))
            {
                second.send(post(Envelopes.batch(UUID.randomUUID(), 1, 1)));
                final RawHttpConnection.Response limited = second.readResponse();
                assertEquals(429, limited.status(), limited.head() + limited.body());
                assertTrue(limited.body().contains("client loopback is over its rate limit"), limited.body());
            }
        }
    }

    private static String post(final String body)
    {
        return "POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
            body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void shouldReadEveryForwardedForLineNotOnlyTheOneTheClientWrote() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of(GatewaySetting.TRUSTED_PROXIES,
            "127.0.0.1", GatewaySetting.RATE_LIMIT, "1", GatewaySetting.RATE_BURST, "1")))
        {
            // A proxy that appends a line of its own (HAProxy's option forwardfor) after the client's: the client
            // changing its own line must not make it another client.
            assertEquals(202, forwardedLines(gateway, "1.1.1.1", "10.0.0.9", 0).statusCode());
            final HttpResponse<String> limited = forwardedLines(gateway, "1.1.1.2", "10.0.0.9", 1);
            assertEquals(429, limited.statusCode(), limited.body());
            assertTrue(limited.body().contains("client 10.0.0.9 is over its rate limit"), limited.body());
        }
    }

    /** A POST carrying two {@code X-Forwarded-For} lines: the client's, then the proxy's. */
    private static HttpResponse<String> forwardedLines(final GatewayHarness gateway, final String clientLine,
        final String proxyLine, final long sequence) throws Exception
    {
        return gateway.client.send(HttpRequest.newBuilder(gateway.uri("/beacon")).timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json").header("X-Forwarded-For", clientLine)
            .header("X-Forwarded-For", proxyLine)
            .POST(HttpRequest.BodyPublishers.ofString(Envelopes.batch(UUID.randomUUID(), sequence, 1))).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> forwarded(final GatewayHarness gateway, final String forwardedFor,
        final long sequence) throws Exception
    {
        return gateway.client.send(HttpRequest.newBuilder(gateway.uri("/beacon")).timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json").header("X-Forwarded-For", forwardedFor)
            .POST(HttpRequest.BodyPublishers.ofString(Envelopes.batch(UUID.randomUUID(), sequence, 1))).build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
