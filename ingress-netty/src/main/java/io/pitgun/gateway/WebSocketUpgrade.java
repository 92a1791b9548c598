package io.pitgun.gateway;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.engine.ChannelAccess;
import io.pitgun.manifest.DerivedChannel;

import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /ws}: checks the upgrade, admits the client ({@link IngestPath#admitClient}), and replaces the HTTP
 * handler of the connection by a {@link WebSocketIngestHandler} (or, for {@code ?subscribe=derived}, a
 * {@link WebSocketSubscriberHandler}) before the handshake answer leaves. Shared by all connections; runs on the
 * connection's event loop.
 */
final class WebSocketUpgrade
{
    /** The subprotocol the gateway selects when a client offers it (a browser presenting its token that way). */
    static final String SUBPROTOCOL = "pitgun";
    /** The subprotocol that carries a token, {@code pitgun.bearer.ID.SECRET}: never selected, never echoed. */
    static final String BEARER_SUBPROTOCOL_PREFIX = "pitgun.bearer.";
    /** The bytes of a client's {@code Sec-WebSocket-Key}, a random nonce (RFC 6455, section 4.1). */
    private static final int KEY_NONCE_BYTES = 16;

    private final GatewayServer server;
    private final GatewayConfig config;

    WebSocketUpgrade(final GatewayServer server)
    {
        this.server = server;
        this.config = server.config();
    }

    /**
     * Upgrades the connection of {@code exchange}, whose handler is {@code http}.
     *
     * @param meter the connection's partial-message meter, handed on to the WebSocket handler.
     */
    void onRequest(final HttpExchange exchange, final ChannelHandler http, final String peer,
        final ConnectionAccess access, final PartialMessageMeter meter)
    {
        final ChannelHandlerContext ctx = exchange.ctx;
        final FullHttpRequest request = exchange.request;
        if (!GatewayRequestDecoder.isWebSocketUpgrade(request))
        {
            // A plain HTTP client (no upgrade asked for): its connection may go on with other requests.
            exchange.error(GatewayCounters.Endpoint.WS_TEXT, 400, RejectReason.BAD_WEBSOCKET_HANDSHAKE,
                "GET /ws needs a WebSocket upgrade (Upgrade: websocket)", false);
            return;
        }
        // The token among others (Upgrade: h2c, websocket) is an upgrade to WebSocket too (RFC 6455 4.2.1): the
        // handshaker is handed the one it switches to. Before, such a request was answered 400 on a connection left
        // open, its client waiting for the switch.
        request.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        final java.util.Map<String, List<String>> parameters = new QueryStringDecoder(request.uri()).parameters();
        final List<String> subscribe = parameters.get("subscribe");
        final boolean subscriber = subscribe != null && !subscribe.isEmpty();
        if (subscriber && subscribe.size() > 1)
        {
            // As two session parameters are: the first one winning would read another stream than a proxy might.
            exchange.error(GatewayCounters.Endpoint.WS_SUBSCRIBE, 400, RejectReason.BAD_PARAMETER, "subscribe='" +
                String.join(",", subscribe) + "': give subscribe once, /ws?subscribe=derived", false);
            return;
        }
        if (subscriber && !"derived".equals(subscribe.get(0)))
        {
            exchange.error(GatewayCounters.Endpoint.WS_SUBSCRIBE, 400, RejectReason.NOT_FOUND, "subscribe='" +
                subscribe.get(0) + "' is not a stream; use /ws?subscribe=derived", false);
            return;
        }
        final GatewayCounters.Endpoint endpoint = subscriber ? GatewayCounters.Endpoint.WS_SUBSCRIBE :
            GatewayCounters.Endpoint.WS_TEXT;
        final String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        // The version's handshake, with a frame decoder that bounds how long a message may take to arrive. Hixie-76
        // (draft 00, no Sec-WebSocket-Version; no browser has spoken it since 2011) is refused as an unknown version
        // is: its frames are not RFC 6455's, and its decoder could not be timed.
        final WebSocketServerHandshaker handshaker = TimedWebSocketFrameDecoder.handshaker(
            new WebSocketServerHandshakerFactory("ws://" + host + "/ws", SUBPROTOCOL, false, config.maxWsFrameBytes())
                .newHandshaker(request), TimeUnit.SECONDS.toNanos(config.readTimeoutS()));
        if (handshaker == null)
        {
            final String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
            exchange.upgradeRequired(endpoint, WebSocketVersion.V13.toHttpHeaderValue(), "GET /ws: WebSocket " +
                (version == null ? "without Sec-WebSocket-Version (Hixie-76, draft 00)" : "version '" + version + "'") +
                " is not spoken here; use version 13 (RFC 6455)");
            return;
        }
        // Checked before the handshake, which would throw for them once the pipeline is already the WebSocket's
        // (a 500 internal_error with an ERROR stack trace each, before).
        final String missing = missingHandshakeHeader(request);
        if (missing != null)
        {
            // A WebSocket client waits for the switch and sends no other request: closed, its place freed.
            exchange.error(endpoint, 400, RejectReason.BAD_WEBSOCKET_HANDSHAKE, "GET /ws: a WebSocket upgrade needs " +
                missing + " (RFC 6455, section 4.1)", true);
            return;
        }
        // Before the upgrade: a browser cannot read a refused handshake's answer, but it never gets a socket.
        if (!access.admit(exchange, endpoint, subscriber ? Capability.SUBSCRIBE : Capability.INGEST))
        {
            return;
        }
        if (subscriber && !mayReadFilters(exchange, access))
        {
            return;
        }
        java.util.UUID session = null;
        if (subscriber && parameters.containsKey("session"))
        {
            session = sessionParameter(exchange, parameters.get("session"));
            if (session == null)
            {
                return;
            }
            final TokenScope scope = access.scope();
            if (scope != null && !scope.allowsSession(session.getMostSignificantBits(), session.getLeastSignificantBits()))
            {
                server.counters().rejected(RejectReason.SESSION_NOT_ALLOWED);
                exchange.refuse(endpoint, RejectReason.SESSION_NOT_ALLOWED.status(), RejectReason.SESSION_NOT_ALLOWED,
                    "token '" + exchange.tokenId + "' may not read session " + session + " (its sessions: " +
                    String.join(", ", scope.sessionPatterns()) + ")", 0);
                return;
            }
        }
        final String peerAddress = access.identity();
        final IngestPath path = server.threadState(ctx.channel().eventLoop()).ingest;
        final RejectReason refusal = path.admitClient(peerAddress, access.rateLimit(), exchange.startNs);
        if (refusal != null)
        {
            exchange.refuseClient(endpoint, refusal, path.retryAfterS(), peerAddress, access.rateLimit());
            return;
        }
        exchange.paidInRate = server.rateLimiter().limits(access.rateLimit());
        final ChannelPipeline pipeline = ctx.pipeline();
        pipeline.remove(SlowRequestGuard.class);
        if (subscriber)
        {
            final WebSocketSubscriberHandler handler = new WebSocketSubscriberHandler(server, peer, meter,
                access, session);
            pipeline.replace(http, "ws", handler);
            ctx.channel().attr(GatewayHttpHandler.CLOSER).set(handler);
        }
        else
        {
            final WebSocketIngestHandler handler = new WebSocketIngestHandler(server, peer, access, meter);
            pipeline.replace(http, "ws", handler);
            pipeline.addBefore("ws", "wsaggregate", new WebSocketFrameAggregator(config.maxWsFrameBytes()));
            ctx.channel().attr(GatewayHttpHandler.CLOSER).set(handler::goingAway);
        }
        // Frames the handshake hands on before its 101 is written wait there (FramesBeforeHandshake).
        final FramesBeforeHandshake beforeHandshake = new FramesBeforeHandshake();
        pipeline.addBefore(subscriber ? "ws" : "wsaggregate", "wsearly", beforeHandshake);
        if (subscriber)
        {
            // A subscriber's text message that is not UTF-8 fails its connection (RFC 6455 8.1), as an ingest
            // connection's does: thrown to the handler, which closes 1007 counted protocol_error. Ingest checks its
            // whole messages itself, on the refusal path only. Before, a subscriber's text was ignored.
            pipeline.addBefore("ws", "wsutf8", new NotUtf8TextValidator());
        }
        // The 101 is written by the handshake, which replaces the HTTP handler: this exchange is answered.
        exchange.answered();
        handshaker.handshake(ctx.channel(), request).addListener((ChannelFutureListener)future ->
        {
            if (future.isSuccess())
            {
                server.counters().response(endpoint, 101);
                exchange.audit(101, null, 0, 0);
                exchange.auditWhenClosed(future.channel(), subscriber ? null :
                    (WebSocketIngestHandler)future.channel().pipeline().get("ws"));
                WebSocketCloseReason.countWhenClosed(future.channel(), server.counters());
                if (subscriber)
                {
                    ((WebSocketSubscriberHandler)future.channel().pipeline().get("ws")).start(future.channel());
                }
                else
                {
                    server.counters().wsConnectionsOpened.increment();
                }
                beforeHandshake.handOver();
            }
            else
            {
                // The 101 could not be written: the connection failed first. Counted as a connection error (before,
                // nothing counted it); the client got no answer. (Frames sent in the same packet as the upgrade that
                // break RFC 6455 no longer end here: their close frame follows the 101, FramesBeforeHandshake.)
                server.overloadLog().connectionFailed(future.cause(), peer);
                future.channel().close();
            }
        });
    }

    /**
     * What a handshake of a known version lacks, or breaks, of what RFC 6455 section 4.2.1 requires, or null: HTTP/1.1
     * (or higher), {@code Connection: Upgrade} (required of every version; Netty checks it for 13 only) and one
     * {@code Sec-WebSocket-Key} that is 16 bytes in base64 (section 11.3.1: never given twice). Netty's handshaker
     * throws {@code WebSocketServerHandshakeException} for a missing key or {@code Connection}, and took any other key
     * (the first of several; {@code abc}; 15 bytes) and HTTP/1.0, answering 101 where the RFC requires a 400.
     */
    private static String missingHandshakeHeader(final FullHttpRequest request)
    {
        if (request.protocolVersion().compareTo(HttpVersion.HTTP_1_1) < 0)
        {
            return "HTTP/1.1 (or higher), not " + request.protocolVersion().text();
        }
        if (!request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true))
        {
            return "'Connection: Upgrade'";
        }
        final List<String> keys = request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        return keys.size() != 1 || !isNonce(keys.get(0)) ? "a Sec-WebSocket-Key, once, of 16 bytes in base64" : null;
    }

    /** Whether {@code key} is 16 bytes in base64. */
    private static boolean isNonce(final String key)
    {
        try
        {
            return Base64.getDecoder().decode(key.strip()).length == KEY_NONCE_BYTES;
        }
        catch (final IllegalArgumentException notBase64)
        {
            return false;
        }
    }

    /**
     * A subscriber receives only frames that passed the manifest's filters, so a filter whose {@code where} reads
     * a channel it may not read (internal, or restricted without {@code read_restricted}) would tell it about that
     * channel: such a subscription is refused before the upgrade, 403 {@code filter_not_readable}, counted.
     */
    private boolean mayReadFilters(final HttpExchange exchange, final ConnectionAccess access)
    {
        final ChannelAccess.FilterRead read = server.channelAccess().unreadableFilterRead(
            access.readsRestricted() ? SubscriberGroup.WITH_RESTRICTED : SubscriberGroup.PUBLIC_ONLY);
        if (read == null)
        {
            return mayReadFiltersInScope(exchange, access.scope());
        }
        final AccessLevel level = server.channelAccess().levelOf(read.parameterId());
        exchange.error(GatewayCounters.Endpoint.WS_SUBSCRIBE, 403, RejectReason.FILTER_NOT_READABLE,
            "the manifest's filter at " + read.pointer() + " reads " + read.channel() + " (" + level.symbol() +
            (read.parameterId() >= DerivedChannel.ID_BASE ? ", or derived from such a channel" : "") + "), which this " +
            "subscriber may not read" + (level == AccessLevel.RESTRICTED && !access.readsRestricted() ?
            " (it needs a token with read_restricted)" : "") + ": which frames pass would tell about it", false);
        return false;
    }

    /**
     * As {@link #mayReadFilters} for the token's {@code channels} allow-list: a filter reading a channel outside it
     * (or a derived channel reading one) would tell the subscriber about that channel through which frames pass.
     */
    private boolean mayReadFiltersInScope(final HttpExchange exchange, final TokenScope scope)
    {
        final ChannelAccess.FilterRead read = SubscriberAudience.filterReadOutside(server, scope);
        if (read == null)
        {
            return true;
        }
        exchange.error(GatewayCounters.Endpoint.WS_SUBSCRIBE, 403, RejectReason.FILTER_NOT_READABLE,
            "the manifest's filter at " + read.pointer() + " reads " + read.channel() +
            (read.parameterId() >= DerivedChannel.ID_BASE ? " (derived from channels outside it)" : "") +
            ", which token '" + exchange.tokenId + "' may not read (its channels: " +
            String.join(", ", scope.channelNames()) + "): which frames pass would tell about it", false);
        return false;
    }

    /** The {@code session} of a subscription (one session id), or null once a 400 is answered. */
    private java.util.UUID sessionParameter(final HttpExchange exchange, final List<String> values)
    {
        if (values.size() == 1)
        {
            try
            {
                return java.util.UUID.fromString(values.get(0));
            }
            catch (final IllegalArgumentException ex)
            {
                // answered below
            }
        }
        exchange.error(GatewayCounters.Endpoint.WS_SUBSCRIBE, 400, RejectReason.BAD_PARAMETER, "session='" +
            String.join(",", values) + "': give one session id (a UUID), e.g. /ws?subscribe=derived&session=" +
            "0192f3a4-5b6c-7d8e-9f00-112233445566", false);
        return null;
    }
}
