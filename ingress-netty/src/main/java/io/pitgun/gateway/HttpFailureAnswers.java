package io.pitgun.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * The answers to what goes wrong below the endpoints of one HTTP connection — a request Netty could not decode, a
 * body over its limit, a request that did not arrive in time, the partial-message budget — each counted, with a
 * JSON body naming the limit and its setting, and the connection closed after it (its input cannot be trusted to
 * continue at a request boundary). On the connection's event loop.
 */
final class HttpFailureAnswers
{
    private final GatewayServer server;
    private final GatewayConfig config;

    HttpFailureAnswers(final GatewayServer server)
    {
        this.server = server;
        this.config = server.config();
    }

    /** A request whose line, headers or encoding Netty's decoder refused ({@code cause}): 431, 414 or 400. */
    void onMalformed(final HttpExchange exchange, final Throwable cause)
    {
        if (cause instanceof TooLongHttpHeaderException)
        {
            exchange.error(GatewayCounters.Endpoint.OTHER, 431, RejectReason.HEADER_TOO_LARGE,
                "request headers exceed " + config.maxHeaderBytes() + " bytes (" +
                    GatewaySetting.MAX_HEADER_BYTES.envName() + ")", true);
        }
        else if (cause instanceof TooLongHttpLineException)
        {
            exchange.error(GatewayCounters.Endpoint.OTHER, 414, RejectReason.HEADER_TOO_LARGE,
                "request line exceeds 8192 bytes", true);
        }
        else
        {
            onMalformed(exchange, cause == null ? "unknown problem" : cause.getMessage());
        }
    }

    /** A request Netty decoded but HTTP does not allow ({@code problem}, e.g. {@link HeaderLineRule}): 400. */
    void onMalformed(final HttpExchange exchange, final String problem)
    {
        exchange.error(GatewayCounters.Endpoint.OTHER, 400, RejectReason.MALFORMED_HTTP,
            "malformed HTTP request: " + problem, true);
    }

    /**
     * A body over {@code limit} bytes ({@link BeaconAggregator}): 413. The limit is {@code MAX_BODY_BYTES}, or less
     * when the partial-message budget cannot hold a body that large ({@link DirectMemoryFit#largestBodyBytes}): the
     * message then names the budget, since waiting would not make room for it.
     */
    void onBodyTooLarge(final ChannelHandlerContext ctx, final String peer, final HttpMessage oversized,
        final int limit)
    {
        final HttpRequest head = oversized instanceof HttpRequest ? (HttpRequest)oversized : null;
        final String path = head != null ? new QueryStringDecoder(head.uri()).path() : "?";
        new HttpExchange(server, peer, ctx, head, path).error(path.equals("/beacon") ?
            GatewayCounters.Endpoint.BEACON : GatewayCounters.Endpoint.OTHER, 413, RejectReason.BODY_TOO_LARGE,
            limit < config.maxBodyBytes() ? overBudget(limit) : "request body exceeds " + limit + " bytes (" +
                GatewaySetting.MAX_BODY_BYTES.envName() + "); nothing was ingested: split it into smaller requests",
            true);
    }

    /**
     * A request that alone would pass the partial-message budget ({@link PartialMessageMeter#refusedAlone()}, a body
     * without {@code Content-Length} that streams past it): 413, already counted by the meter as
     * {@code body_too_large}.
     */
    void onBodyOverBudget(final ChannelHandlerContext ctx, final String peer)
    {
        new HttpExchange(server, peer, ctx, null, "?").refuseAndClose(GatewayCounters.Endpoint.OTHER, 413,
            RejectReason.BODY_TOO_LARGE, overBudget(server.largestBodyBytes()), 0);
    }

    private String overBudget(final int largestBody)
    {
        return "request body exceeds " + largestBody + " bytes, the largest the gateway's budget for unfinished " +
            "requests (" + GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES.envName() + ", " +
            server.partialMessageBudgetBytes() + " bytes" + (server.partialMessageBudgetLowered() ?
            ", lowered at start to fit the JVM's direct memory; give the JVM more " +
                "(PITGUN_JAVA_OPTS=-XX:MaxDirectMemorySize=...)" : "") + ") can hold, below " +
            GatewaySetting.MAX_BODY_BYTES.envName() + " (" + config.maxBodyBytes() + "); nothing was ingested: " +
            "split it into smaller requests";
    }

    /**
     * A connection that sent nothing within the read timeout ({@link SlowRequestGuard}): closed without an answer
     * (a browser's unused pre-connection gets none either), counted as {@code request_timeout}.
     */
    void onSilentConnection(final ChannelHandlerContext ctx)
    {
        server.counters().rejected(RejectReason.REQUEST_TIMEOUT);
        ctx.close();
    }

    /** A request that did not arrive completely within the read timeout ({@link SlowRequestGuard}): 408. */
    void onReadTimeout(final ChannelHandlerContext ctx, final String peer)
    {
        new HttpExchange(server, peer, ctx, null, "?").error(GatewayCounters.Endpoint.OTHER, 408,
            RejectReason.REQUEST_TIMEOUT, "the request did not arrive completely within " + config.readTimeoutS() +
                " s (" + GatewaySetting.READ_TIMEOUT_S.envName() + ")", true);
    }

    /**
     * The client closed (or reset) its connection in the middle of a request ({@link SlowRequestGuard}): nothing to
     * answer, nothing of it was ingested. An expected event: counted ({@code client_closed_request}) and logged at
     * the overload log's bounded rate, without a stack trace.
     */
    void onClientClosedMidRequest(final String peer)
    {
        server.counters().rejected(RejectReason.CLIENT_CLOSED_REQUEST);
        server.overloadLog().warn(RejectReason.CLIENT_CLOSED_REQUEST, "client " + peer +
            " closed the connection in the middle of a request; nothing of it was ingested");
    }

    /** Unfinished requests of all connections over their byte budget ({@link PartialMessageMeter}): 503. */
    void onPartialMessageBudget(final ChannelHandlerContext ctx, final String peer)
    {
        new HttpExchange(server, peer, ctx, null, "?").refuseAndClose(GatewayCounters.Endpoint.OTHER, 503,
            RejectReason.PARTIAL_MESSAGE_BUDGET, "the gateway holds too many unfinished requests (" +
                GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES.envName() + "); retry after 1 s", 1);
    }
}
