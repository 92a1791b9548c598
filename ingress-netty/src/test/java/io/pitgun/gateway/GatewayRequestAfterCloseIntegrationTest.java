package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request that comes behind an answer that closes the connection is neither routed nor answered (RFC 9112, 9.6),
 * and is counted ({@code request_after_close}). Found by a black-box pass: a {@code POST /beacon} written in the same
 * packet behind a {@code Connection: close} request, or behind a request refused as malformed, was journaled, counted
 * as a 202 and audited, while the client got one answer and a closed connection.
 */
class GatewayRequestAfterCloseIntegrationTest
{
    @TempDir
    Path dataDir;

    /**
     * Every request behind a closing answer is counted, an upgrade request among them too, and those behind it: the
     * decoder holds what follows an upgrade request until it is answered, and a dropped one is answered by nothing
     * (a review found the two POSTs behind it uncounted).
     */
    @org.junit.jupiter.api.Test
    void shouldCountEveryRequestBehindAClosingAnswerAnUpgradeAmongThem() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
            Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
        {
            socket.setSoTimeout(10_000);
            final String envelope = Envelopes.batch(UUID.randomUUID(), 0, 1);
            final String post = "POST /beacon HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                "Content-Length: " + envelope.length() + "\r\n\r\n" + envelope;
            socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" +
                "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" + post + post)
                .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            final String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals(1, answers.split("HTTP/1\\.1 ", -1).length - 1, answers);
            Await.until("the three requests behind the close counted", () -> gateway.http.metricOrNaN(
                "pitgun_gateway_rejections_total{reason=\"request_after_close\"}") == 3);
            assertEquals(0.0, gateway.metric("pitgun_gateway_envelopes_received_total"));
        }
    }

    /**
     * A request line of another HTTP major version is answered 505 and the connection closed, counted once (what
     * follows the HTTP/2 preface's request line is behind the closing answer). Before, {@code GET /health HTTP/2.0}
     * was answered {@code HTTP/1.1 200}, and the preface was counted twice as {@code malformed_http}.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "GET /health HTTP/2.0\r\nHost: localhost\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" })
    void shouldAnswer505ToAnotherMajorVersion(final String request) throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
            Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
        {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            final String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals(1, answer.split("HTTP/1\\.1 ", -1).length - 1, answer);
            assertTrue(answer.startsWith("HTTP/1.1 505 "), answer);
            assertTrue(answer.contains("\"reason\":\"http_version_not_supported\""), answer);
            assertEquals(1.0, gateway.metric(
                "pitgun_gateway_rejections_total{reason=\"http_version_not_supported\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"malformed_http\"}"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        "GET /health HTTP/1.0\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: a\r\nHost: localhost\r\n\r\n",
        "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n" })
    void shouldNeitherRouteNorAnswerARequestBehindAClosingAnswer(final String first) throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
            Socket socket = new Socket("127.0.0.1", gateway.server.address().getPort()))
        {
            socket.setSoTimeout(10_000);
            final String envelope = Envelopes.batch(UUID.randomUUID(), 0, 1);
            final OutputStream out = socket.getOutputStream();
            out.write((first + "POST /beacon HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                "Content-Length: " + envelope.length() + "\r\n\r\n" + envelope).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            final InputStream in = socket.getInputStream();
            final ByteArrayOutputStream answers = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) // until the gateway closes
            {
                answers.write(b);
            }
            final String text = answers.toString(StandardCharsets.ISO_8859_1);
            assertEquals(1, text.split("HTTP/1\\.[01] ", -1).length - 1, "one answer, then the close: " + text);

            Await.until("the request behind the close counted", () -> gateway.http.metricOrNaN(
                "pitgun_gateway_rejections_total{reason=\"request_after_close\"}") == 1);
            assertEquals(0.0, gateway.metric("pitgun_gateway_envelopes_received_total"), "the POST was not ingested");
            assertEquals(0.0, gateway.metric("pitgun_gateway_frames_published_total"));
        }
    }
}
