package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code TOKENS_FILE} every endpoint that ingests, streams or reports needs a bearer token with its capability,
 * over real HTTP and WebSocket: no token is 401 (and no WebSocket), the wrong capability 403, each counted by reason;
 * a token revoked in the file stops working without a restart; rate limits and restricted channels key on the token
 * id, not the address (every test client here is 127.0.0.1).
 */
class GatewayTokensIntegrationTest
{
    @TempDir
    Path dir;

    private Path tokens;
    private String ingest;
    private String subscribe;
    private String metrics;

    private Map<GatewaySetting, String> withTokens(final Map<GatewaySetting, String> more)
    {
        tokens = dir.resolve("tokens.json");
        ingest = TokenFile.add(tokens, "producer", EnumSet.of(Capability.INGEST), 0);
        subscribe = TokenFile.add(tokens, "viewer", EnumSet.of(Capability.SUBSCRIBE), 0);
        metrics = TokenFile.add(tokens, "prometheus", EnumSet.of(Capability.METRICS), 0);
        final Map<GatewaySetting, String> settings = new java.util.EnumMap<>(GatewaySetting.class);
        settings.put(GatewaySetting.TOKENS_FILE, tokens.toString());
        settings.putAll(more);
        return settings;
    }

    @Test
    void shouldAnswer401WithoutAToken403WithoutTheCapabilityAnd202WithIt() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), withTokens(Map.of())))
        {
            final String body = Envelopes.batch(UUID.randomUUID(), 0, 1);
            final HttpResponse<String> none = post(gateway, "/beacon", "application/json", body, null, null);
            assertEquals(401, none.statusCode(), none.body());
            assertEquals("Bearer realm=\"pitgun\"", none.headers().firstValue("WWW-Authenticate").orElse(null));
            assertTrue(none.body().contains("\"reason\":\"unauthenticated\""), none.body());

            final HttpResponse<String> forged = post(gateway, "/beacon", "application/json", body,
                ingest.substring(0, ingest.length() - 2) + "xx", null);
            assertEquals(401, forged.statusCode(), forged.body());
            final HttpResponse<String> unknown = post(gateway, "/beacon", "application/json", body,
                "nobody." + ingest.substring(ingest.indexOf('.') + 1), null);
            assertEquals(401, unknown.statusCode(), unknown.body());

            final HttpResponse<String> wrong = post(gateway, "/beacon", "application/json", body, subscribe, null);
            assertEquals(403, wrong.statusCode(), wrong.body());
            assertTrue(wrong.body().contains("\"reason\":\"missing_capability\""), wrong.body());
            assertTrue(wrong.body().contains("token 'viewer' lacks capability 'ingest'"), wrong.body());

            final HttpResponse<String> accepted = post(gateway, "/beacon", "application/json", body, ingest, null);
            assertEquals(202, accepted.statusCode(), accepted.body());

            // A text/plain POST (navigator.sendBeacon) needs a token like any other.
            final HttpResponse<String> beacon = post(gateway, "/beacon", "text/plain",
                Envelopes.batch(UUID.randomUUID(), 1, 1), null, null);
            assertEquals(401, beacon.statusCode(), beacon.body());

            assertEquals(401, get(gateway, "/metrics", null).statusCode());
            assertEquals(401, get(gateway, "/latency", null).statusCode());
            assertEquals(403, get(gateway, "/metrics", ingest).statusCode());
            assertEquals(200, get(gateway, "/latency", metrics).statusCode());
            // Open to all: what a load balancer and a developer need to find their way.
            assertEquals(200, get(gateway, "/health", null).statusCode());
            assertEquals(200, get(gateway, "/dictionary", null).statusCode());

            assertEquals(6, metric(gateway, "pitgun_gateway_rejections_total{reason=\"unauthenticated\"}"));
            assertEquals(2, metric(gateway, "pitgun_gateway_rejections_total{reason=\"missing_capability\"}"));
            assertEquals(4, metric(gateway, "pitgun_gateway_responses_total{endpoint=\"beacon\",status=\"401\"}"));
        }
        assertEquals(List.of(0L), GatewayHarness.journaledSequences(dir.resolve("data")));
    }

    /**
     * Two {@code Authorization} lines are answered 400, as two {@code Host} lines are (RFC 9110 section 11.6.2: its
     * value is one credential, not a list). Before, the first line was checked and the second ignored: a valid token
     * then a bogus one was admitted (202), the reverse refused (401), so a proxy in front that reads the last line
     * would judge another token than the gateway does.
     */
    @Test
    void shouldRefuseTwoAuthorizationLines() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), withTokens(Map.of())))
        {
            for (final List<String> credentials : List.of(List.of(ingest, "bogus.token"),
                List.of("bogus.token", ingest), List.of(ingest, ingest)))
            {
                try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
                {
                    final String body = Envelopes.batch(UUID.randomUUID(), 0, 1);
                    connection.send("POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                        credentials.get(0) + "\r\nAuthorization: Bearer " + credentials.get(1) +
                        "\r\nContent-Type: application/json\r\nContent-Length: " +
                        body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
                    final RawHttpConnection.Response refused = connection.readResponse();
                    assertEquals(400, refused.status(), credentials + ": " + refused.body());
                    assertTrue(refused.body().contains("more than one Authorization header line"), refused.body());
                }
            }
        }
        assertEquals(List.of(), GatewayHarness.journaledSequences(dir.resolve("data")));
    }

    /**
     * {@code /health} stays open with tokens on (a load balancer probes it), but everyone's traffic counts in it are for
     * a {@code metrics} token only, as at {@code /metrics}. Before, anyone who reached it read frames_published and
     * journaled_sequence, and so learned, poll by poll, how many frames of restricted channels alone a producer
     * sent, which no subscriber without read_restricted is told (found by a black-box pass).
     */
    @Test
    void shouldLeaveTrafficCountsOutOfHealthWithoutAMetricsToken() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), withTokens(Map.of())))
        {
            assertEquals(202, post(gateway, "/beacon", "application/json", Envelopes.batch(UUID.randomUUID(), 0, 3),
                ingest, null).statusCode());
            for (final String token : new String[] {null, ingest, subscribe, "nobody.secret"})
            {
                final HttpResponse<String> open = get(gateway, "/health", token);
                assertEquals(200, open.statusCode(), open.body());
                assertTrue(open.body().startsWith("{\"status\":\"ok\","), open.body());
                for (final String count : new String[] {"frames_published", "journaled_sequence", "ingest_queue\"",
                    "journal_usable_bytes"})
                {
                    assertFalse(open.body().contains(count), token + " read " + count + ": " + open.body());
                }
            }
            final HttpResponse<String> monitoring = get(gateway, "/health", metrics);
            assertEquals(200, monitoring.statusCode(), monitoring.body());
            assertTrue(monitoring.body().contains("\"frames_published\":3"), monitoring.body());
            assertTrue(monitoring.body().contains("\"journaled_sequence\":2"), monitoring.body());
        }
    }

    @Test
    void shouldRefuseAWebSocketUpgradeWithoutATokenOrTheCapability() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), withTokens(Map.of())))
        {
            assertEquals(401, refusedUpgrade(gateway, "/ws", null));
            assertEquals(401, refusedUpgrade(gateway, "/ws?subscribe=derived", null));
            assertEquals(403, refusedUpgrade(gateway, "/ws?subscribe=derived", ingest));
            assertEquals(403, refusedUpgrade(gateway, "/ws", subscribe));

            final WebSocketMessages acks = new WebSocketMessages();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + ingest)
                .buildAsync(gateway.wsUri("/ws"), acks).get(20, TimeUnit.SECONDS);
            ws.sendText(Envelopes.batch(UUID.randomUUID(), 0, 1), true).get(5, TimeUnit.SECONDS);
            final String ack = acks.texts.poll(20, TimeUnit.SECONDS);
            assertNotNull(ack, "no ack within 20 s");
            assertTrue(ack.contains("\"type\":\"ack\""), ack);
            ws.abort();

            assertEquals(2, metric(gateway, "pitgun_gateway_rejections_total{reason=\"unauthenticated\"}"));
            assertEquals(2, metric(gateway, "pitgun_gateway_rejections_total{reason=\"missing_capability\"}"));
        }
    }

    @Test
    void shouldTakeABrowsersTokenFromTheWebSocketSubprotocolAndNeverEchoIt() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), withTokens(Map.of())))
        {
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("pitgun", "pitgun.bearer." + subscribe)
                .buildAsync(gateway.wsUri("/ws?subscribe=derived"), new WebSocketMessages()).get(20, TimeUnit.SECONDS);
            assertEquals("pitgun", ws.getSubprotocol());
            Await.until("subscribed", () -> gateway.server.counters().openSubscribers.get() == 1);
            ws.abort();

            final WebSocket.Builder wrong = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("pitgun", "pitgun.bearer." + ingest);
            final ExecutionException ex = assertThrows(ExecutionException.class, () -> wrong.buildAsync(
                gateway.wsUri("/ws?subscribe=derived"), new WebSocketMessages()).get(20, TimeUnit.SECONDS));
            assertTrue(ex.getCause() instanceof WebSocketHandshakeException, ex::toString);
            assertEquals(403, ((WebSocketHandshakeException)ex.getCause()).getResponse().statusCode());
        }
    }

    @Test
    void shouldStopAcceptingARevokedTokenWithoutARestart() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), withTokens(Map.of())))
        {
            assertEquals(202, post(gateway, "/beacon", "application/json", Envelopes.batch(UUID.randomUUID(), 0, 1),
                ingest, null).statusCode());
            assertTrue(TokenFile.revoke(tokens, "producer"));
            // Bounded: the file is polled every TokenStore.POLL_MS.
            Await.until("the revoked token is refused", Duration.ofSeconds(20), () -> post(gateway, "/beacon",
                "application/json", Envelopes.batch(UUID.randomUUID(), 100, 1), ingest, null).statusCode() == 401);

            // And a token added now works after the next poll, also without a restart.
            final String late = TokenFile.add(tokens, "late", EnumSet.of(Capability.INGEST), 0);
            Await.until("the new token is accepted", Duration.ofSeconds(20), () -> post(gateway, "/beacon",
                "application/json", Envelopes.batch(UUID.randomUUID(), 200, 1), late, null).statusCode() == 202);

            // A broken edit keeps the tokens in force (and the log says so): 'late' still works.
            Files.writeString(tokens, "{\"format\": \"pitgun-tokens/v1\", \"tokens\": [");
            // Once the gateway has read the broken file (counted), the tokens before it are still in force. (Posting
            // in a loop over the poll interval instead would run into the rate limit on a fast machine.)
            Await.until("the failed reload is counted", Duration.ofSeconds(20),
                () -> metric(gateway, "pitgun_gateway_token_reload_failures_total") == 1);
            assertEquals(202, post(gateway, "/beacon", "application/json", Envelopes.batch(UUID.randomUUID(), 300, 1),
                late, null).statusCode());
            assertEquals(2, metric(gateway, "pitgun_gateway_token_reloads_total"));

            // A file the gateway cannot read at all (here a directory in its place; in the field, a revoke run as
            // another user that left a file this one may not read) fails closed: no token is valid any more.
            Files.delete(tokens);
            Files.createDirectory(tokens);
            Await.until("an unreadable token file refuses every token", Duration.ofSeconds(20), () -> post(gateway,
                "/beacon", "application/json", Envelopes.batch(UUID.randomUUID(), 400, 1), late, null)
                .statusCode() == 401);
        }
    }

    @Test
    void shouldCloseOpenWebSocketsOfARevokedToken() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), withTokens(Map.of())))
        {
            final WebSocketMessages acks = new WebSocketMessages();
            final WebSocket ingestSocket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + ingest)
                .buildAsync(gateway.wsUri("/ws"), acks).get(20, TimeUnit.SECONDS);
            ingestSocket.sendText(Envelopes.batch(UUID.randomUUID(), 0, 1), true).get(5, TimeUnit.SECONDS);
            assertNotNull(acks.texts.poll(20, TimeUnit.SECONDS), "no ack within 20 s");
            final WebSocketMessages stream = new WebSocketMessages();
            HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + subscribe)
                .buildAsync(gateway.wsUri("/ws?subscribe=derived"), stream).get(20, TimeUnit.SECONDS);
            Await.until("subscribed", () -> gateway.server.counters().openSubscribers.get() == 1);

            assertTrue(TokenFile.revoke(tokens, "viewer"));
            assertEquals(1008, stream.closed.get(20, TimeUnit.SECONDS));
            assertTrue(TokenFile.revoke(tokens, "producer"));
            // Asked where it ingests nothing: 403 while the token is known, 401 once it is revoked.
            Await.until("the revocation is loaded", Duration.ofSeconds(20),
                () -> get(gateway, "/metrics", ingest).statusCode() == 401);
            ingestSocket.sendText(Envelopes.batch(UUID.randomUUID(), 2, 1), true).get(5, TimeUnit.SECONDS);
            assertEquals(1008, acks.closed.get(20, TimeUnit.SECONDS));
            // Counted when the connection ends: after the close frame the gateway reads on until the client closes
            // its side (lingering), a moment after the client has seen the frame.
            Await.until("both closes counted", Duration.ofSeconds(20),
                () -> metric(gateway, "pitgun_gateway_ws_closes_total{reason=\"token_revoked\"}") == 2);
        }
        assertEquals(List.of(0L), GatewayHarness.journaledSequences(dir.resolve("data")), "nothing after the revocation");
    }

    /**
     * A token still in the file that loses a capability closes the WebSockets it opened (1008) and is counted as an
     * HTTP request of it would be refused, {@code missing_capability}: it still authenticates. Before, it was counted
     * {@code unauthenticated}, the reason of a token revoked or a wrong secret.
     */
    @Test
    void shouldCountAWebSocketWhoseTokenLostItsCapabilityAsMissingCapability() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), withTokens(Map.of())))
        {
            final WebSocketMessages acks = new WebSocketMessages();
            final WebSocket ingestSocket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + ingest)
                .buildAsync(gateway.wsUri("/ws"), acks).get(20, TimeUnit.SECONDS);
            final WebSocketMessages stream = new WebSocketMessages();
            HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + subscribe)
                .buildAsync(gateway.wsUri("/ws?subscribe=derived"), stream).get(20, TimeUnit.SECONDS);
            Await.until("subscribed", () -> gateway.server.counters().openSubscribers.get() == 1);

            // Both tokens kept, each with metrics in place of the capability its WebSocket needs.
            final String edited = Files.readString(tokens).replace("\"ingest\"", "\"metrics\"")
                .replace("\"subscribe\"", "\"metrics\"");
            Files.move(Files.writeString(dir.resolve("tokens.json.new"), edited), tokens,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            assertEquals(1008, stream.closed.get(20, TimeUnit.SECONDS)); // so the edit is loaded
            ingestSocket.sendText(Envelopes.batch(UUID.randomUUID(), 0, 1), true).get(5, TimeUnit.SECONDS);
            assertEquals(1008, acks.closed.get(20, TimeUnit.SECONDS));

            assertEquals(2, metric(gateway, "pitgun_gateway_rejections_total{reason=\"missing_capability\"}"));
            assertEquals(0, metric(gateway, "pitgun_gateway_rejections_total{reason=\"unauthenticated\"}"));
            // The close says what the count says (before, "token revoked" and ws_closes_total's token_revoked).
            assertEquals("missing capability", stream.closeReason.get(5, TimeUnit.SECONDS));
            assertEquals("missing capability", acks.closeReason.get(5, TimeUnit.SECONDS));
            // Counted when each connection ends, once the client has closed its side (lingering close).
            Await.until("both closes counted", Duration.ofSeconds(20),
                () -> metric(gateway, "pitgun_gateway_ws_closes_total{reason=\"missing_capability\"}") == 2);
            assertEquals(0, metric(gateway, "pitgun_gateway_ws_closes_total{reason=\"token_revoked\"}"));
        }
    }

    /**
     * A subscriber reading restricted channels whose token loses {@code read_restricted} (still valid, still allowed
     * to subscribe) is closed 1008 "missing capability", counted so in the rejections and the closes alike. Before,
     * its close said "token revoked" and was counted {@code token_revoked}, while the refusal was counted
     * {@code missing_capability}.
     */
    @Test
    void shouldCloseASubscriberWhoseTokenLostReadRestrictedForTheCapabilityNotARevocation() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), withTokens(Map.of())))
        {
            final String analyst = TokenFile.add(tokens, "analyst",
                EnumSet.of(Capability.SUBSCRIBE, Capability.READ_RESTRICTED), 0);
            final WebSocketMessages stream = new WebSocketMessages();
            Await.until("the analyst token is loaded", Duration.ofSeconds(20),
                () -> get(gateway, "/metrics", analyst).statusCode() == 403);
            HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + analyst)
                .buildAsync(gateway.wsUri("/ws?subscribe=derived"), stream).get(20, TimeUnit.SECONDS);
            Await.until("subscribed", () -> gateway.server.counters().openSubscribers.get() == 1);
            // The probe above was refused missing_capability once: the close must add exactly one more.
            final double refusedBefore = metric(gateway,
                "pitgun_gateway_rejections_total{reason=\"missing_capability\"}");

            final String edited = Files.readString(tokens).replace("\"read_restricted\"", "\"metrics\"");
            Files.move(Files.writeString(dir.resolve("tokens.json.new"), edited), tokens,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);

            assertEquals(1008, stream.closed.get(20, TimeUnit.SECONDS));
            assertEquals("missing capability", stream.closeReason.get(5, TimeUnit.SECONDS));
            assertEquals(refusedBefore + 1,
                metric(gateway, "pitgun_gateway_rejections_total{reason=\"missing_capability\"}"));
            Await.until("the close counted", Duration.ofSeconds(20),
                () -> metric(gateway, "pitgun_gateway_ws_closes_total{reason=\"missing_capability\"}") == 1);
            assertEquals(0, metric(gateway, "pitgun_gateway_ws_closes_total{reason=\"token_revoked\"}"));
        }
    }

    @Test
    void shouldKeyRateLimitsOnTheTokenIdNotTheAddress() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            withTokens(Map.of(GatewaySetting.RATE_LIMIT, "1", GatewaySetting.RATE_BURST, "1"))))
        {
            final String other = TokenFile.add(tokens, "producer2", EnumSet.of(Capability.INGEST), 0);
            Await.until("the second token is loaded", Duration.ofSeconds(20), () -> post(gateway, "/beacon",
                "application/json", Envelopes.batch(UUID.randomUUID(), 0, 1), other, null).statusCode() != 401);
            assertEquals(202, post(gateway, "/beacon", "application/json", Envelopes.batch(UUID.randomUUID(), 10, 1),
                ingest, null).statusCode());
            final HttpResponse<String> limited = post(gateway, "/beacon", "application/json",
                Envelopes.batch(UUID.randomUUID(), 11, 1), ingest, null);
            assertEquals(429, limited.statusCode(), limited.body());
            assertTrue(limited.body().contains("client producer is over its rate limit"), limited.body());
        }
    }

    @Test
    void shouldHoldATokenToItsOwnRateLimit() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), withTokens(Map.of())))
        {
            final String slow = TokenFile.add(tokens, "slow", EnumSet.of(Capability.INGEST), 1);
            Await.until("the slow token is loaded", Duration.ofSeconds(20), () -> post(gateway, "/beacon",
                "application/json", Envelopes.batch(UUID.randomUUID(), 0, 1), slow, null).statusCode() != 401);
            final HttpResponse<String> limited = post(gateway, "/beacon", "application/json",
                Envelopes.batch(UUID.randomUUID(), 1, 1), slow, null);
            assertEquals(429, limited.statusCode(), limited.body());
            assertTrue(limited.body().contains("client slow is over its rate limit of 1 requests/s"), limited.body());
            // The others keep the gateway's RATE_LIMIT (500/s).
            for (int i = 0; i < 5; i++)
            {
                assertEquals(202, post(gateway, "/beacon", "application/json",
                    Envelopes.batch(UUID.randomUUID(), 10 + i, 1), ingest, null).statusCode());
            }
        }
    }

    /**
     * Months of token churn: tokens used and then revoked leave no rate-limit bucket and no audit-line budget behind.
     * Before, each id the file had named since start kept both for the gateway's life (20 and 20 here, for good).
     */
    @Test
    void shouldForgetTheBucketsOfRevokedTokens() throws Exception
    {
        final Map<GatewaySetting, String> settings =
            withTokens(Map.of(GatewaySetting.AUDIT_LOG, dir.resolve("audit.log").toString()));
        final List<String> churn = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++)
        {
            churn.add(TokenFile.add(tokens, "job" + i, EnumSet.of(Capability.INGEST), 0));
        }
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), settings))
        {
            for (final String token : churn)
            {
                // A beacon takes from the token's rate; a refusal's audit line from its budget.
                assertEquals(202, post(gateway, "/beacon", "application/json",
                    Envelopes.batch(UUID.randomUUID(), 0, 1), token, null).statusCode());
                assertEquals(403, get(gateway, "/metrics", token).statusCode());
            }
            for (int i = 0; i < churn.size(); i++)
            {
                assertTrue(TokenFile.revoke(tokens, "job" + i));
            }
            Await.until("the revoked tokens' buckets forgotten", Duration.ofSeconds(10), () ->
                gateway.server.rateLimiter().clients() == 0 && gateway.server.auditBudget().tokenBuckets() == 0);
        }
    }

    @Test
    void shouldAcceptRestrictedChannelsFromTheTokensNamedInRestrictedClients() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            withTokens(Map.of(GatewaySetting.RESTRICTED_CLIENTS, "producer"))))
        {
            final String other = TokenFile.add(tokens, "producer2", EnumSet.of(Capability.INGEST), 0);
            final String restricted = Envelopes.batch(UUID.randomUUID(), 0, 1)
                .replace("\"Speed\":", "\"Engine_Map\":3,\"Speed\":");
            assertTrue(restricted.contains("Engine_Map"), restricted);
            Await.until("the second token is loaded", Duration.ofSeconds(20), () -> post(gateway, "/beacon",
                "application/json", restricted, other, null).statusCode() != 401);
            final HttpResponse<String> refused = post(gateway, "/beacon", "application/json", restricted, other, null);
            assertEquals(422, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("restricted_channel"), refused.body());
            final HttpResponse<String> accepted = post(gateway, "/beacon", "application/json", restricted, ingest, null);
            assertEquals(202, accepted.statusCode(), accepted.body());
        }
    }

    /** The status of a refused WebSocket handshake. */
    static int refusedUpgrade(final GatewayHarness gateway, final String path, final String token)
    {
        final WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(20));
        if (token != null)
        {
            builder.header("Authorization", "Bearer " + token);
        }
        final ExecutionException ex = assertThrows(ExecutionException.class,
            () -> builder.buildAsync(gateway.wsUri(path), new WebSocketMessages()).get(20, TimeUnit.SECONDS));
        Throwable cause = ex.getCause();
        while (cause instanceof CompletionException && cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        assertInstanceOf(WebSocketHandshakeException.class, cause, () -> ex.toString());
        return ((WebSocketHandshakeException)cause).getResponse().statusCode();
    }

    static HttpResponse<String> post(final GatewayHarness gateway, final String path, final String contentType,
        final String body, final String token, final String origin) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(20))
            .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null)
        {
            request.header("Authorization", "Bearer " + token);
        }
        if (origin != null)
        {
            request.header("Origin", origin);
        }
        return gateway.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(final GatewayHarness gateway, final String path, final String token)
        throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(20));
        if (token != null)
        {
            request.header("Authorization", "Bearer " + token);
        }
        return gateway.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One series of {@code /metrics}, read with the metrics token. */
    private double metric(final GatewayHarness gateway, final String series) throws Exception
    {
        final HttpResponse<String> answer = get(gateway, "/metrics", metrics);
        assertEquals(200, answer.statusCode(), answer.body());
        for (final String line : answer.body().split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in /metrics:\n" + answer.body());
    }
}
