package io.pitgun.gateway;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Admits or refuses each request of one connection by the {@link GatewayAccess} policy, and says who the client is.
 * Event-loop confined. In order:
 * <ol>
 * <li>a POST or WebSocket upgrade with a foreign {@code Origin} → 403 {@code origin_not_allowed};</li>
 * <li>a loopback gateway without tokens: a {@code Host} that is not a loopback name nor an {@code ALLOWED_ORIGINS}
 * host → 421 {@code host_not_allowed} (DNS rebinding; {@link GatewayAccess#hostAllowed});</li>
 * <li>with tokens, an endpoint that needs a capability: no valid token → 401 {@code unauthenticated} (with
 * {@code WWW-Authenticate}), a token without it → 403 {@code missing_capability};</li>
 * <li>the client's identity: the token id with tokens; else the peer address, or, from a trusted proxy, the last
 * address of {@code X-Forwarded-For} that is not itself a trusted proxy.</li>
 * </ol>
 * A keep-alive client presents the same {@code Authorization} value on every request: it is hashed once per
 * connection and token-file version, later requests compare the string (no allocation). The same holds for the
 * other header checks: the verdict on an {@code Origin} (with its {@code Host}), a {@code Host}, and the client an
 * {@code X-Forwarded-For} names is kept with the value it was made for, so a connection that keeps sending the same
 * headers allocates nothing for them after its first request.
 */
final class ConnectionAccess
{
    private final GatewayServer server;
    private final GatewayAccess access;
    private final String peerAddress;
    /** The peer's identity without tokens ({@link ClientAddresses#identity}: every loopback address is one). */
    private final String peerIdentity;
    private final boolean viaProxy;
    private String lastAuthorization;
    private TokenSnapshot lastSnapshot;
    private AccessToken lastToken;
    private TokenScope lastScope;
    private String lastOrigin;
    private String lastOriginHost;
    private boolean lastOriginAllowed;
    private String lastHost;
    private boolean lastHostAllowed;
    private String lastForwarded;
    private String lastForwardedClient;
    /** Whether requests must name a loopback (or allowed) {@code Host}: loopback bind, no tokens. */
    private final boolean checksHost;
    private String identity;
    private AccessToken token;
    private TokenScope scope;

    ConnectionAccess(final GatewayServer server, final String peerAddress)
    {
        this.server = server;
        this.access = server.access();
        this.peerAddress = peerAddress;
        this.viaProxy = access.isTrustedProxy(peerAddress);
        this.peerIdentity = ClientAddresses.identity(peerAddress);
        this.identity = peerIdentity;
        this.checksHost = access.checksHost();
    }

    /**
     * Checks {@code exchange} for an endpoint that needs {@code needed} (null: open to all); answers and counts the
     * refusal itself.
     *
     * @return true when the request may proceed ({@link #identity()} etc. then describe its client).
     */
    boolean admit(final HttpExchange exchange, final GatewayCounters.Endpoint endpoint, final Capability needed)
    {
        final HttpHeaders headers = exchange.request.headers();
        if (exchange.request.method().equals(HttpMethod.POST) || endpoint == GatewayCounters.Endpoint.WS_TEXT ||
            endpoint == GatewayCounters.Endpoint.WS_SUBSCRIBE)
        {
            final String origin = headers.get(HttpHeaderNames.ORIGIN);
            if (origin != null && !originAllowed(origin, headers.get(HttpHeaderNames.HOST)))
            {
                refuse(exchange, endpoint, RejectReason.ORIGIN_NOT_ALLOWED, "Origin '" + origin + "' may not " +
                    (exchange.request.method().equals(HttpMethod.POST) ? "post here" : "open a WebSocket here") +
                    "; the gateway's operator lists allowed origins in " + GatewaySetting.ALLOWED_ORIGINS.envName());
                return false;
            }
        }
        if (checksHost && !hostAllowed(headers.get(HttpHeaderNames.HOST)))
        {
            refuse(exchange, endpoint, RejectReason.HOST_NOT_ALLOWED, "Host '" + headers.get(HttpHeaderNames.HOST) +
                "' is not this gateway's: a gateway on loopback without tokens answers only requests naming a " +
                "loopback host (localhost, 127.0.0.1, [::1]) or a host of " + GatewaySetting.ALLOWED_ORIGINS.envName());
            return false;
        }
        final TokenStore tokens = access.tokens();
        if (tokens == null)
        {
            token = null;
            scope = null;
            identity = viaProxy ? forwardedClient(headers) : peerIdentity;
            return true;
        }
        if (needed == null)
        {
            // An open endpoint asks for no token, but a valid one presented says whose request it is: the audit line
            // names it and comes out of that token's budget, not out of the one of requests without a token.
            final String presented = headers.get(HttpHeaderNames.AUTHORIZATION);
            final AccessToken valid = presented == null ? null : authenticate(tokens, presented);
            exchange.tokenId = valid == null ? null : valid.id();
            return true;
        }
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null && (endpoint == GatewayCounters.Endpoint.WS_TEXT ||
            endpoint == GatewayCounters.Endpoint.WS_SUBSCRIBE))
        {
            authorization = subprotocolToken(headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        }
        final AccessToken presented = authenticate(tokens, authorization);
        if (presented == null)
        {
            server.counters().rejected(RejectReason.UNAUTHENTICATED);
            final FullHttpResponse response = HttpExchange.response(401, HttpExchange.JSON,
                io.netty.buffer.Unpooled.wrappedBuffer(HttpExchange.errorBody(RejectReason.UNAUTHENTICATED,
                    "this endpoint needs a token with capability '" + needed.symbol() + "': send " +
                    "Authorization: Bearer ID.SECRET (pitgun token add)")));
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"pitgun\"");
            exchange.write(endpoint, response, RejectReason.UNAUTHENTICATED, 0, 0, false);
            return false;
        }
        if (!presented.has(needed))
        {
            exchange.tokenId = presented.id(); // the audit log names who was refused, not only who got in
            refuse(exchange, endpoint, RejectReason.MISSING_CAPABILITY, "token '" + presented.id() +
                "' lacks capability '" + needed.symbol() + "'");
            return false;
        }
        token = presented;
        scope = lastScope;
        identity = presented.id();
        exchange.tokenId = presented.id();
        return true;
    }

    private boolean originAllowed(final String origin, final String host)
    {
        if (!origin.equals(lastOrigin) || !java.util.Objects.equals(host, lastOriginHost))
        {
            lastOriginAllowed = access.originAllowed(origin, host);
            lastOrigin = origin;
            lastOriginHost = host;
        }
        return lastOriginAllowed;
    }

    private boolean hostAllowed(final String host)
    {
        if (host == null)
        {
            return true; // HTTP/1.0 without Host: not a browser (browsers always send one)
        }
        if (!host.equals(lastHost))
        {
            lastHostAllowed = access.hostAllowed(host);
            lastHost = host;
        }
        return lastHostAllowed;
    }

    /**
     * A browser cannot set headers on a WebSocket, only subprotocols: it offers {@code pitgun} and
     * {@code pitgun.bearer.ID.SECRET} ({@code new WebSocket(url, ["pitgun", "pitgun.bearer." + token])}); the
     * gateway selects {@code pitgun}, so the secret is never echoed. Returns it as an {@code Authorization} value.
     */
    static String subprotocolToken(final String offered)
    {
        if (offered == null)
        {
            return null;
        }
        for (final String protocol : offered.split(","))
        {
            final String trimmed = protocol.trim();
            if (trimmed.startsWith(WebSocketUpgrade.BEARER_SUBPROTOCOL_PREFIX))
            {
                return TokenSnapshot.BEARER + trimmed.substring(WebSocketUpgrade.BEARER_SUBPROTOCOL_PREFIX.length());
            }
        }
        return null;
    }

    private void refuse(final HttpExchange exchange, final GatewayCounters.Endpoint endpoint, final RejectReason reason,
        final String message)
    {
        server.counters().rejected(reason);
        exchange.refuse(endpoint, reason.status(), reason, message, 0);
    }

    /**
     * Whether the request may see traffic counts where an open endpoint shows them ({@code GET /health}): with tokens
     * off, or with a valid token that has {@code metrics}, which is what reading them at {@code /metrics} needs.
     * Refuses nothing: the endpoint stays open, without the counts.
     */
    boolean mayReadTrafficCounts(final HttpExchange exchange)
    {
        final TokenStore tokens = access.tokens();
        if (tokens == null)
        {
            return true;
        }
        final AccessToken presented = authenticate(tokens,
            exchange.request.headers().get(HttpHeaderNames.AUTHORIZATION));
        return presented != null && presented.has(Capability.METRICS);
    }

    private AccessToken authenticate(final TokenStore tokens, final String authorization)
    {
        final TokenSnapshot snapshot = tokens.snapshot();
        if (authorization != null && snapshot == lastSnapshot && authorization.equals(lastAuthorization))
        {
            return lastToken;
        }
        final AccessToken found = tokens.authenticate(snapshot, authorization);
        lastSnapshot = snapshot;
        lastAuthorization = authorization;
        lastToken = found;
        lastScope = snapshot.scopeOf(found);
        return found;
    }

    /** The last address of {@code X-Forwarded-For} not a trusted proxy's (the one the nearest proxy saw). */
    private String forwardedClient(final HttpHeaders headers)
    {
        final String forwarded = headers.get("X-Forwarded-For");
        if (forwarded == null)
        {
            return peerIdentity;
        }
        if (!forwarded.equals(lastForwarded))
        {
            lastForwardedClient = lastHopNotProxy(forwarded);
            lastForwarded = forwarded;
        }
        return lastForwardedClient;
    }

    private String lastHopNotProxy(final String forwarded)
    {
        int end = forwarded.length();
        while (end > 0)
        {
            final int comma = forwarded.lastIndexOf(',', end - 1);
            final String hop = ClientAddresses.canonical(forwarded.substring(comma + 1, end).trim());
            if (!access.isTrustedProxy(hop))
            {
                return hop.isEmpty() ? peerIdentity : hop;
            }
            end = comma < 0 ? 0 : comma;
        }
        return peerIdentity;
    }

    /**
     * Whether the token this connection was admitted with still has {@code needed} (and, if {@code alsoNeeded} is not
     * null, that too): for a WebSocket, which outlives the request that opened it. While the token file is unchanged
     * this is one reference comparison; after a reload the same {@code Authorization} value is checked again.
     */
    boolean stillAuthorized(final Capability needed, final Capability alsoNeeded)
    {
        final TokenStore tokens = access.tokens();
        if (tokens == null)
        {
            return true;
        }
        final AccessToken now = tokens.snapshot() == lastSnapshot ? lastToken : authenticate(tokens, lastAuthorization);
        if (now == null || !now.has(needed) || alsoNeeded != null && !now.has(alsoNeeded))
        {
            return false;
        }
        // The allow-lists may have changed with the file: the next message is checked against the new ones.
        token = now;
        scope = lastScope;
        return true;
    }

    /**
     * Why {@link #stillAuthorized} said no, as an HTTP request would be refused: {@code missing_capability} when the
     * token still authenticates (it lost the capability in the file), else {@code unauthenticated} (revoked, or no
     * token file). Cold path: once, as the WebSocket is closed. Before, both were counted {@code unauthenticated}.
     */
    RejectReason lostAccess()
    {
        final TokenStore tokens = access.tokens();
        return tokens != null && authenticate(tokens, lastAuthorization) != null ? RejectReason.MISSING_CAPABILITY :
            RejectReason.UNAUTHENTICATED;
    }

    /**
     * The allow-lists of the token of the last admitted request (as of the last {@link #stillAuthorized} for a
     * WebSocket), or null: no tokens, or a token without any.
     */
    TokenScope scope()
    {
        return scope;
    }

    /** The own rate of the last admitted request's token ({@code rate_limit}), or 0: the gateway's. */
    int rateLimit()
    {
        return token == null ? 0 : token.rateLimitPerSecond();
    }

    /** Who the client of the last admitted request is: its token id, or its address. */
    String identity()
    {
        return identity;
    }

    /** The token of the last admitted request, or null (no tokens, or an open endpoint). */
    AccessToken token()
    {
        return token;
    }

    /** Whether the last admitted request may send restricted channels ({@code RESTRICTED_CLIENTS} names its client). */
    boolean mayIngestRestricted()
    {
        return access.mayIngestRestricted(identity);
    }

    /** Whether a subscriber admitted by the last request receives restricted channels: only with tokens. */
    boolean readsRestricted()
    {
        return token != null && token.has(Capability.READ_RESTRICTED);
    }
}
