package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The forms of a request target (RFC 9112 §3.2), sent over a raw socket: the JDK's client sends only the origin
 * form. A server MUST accept the absolute form (§3.2.2), {@code POST http://host:port/beacon}: it is routed by its
 * path and query as the origin form is, for every endpoint. Before, its whole URI was taken for the path: the beacon
 * was answered 405 and every GET 404. The authority and asterisk forms ({@code CONNECT host:port},
 * {@code OPTIONS *}) name nothing here and are answered as an unknown target is, counted, the connection going on.
 */
class GatewayRequestTargetIntegrationTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldRouteTheAbsoluteFormByItsPathAndQueryAsTheOriginForm() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
             RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            final String origin = "http://127.0.0.1:" + gateway.server.address().getPort();
            final String body = Envelopes.batch(UUID.randomUUID(), 0, 2);
            final RawHttpConnection.Response beacon = send(connection, "POST " + origin + "/beacon HTTP/1.1\r\n" +
                "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" +
                body);
            assertEquals(202, beacon.status(), beacon.body());
            assertTrue(beacon.body().contains("\"frames_accepted\":2"), beacon.body());

            assertEquals(200, get(connection, origin + "/health").status());
            final RawHttpConnection.Response metrics = get(connection, origin + "/metrics");
            assertEquals(200, metrics.status(), metrics.body());
            assertTrue(metrics.body().contains("pitgun_gateway_frames_published_total 2"), metrics.body());
            assertTrue(get(connection, origin + "/solver/").header("Content-Type").startsWith("text/html"));
            assertTrue(get(connection, origin + "/live").header("Content-Type").startsWith("text/html"));
            assertEquals(200, get(connection, origin + "/dictionary/sim.v1").status());
            // The scheme in any case; an empty path is "/" (RFC 9112 §3.2.2), the JSON list of endpoints.
            assertTrue(get(connection, "HTTP://127.0.0.1/").body().contains("\"/health\""));
            assertTrue(get(connection, origin).body().contains("\"/health\""));
            assertTrue(get(connection, origin + "?x=1").body().contains("\"/health\""));
            // The query is kept: it is what names a subscription's stream. A refused upgrade ends its connection
            // (its client waits for the switch): on a connection of its own.
            try (RawHttpConnection upgrade = new RawHttpConnection(gateway.server.address()))
            {
                final RawHttpConnection.Response stream = send(upgrade, "GET " + origin + "/ws?subscribe=nope " +
                    "HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
                assertEquals(400, stream.status(), stream.body());
                assertTrue(stream.body().contains("subscribe='nope' is not a stream"), stream.body());
                upgrade.assertClosedByGateway();
            }
            assertEquals(404, get(connection, origin + "/nowhere").status());

            try (RawWebSocket ingest = new RawWebSocket(gateway.server.address(), origin + "/ws", null, 0))
            {
                final byte[] ping = ByteBuffer.allocate(4).putInt(7).array();
                ingest.send(RawWebSocket.frame(RawWebSocket.PING, true, ping));
                final RawWebSocket.Frame pong = ingest.read();
                assertEquals(0xA, pong.opcode());
                assertArrayEquals(ping, pong.payload());
            }
            try (RawWebSocket subscriber = new RawWebSocket(gateway.server.address(),
                origin + "/ws?subscribe=derived", null, 0))
            {
                assertEquals(1.0, gateway.metric(
                    "pitgun_gateway_responses_total{endpoint=\"ws_subscribe\",status=\"101\"}"));
            }
            assertEquals(1.0, gateway.metric("pitgun_gateway_responses_total{endpoint=\"beacon\",status=\"202\"}"));
            assertEquals(1.0, gateway.metric("pitgun_gateway_responses_total{endpoint=\"ws_text\",status=\"101\"}"));
        }
        assertEquals(List.of(0L, 1L), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldAnswerTheAuthorityAndAsteriskFormsAsUnknownTargetsAndGoOn() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
             RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            final int port = gateway.server.address().getPort();
            final RawHttpConnection.Response options = send(connection,
                "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertEquals(405, options.status(), options.body());
            assertEquals("GET, HEAD", options.header("Allow"));
            final RawHttpConnection.Response connect = send(connection, "CONNECT 127.0.0.1:" + port +
                " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n");
            assertEquals(405, connect.status(), connect.body());
            assertEquals(404, get(connection, "*").status());
            // Neither a scheme of its own nor a host: not this gateway's target either.
            assertEquals(404, get(connection, "ftp://127.0.0.1/health").status());
            assertEquals(404, get(connection, "http:///health").status());
            // An authority no host has (a control character: not a Host value either): unknown, and nothing of it is
            // acted on. Before, the path was rewritten, then the Host header refused it: the beacon was journaled and
            // its connection dropped unanswered, and the GET passed the host check by the Host line.
            final String body = Envelopes.batch(UUID.randomUUID(), 0, 1);
            final RawHttpConnection.Response control = send(connection, "POST http://evil\u0001.example/beacon " +
                "HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length() +
                "\r\n\r\n" + body);
            assertEquals(405, control.status(), control.body());
            assertEquals(404, get(connection, "http://a\u0001b/health").status());
            assertEquals(200, get(connection, "/health").status(), "the connection goes on");
            assertEquals(3.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"method_not_allowed\"}"));
            assertEquals(4.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"not_found\"}"));
            assertEquals(3.0, gateway.metric("pitgun_gateway_responses_total{endpoint=\"other\",status=\"405\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_connection_errors_total"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_frames_published_total"));
        }
    }

    private static RawHttpConnection.Response get(final RawHttpConnection connection, final String target)
        throws Exception
    {
        return send(connection, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }

    private static RawHttpConnection.Response send(final RawHttpConnection connection, final String request)
        throws Exception
    {
        connection.send(request);
        return connection.readResponse();
    }
}
