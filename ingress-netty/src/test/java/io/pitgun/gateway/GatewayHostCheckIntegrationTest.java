package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DNS rebinding against the open GET endpoints: a page whose own name resolves to 127.0.0.1 reaches a loopback
 * gateway with {@code Host: evil.example}. A loopback gateway without tokens answers only requests naming a loopback
 * host or a host of {@code ALLOWED_ORIGINS} (421 {@code host_not_allowed}, counted); with tokens the rule is off
 * (what tells anything needs a token). Sent over a raw socket: the JDK's client will not send another {@code Host}.
 */
class GatewayHostCheckIntegrationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAForeignHostOnATokenlessLoopbackGateway() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.ALLOWED_ORIGINS, "https://dash.example"));
             RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            final int port = gateway.server.address().getPort();
            for (final String path : List.of("/metrics", "/latency", "/health", "/dictionary"))
            {
                final RawHttpConnection.Response refused = get(connection, path, "evil.example:" + port);
                assertEquals(421, refused.status(), path + ": " + refused.body());
                assertTrue(refused.body().contains("\"reason\":\"host_not_allowed\""), refused.body());
            }
            // A refused upgrade ends its connection (its client waits for the switch): on a connection of its own.
            try (RawHttpConnection another = new RawHttpConnection(gateway.server.address()))
            {
                final RawHttpConnection.Response upgrade = send(another, "GET /ws?subscribe=derived HTTP/1.1\r\n" +
                    "Host: evil.example:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
                assertEquals(421, upgrade.status(), upgrade.body());
                another.assertClosedByGateway();
            }

            for (final String host : List.of("localhost:" + port, "127.0.0.1:" + port, "127.0.0.2", "[::1]:" + port,
                "LOCALHOST", "dash.example"))
            {
                assertEquals(200, get(connection, "/health", host).status(), host);
            }
            // Not fooled by look-alikes of loopback names.
            for (final String host : List.of("127.0.0.1.evil.example", "localhost.evil.example", "127.0.0.256",
                "127.0.0.1:1@evil.example", "[::1].evil", "localhost:80x"))
            {
                assertEquals(421, get(connection, "/health", host).status(), host);
            }
            assertEquals(11, gateway.metric("pitgun_gateway_rejections_total{reason=\"host_not_allowed\"}"));
        }
    }

    @Test
    void shouldNotCheckTheHostWhenTokensAreOn() throws Exception
    {
        final Path tokens = dir.resolve("tokens.json");
        TokenFile.add(tokens, "ops", EnumSet.of(Capability.METRICS), 0);
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.TOKENS_FILE, tokens.toString()));
             RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            assertEquals(200, get(connection, "/health", "evil.example").status());
            assertEquals(401, get(connection, "/metrics", "evil.example").status());
        }
    }

    /**
     * RFC 9112 §3.2: a request with more than one {@code Host} field line, or an HTTP/1.1 request with none, is
     * answered 400. Two lines let a rebinding page pass the check with a loopback name in one and be served under the
     * other; the gateway admitted them (200) and read only the first.
     */
    @Test
    void shouldRefuseTwoHostLinesAndAnHttp11RequestWithoutHost() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of()))
        {
            final int port = gateway.server.address().getPort();
            for (final String hosts : List.of("Host: localhost:" + port + "\r\nHost: evil.example\r\n",
                "Host: evil.example\r\nHost: localhost:" + port + "\r\n",
                "Host: localhost\r\nHost: localhost\r\n",
                ""))
            {
                try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
                {
                    final RawHttpConnection.Response refused = send(connection,
                        "GET /health HTTP/1.1\r\n" + hosts + "\r\n");
                    assertEquals(400, refused.status(), hosts + ": " + refused.body());
                    assertTrue(refused.body().contains("\"reason\":\"malformed_http\""), refused.body());
                    assertTrue(refused.body().contains("Host"), refused.body());
                }
            }
            assertEquals(4, gateway.metric("pitgun_gateway_rejections_total{reason=\"malformed_http\"}"));
            try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
            {
                // HTTP/1.0 has no Host requirement (and browsers always send one).
                assertEquals(200, send(connection, "GET /health HTTP/1.0\r\n\r\n").status());
            }
        }
    }

    /**
     * A request target in the absolute form names its host itself, which takes the place of {@code Host} (RFC 9112
     * §3.2.2, §7.2): it is that host the check reads, the Host line ignored. The Host lines' own rule holds still
     * (§3.2): two, or none in HTTP/1.1, are answered 400.
     */
    @Test
    void shouldCheckTheAuthorityOfAnAbsoluteFormInPlaceOfHost() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of());
             RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            final int port = gateway.server.address().getPort();
            final RawHttpConnection.Response refused = get(connection, "http://evil.example:" + port + "/health",
                "127.0.0.1:" + port);
            assertEquals(421, refused.status(), refused.body());
            assertTrue(refused.body().contains("Host 'evil.example:" + port + "'"), refused.body());
            // A refused upgrade ends its connection (its client waits for the switch): on a connection of its own.
            try (RawHttpConnection another = new RawHttpConnection(gateway.server.address()))
            {
                final RawHttpConnection.Response upgrade = send(another, "GET http://evil.example/ws HTTP/1.1\r\n" +
                    "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
                assertEquals(421, upgrade.status(), upgrade.body());
                another.assertClosedByGateway();
            }
            assertEquals(200, get(connection, "http://localhost:" + port + "/health", "evil.example").status());
            assertEquals(200, send(connection, "GET http://[::1]/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                .status());
            assertEquals(2, gateway.metric("pitgun_gateway_rejections_total{reason=\"host_not_allowed\"}"));
            for (final String hosts : List.of("Host: localhost\r\nHost: localhost\r\n", ""))
            {
                try (RawHttpConnection another = new RawHttpConnection(gateway.server.address()))
                {
                    assertEquals(400, send(another, "GET http://localhost/health HTTP/1.1\r\n" + hosts + "\r\n")
                        .status(), hosts);
                }
            }
        }
    }

    private static RawHttpConnection.Response get(final RawHttpConnection connection, final String path,
        final String host) throws Exception
    {
        return send(connection, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    }

    private static RawHttpConnection.Response send(final RawHttpConnection connection, final String request)
        throws Exception
    {
        connection.send(request);
        return connection.readResponse();
    }
}
