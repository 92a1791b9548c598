package io.pitgun.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
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
                "request line exceeds " + DirectMemoryFit.REQUEST_LINE_BYTES + " bytes", true);
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
        final String path = pathOf(head);
        new HttpExchange(server, peer, ctx, head, path).error(endpointOf(path), 413, RejectReason.BODY_TOO_LARGE,
            limit < config.maxBodyBytes() ? overBudget(limit) : "request body exceeds " + limit + " bytes (" +
                GatewaySetting.MAX_BODY_BYTES.envName() + "); nothing was ingested: split it into smaller requests",
            true);
    }

    /**
     * A request that alone would pass the partial-message budget ({@link PartialMessageMeter#refusedAlone()}, a body
     * without {@code Content-Length} that streams past it): 413, already counted by the meter as
     * {@code body_too_large}.
     */
    void onBodyOverBudget(final ChannelHandlerContext ctx, final String peer, final HttpRequest head)
    {
        final String path = pathOf(head);
        new HttpExchange(server, peer, ctx, head, path).refuseAndClose(endpointOf(path), 413,
            RejectReason.BODY_TOO_LARGE, overBudget(server.largestBodyBytes()), 0);
    }

    /**
     * An {@code Expect} other than {@code 100-continue} ({@link BeaconAggregator}): 417 {@code expectation_failed}
     * with the JSON refusal, and the connection closed, before the body it announced is waited for.
     */
    void onExpectationFailed(final ChannelHandlerContext ctx, final String peer, final HttpMessage start)
    {
        final HttpRequest head = start instanceof HttpRequest ? (HttpRequest)start : null;
        final String path = pathOf(head);
        new HttpExchange(server, peer, ctx, head, path).error(endpointOf(path), 417, RejectReason.EXPECTATION_FAILED,
            "Expect: " + start.headers().get(HttpHeaderNames.EXPECT) + " is not an expectation the gateway meets; " +
                "only 100-continue is (or send the request without Expect)", true);
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

    /**
     * A request that did not arrive completely within the read timeout ({@link SlowRequestGuard}): 408, under its
     * endpoint when its head had arrived ({@code head}, else null).
     */
    void onReadTimeout(final ChannelHandlerContext ctx, final String peer, final HttpRequest head)
    {
        final String path = pathOf(head);
        new HttpExchange(server, peer, ctx, head, path).error(endpointOf(path), 408,
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

    /**
     * Unfinished requests of all connections over their byte budget ({@link PartialMessageMeter}): 503, counted
     * under the request's endpoint when its head had arrived ({@code head}, else null), and logged at the overload
     * log's rate, as every overload 503 is (it was not, and was counted under {@code other}).
     */
    void onPartialMessageBudget(final ChannelHandlerContext ctx, final String peer, final HttpRequest head)
    {
        final String path = pathOf(head);
        server.overloadLog().warn(RejectReason.PARTIAL_MESSAGE_BUDGET, "refused HTTP client " + peer + " (" +
            (head == null ? "a request whose head had not arrived" : head.method() + " " + path) + ") and closed it");
        new HttpExchange(server, peer, ctx, head, path).refuseAndClose(endpointOf(path), 503,
            RejectReason.PARTIAL_MESSAGE_BUDGET, "the gateway holds too many unfinished requests (" +
                GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES.envName() + "); retry after 1 s", 1);
    }

    /** The path of {@code head}'s request, or {@code ?} without one. */
    private static String pathOf(final HttpRequest head)
    {
        return head == null ? "?" : new QueryStringDecoder(head.uri()).path();
    }

    /** The endpoint a refusal below the endpoints is counted under: {@code POST /beacon} or any other. */
    private static GatewayCounters.Endpoint endpointOf(final String path)
    {
        return path.equals("/beacon") ? GatewayCounters.Endpoint.BEACON : GatewayCounters.Endpoint.OTHER;
    }
}
