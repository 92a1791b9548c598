package io.pitgun.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * Routes the HTTP requests of one connection: {@code POST /beacon} to the {@link BeaconEndpoint}, {@code GET /ws}
 * to the {@link WebSocketUpgrade}, every other {@code GET} or {@code HEAD} to the {@link AdminEndpoints}. Answers
 * what goes wrong below the endpoints (malformed HTTP, body too large, read timeout, partial-message budget,
 * a bug) with a JSON body, never a stack trace. Every answer is counted and audited ({@link HttpExchange}).
 */
final class GatewayHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    /** Lets a shutdown close a connection the right way for its protocol. */
    interface Closer
    {
        void goingAway();
    }

    static final AttributeKey<Closer> CLOSER = AttributeKey.valueOf("pitgun.closer");

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHttpHandler.class);

    private final GatewayServer server;
    private final GatewayConfig config;
    private final PartialMessageMeter meter;
    private ChannelHandlerContext context;
    private String peer = "?";
    private String peerAddress = "?";
    private boolean allowRestricted;

    GatewayHttpHandler(final GatewayServer server, final PartialMessageMeter meter)
    {
        this.server = server;
        this.meter = meter;
        this.config = server.config();
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        context = ctx;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        final InetSocketAddress remote = (InetSocketAddress)ctx.channel().remoteAddress();
        if (remote != null)
        {
            peerAddress = remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
            peer = peerAddress + ":" + remote.getPort();
        }
        allowRestricted = config.restrictedClients().contains(peerAddress);
        server.counters().openConnections.incrementAndGet();
        ctx.channel().closeFuture().addListener(f -> server.counters().openConnections.decrementAndGet());
        ctx.channel().attr(CLOSER).set(() -> ctx.channel().close());
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final long startNs = System.nanoTime();
        meter.messageComplete();
        final SlowRequestGuard guard = ctx.pipeline().get(SlowRequestGuard.class);
        if (guard != null)
        {
            guard.requestComplete();
        }
        final HttpExchange exchange = new HttpExchange(server, peer, ctx, request, startNs);
        if (request.decoderResult().isFailure())
        {
            refuseMalformed(exchange, request.decoderResult().cause());
            return;
        }
        try
        {
            route(exchange);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("request {} {} from {} failed", request.method(), exchange.path, peer, ex);
            server.counters().rejected(RejectReason.INTERNAL_ERROR);
            exchange.error(GatewayCounters.Endpoint.OTHER, 500, RejectReason.INTERNAL_ERROR,
                "internal error; the gateway log has the details", true);
        }
    }

    private void route(final HttpExchange exchange)
    {
        final HttpMethod method = exchange.request.method();
        if (exchange.path.equals("/beacon"))
        {
            if (!method.equals(HttpMethod.POST))
            {
                exchange.methodNotAllowed(GatewayCounters.Endpoint.BEACON, "POST");
                return;
            }
            server.beaconEndpoint().onRequest(exchange, peer, peerAddress, allowRestricted);
        }
        else if (exchange.path.equals("/ws"))
        {
            if (!method.equals(HttpMethod.GET))
            {
                exchange.methodNotAllowed(GatewayCounters.Endpoint.WS_TEXT, "GET");
                return;
            }
            server.webSocketUpgrade().onRequest(exchange, this, peer, peerAddress, allowRestricted, meter);
        }
        else if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD))
        {
            exchange.methodNotAllowed(GatewayCounters.Endpoint.OTHER, "GET, HEAD");
        }
        else
        {
            server.adminEndpoints().onRequest(exchange);
        }
    }

    private void refuseMalformed(final HttpExchange exchange, final Throwable cause)
    {
        if (cause instanceof TooLongHttpHeaderException)
        {
            server.counters().rejected(RejectReason.HEADER_TOO_LARGE);
            exchange.error(GatewayCounters.Endpoint.OTHER, 431, RejectReason.HEADER_TOO_LARGE,
                "request headers exceed " + config.maxHeaderBytes() + " bytes (" +
                    GatewaySetting.MAX_HEADER_BYTES.envName() + ")", true);
        }
        else if (cause instanceof TooLongHttpLineException)
        {
            server.counters().rejected(RejectReason.HEADER_TOO_LARGE);
            exchange.error(GatewayCounters.Endpoint.OTHER, 414, RejectReason.HEADER_TOO_LARGE,
                "request line exceeds 8192 bytes", true);
        }
        else
        {
            server.counters().rejected(RejectReason.MALFORMED_HTTP);
            exchange.error(GatewayCounters.Endpoint.OTHER, 400, RejectReason.MALFORMED_HTTP,
                "malformed HTTP request: " + (cause == null ? "unknown problem" : cause.getMessage()), true);
        }
    }

    /** Called by the {@link BeaconAggregator} when a body is over {@code limit}: 413, and the connection closes. */
    void onBodyTooLarge(final ChannelHandlerContext ctx, final HttpMessage oversized, final int limit)
    {
        server.counters().rejected(RejectReason.BODY_TOO_LARGE);
        final HttpRequest head = oversized instanceof HttpRequest ? (HttpRequest)oversized : null;
        final String path = head != null ? new QueryStringDecoder(head.uri()).path() : "?";
        new HttpExchange(server, peer, ctx, head, path).error(path.equals("/beacon") ?
            GatewayCounters.Endpoint.BEACON : GatewayCounters.Endpoint.OTHER, 413, RejectReason.BODY_TOO_LARGE,
            "request body exceeds " + limit + " bytes (" + GatewaySetting.MAX_BODY_BYTES.envName() + "); nothing " +
                "was ingested: split it into smaller requests", true);
    }

    /** Called on the event loop by the {@link SlowRequestGuard}: 408, and the connection closes. */
    void onReadTimeout()
    {
        if (context != null)
        {
            server.counters().rejected(RejectReason.REQUEST_TIMEOUT);
            new HttpExchange(server, peer, context, null, "?").error(GatewayCounters.Endpoint.OTHER, 408,
                RejectReason.REQUEST_TIMEOUT, "the request did not arrive completely within " + config.readTimeoutS() +
                    " s (" + GatewaySetting.READ_TIMEOUT_S.envName() + ")", true);
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event instanceof IdleStateEvent)
        {
            ctx.close();
            return;
        }
        if (event == PartialMessageMeter.OVER_BUDGET)
        {
            new HttpExchange(server, peer, ctx, null, "?").refuseAndClose(GatewayCounters.Endpoint.OTHER, 503,
                RejectReason.PARTIAL_MESSAGE_BUDGET, "the gateway holds too many unfinished requests (" +
                    GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES.envName() + "); retry after 1 s", 1);
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof TooLongFrameException)
        {
            new HttpExchange(server, peer, ctx, null, "?").error(GatewayCounters.Endpoint.OTHER, 413,
                RejectReason.BODY_TOO_LARGE, cause.getMessage(), true);
            return;
        }
        LOG.debug("connection {} failed: {}", peer, cause.toString());
        ctx.close();
    }
}
