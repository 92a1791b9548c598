package io.pitgun.gateway;

import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browser safety over real HTTP and WebSocket: a page of another site in a browser on the gateway's machine must not
 * post telemetry to the loopback gateway (a {@code text/plain} POST needs no CORS preflight, so the browser sends
 * it) nor open a WebSocket to it. Browsers always name the page's origin in {@code Origin}; a foreign one is refused
 * 403 {@code origin_not_allowed} and counted, with or without tokens. Clients that are not browsers send no
 * {@code Origin} and are not affected.
 */
class GatewayOriginIntegrationTest
{
    private static final String EVIL = "http://evil.example";
    private static final String ORIGIN_REFUSALS = "pitgun_gateway_rejections_total{reason=\"origin_not_allowed\"}";

    @TempDir
    Path dir;

    @Test
    void shouldRefuseATextPlainPostFromAForeignOriginToTheZeroConfigLoopbackGateway() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final HttpResponse<String> refused = GatewayTokensIntegrationTest.post(gateway, "/beacon", "text/plain",
                Envelopes.batch(UUID.randomUUID(), 0, 1), null, EVIL);
            assertEquals(403, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("\"reason\":\"origin_not_allowed\""), refused.body());
            assertEquals(1, gateway.metric(ORIGIN_REFUSALS));
            assertEquals(1, gateway.metric("pitgun_gateway_responses_total{endpoint=\"beacon\",status=\"403\"}"));

            // Not a browser: no Origin, accepted as before.
            assertEquals(202, GatewayTokensIntegrationTest.post(gateway, "/beacon", "text/plain",
                Envelopes.batch(UUID.randomUUID(), 1, 1), null, null).statusCode());
            // A page the gateway serves itself (same origin, reached by a loopback address) may post.
            final String own = "http://127.0.0.1:" + gateway.server.address().getPort();
            assertEquals(202, GatewayTokensIntegrationTest.post(gateway, "/beacon", "text/plain",
                Envelopes.batch(UUID.randomUUID(), 2, 1), null, own).statusCode());
            // "null" (a sandboxed frame, a file:// page) is foreign too.
            assertEquals(403, GatewayTokensIntegrationTest.post(gateway, "/beacon", "application/json",
                Envelopes.batch(UUID.randomUUID(), 3, 1), null, "null").statusCode());
            assertEquals(2, gateway.metric(ORIGIN_REFUSALS));
        }
        assertEquals(List.of(1L, 2L), GatewayHarness.journaledSequences(dataDir));
    }

    @Test
    void shouldRefuseAWebSocketFromAForeignOriginAndAcceptAnAllowedOne() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.ALLOWED_ORIGINS, "https://dash.example")))
        {
            assertEquals(403, refusedUpgrade(gateway, "/ws", EVIL));
            assertEquals(403, refusedUpgrade(gateway, "/ws?subscribe=derived", EVIL));
            assertEquals(2, gateway.metric(ORIGIN_REFUSALS));

            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Origin", "https://dash.example")
                .buildAsync(gateway.wsUri("/ws?subscribe=derived"), new WebSocketMessages()).get(20, TimeUnit.SECONDS);
            ws.abort();
            assertEquals(202, GatewayTokensIntegrationTest.post(gateway, "/beacon", "text/plain",
                Envelopes.batch(UUID.randomUUID(), 0, 1), null, "https://dash.example").statusCode());
            assertEquals(2, gateway.metric(ORIGIN_REFUSALS));
        }
    }

    @Test
    void shouldRefuseAPageThatReachedTheGatewayThroughDnsRebinding() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of());
             RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            // evil.example resolved to 127.0.0.1 for the browser: the page is "same origin" with what it reached,
            // but Host names the attacker's host, not a loopback name.
            final String host = "evil.example:" + gateway.server.address().getPort();
            final String body = Envelopes.batch(UUID.randomUUID(), 0, 1);
            connection.send("POST /beacon HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://" + host +
                "\r\nContent-Type: text/plain\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length +
                "\r\n\r\n" + body);
            final RawHttpConnection.Response refused = connection.readResponse();
            assertEquals(403, refused.status(), refused.body());
            assertTrue(refused.body().contains("origin_not_allowed"), refused.body());
        }
        assertEquals(List.of(), GatewayHarness.journaledSequences(dataDir));
    }

    /**
     * The gateway's own origin is its own scheme with the request's Host: {@code https://localhost:PORT} is not the
     * plain gateway's own page (it was admitted, 202). Two Origin lines are answered 400: only the first was checked,
     * so the gateway's own origin followed by a foreign one was admitted.
     */
    @Test
    void shouldTakeOnlyItsOwnSchemeAsItsOwnOriginAndRefuseTwoOriginLines() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            final String host = "localhost:" + gateway.server.address().getPort();
            assertEquals(403, post(gateway, host, "Origin: https://" + host + "\r\n").status());
            final RawHttpConnection.Response two = post(gateway, host,
                "Origin: http://" + host + "\r\nOrigin: " + EVIL + "\r\n");
            assertEquals(400, two.status(), two.body());
            assertTrue(two.body().contains("more than one Origin header line"), two.body());
            assertEquals(202, post(gateway, host, "Origin: http://" + host + "\r\n").status());
        }
        assertEquals(1, GatewayHarness.journaledSequences(dataDir).size());
    }

    private static RawHttpConnection.Response post(final GatewayHarness gateway, final String host,
        final String originLines) throws Exception
    {
        try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            final String body = Envelopes.batch(UUID.randomUUID(), 0, 1);
            connection.send("POST /beacon HTTP/1.1\r\nHost: " + host + "\r\n" + originLines +
                "Content-Type: text/plain\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length +
                "\r\n\r\n" + body);
            return connection.readResponse();
        }
    }

    @Test
    void shouldRefuseAForeignOriginEvenWithAValidToken() throws Exception
    {
        final Path tokens = dir.resolve("tokens.json");
        final String ingest = TokenFile.add(tokens, "producer", java.util.EnumSet.of(Capability.INGEST), 0);
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.TOKENS_FILE, tokens.toString())))
        {
            final HttpResponse<String> refused = GatewayTokensIntegrationTest.post(gateway, "/beacon", "text/plain",
                Envelopes.batch(UUID.randomUUID(), 0, 1), ingest, EVIL);
            assertEquals(403, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("origin_not_allowed"), refused.body());
            assertTrue(refused.body().contains("may not post here"), refused.body());

            // A POST to a path that takes none is refused for its origin too, and says it was a post.
            final HttpResponse<String> elsewhere = GatewayTokensIntegrationTest.post(gateway, "/metrics", "text/plain",
                "x", ingest, EVIL);
            assertEquals(403, elsewhere.statusCode(), elsewhere.body());
            assertTrue(elsewhere.body().contains("may not post here"), elsewhere.body());

            // What navigator.sendBeacon sends (text/plain, no Origin a gateway could trust) needs its token too.
            final HttpResponse<String> tokenless = GatewayTokensIntegrationTest.post(gateway, "/beacon", "text/plain",
                Envelopes.batch(UUID.randomUUID(), 1, 1), null, null);
            assertEquals(401, tokenless.statusCode(), tokenless.body());
            assertEquals(202, GatewayTokensIntegrationTest.post(gateway, "/beacon", "text/plain",
                Envelopes.batch(UUID.randomUUID(), 2, 1), ingest, null).statusCode());
        }
    }

    /** The status of a WebSocket handshake from a page of {@code origin}, which must be refused. */
    private static int refusedUpgrade(final GatewayHarness gateway, final String path, final String origin)
    {
        final WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(20)).header("Origin", origin);
        final ExecutionException ex = assertThrows(ExecutionException.class,
            () -> builder.buildAsync(gateway.wsUri(path), new WebSocketMessages()).get(20, TimeUnit.SECONDS));
        Throwable cause = ex.getCause();
        while (cause instanceof CompletionException && cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        assertInstanceOf(WebSocketHandshakeException.class, cause, ex::toString);
        return ((WebSocketHandshakeException)cause).getResponse().statusCode();
    }
}
