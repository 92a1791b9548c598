package io.pitgun.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * Routes the HTTP requests of one connection: {@code POST /beacon} to the {@link BeaconEndpoint}, {@code GET /ws}
 * to the {@link WebSocketUpgrade}, every other {@code GET} or {@code HEAD} to the {@link AdminEndpoints}; what goes
 * wrong below the endpoints to the {@link HttpFailureAnswers}. A bug is answered 500 with a JSON body, never a
 * stack trace. Every answer is counted and audited ({@link HttpExchange}).
 */
final class GatewayHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    /** Lets a shutdown close a connection the right way for its protocol. */
    interface Closer
    {
        void goingAway();

        /**
         * The shutdown stops waiting for the connection: it is closed at once (by the shutdown, behind this on the
         * connection's loop). What it cuts short that no other count covers is counted here first: a request still
         * arriving is counted {@code draining}. Nothing to count by default.
         */
        default void cut()
        {
        }

        /**
         * Whether the connection is a live subscriber: the shutdown closes it only once the pipeline has drained and
         * the outputs of that drain are written to it; the others, the ring's producers among them, before.
         */
        default boolean subscriber()
        {
            return false;
        }
    }

    static final AttributeKey<Closer> CLOSER = AttributeKey.valueOf("pitgun.closer");

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHttpHandler.class);

    private final GatewayServer server;
    private final HttpRoutes routes;
    private final PartialMessageMeter meter;
    private ChannelHandlerContext context;
    /** Where an already encoded answer is written: past the HTTP encoder, into the rest of the pipeline. */
    private ChannelHandlerContext encoderContext;
    private SlowRequestGuard guard;
    /** The body aggregator: it knows the request whose body is under way, for a refusal in its middle. */
    private BeaconAggregator aggregator;
    /** The request decoder: it holds the bytes after a WebSocket upgrade request until that is answered. */
    private GatewayRequestDecoder decoder;
    private final Runnable resumeDecoding = this::resumeDecoding;
    private String peer = "?";
    private String peerAddress = "?";
    private ConnectionAccess access;
    /**
     * HTTP/1.1 pipelining: requests that arrived while an earlier one on this connection was still unanswered (a
     * journaled 202 waits for the journal), answered in arrival order, each retained until its turn. At most
     * {@link #MAX_PIPELINED}; one more ends the connection ({@link RejectReason#TOO_MANY_PIPELINED},
     * {@link #refusePipelining}).
     */
    private final ArrayDeque<FullHttpRequest> pipelined = new ArrayDeque<>();
    /** True while a request's answer is not written yet. */
    private boolean awaitingAnswer;
    /** True once the connection pipelined too many: nothing more is answered, and it closes after the answer due. */
    private boolean refusingPipelined;
    private final Runnable nextTurn = this::nextTurn;
    private final Runnable answerPipelined = this::answerPipelined;
    /**
     * A refusal of the request under way decided below the router (413, 417, 408, the partial-message budget's 503),
     * which closes the connection, waiting for the answers owed before it (a request awaiting its answer, those
     * pipelined behind it): written after them, so that each answer reaches the request it answers. Null when none
     * waits. Cold path.
     */
    private Runnable refusalBehindAnswers;
    static final int MAX_PIPELINED = 64;

    GatewayHttpHandler(final GatewayServer server, final HttpRoutes routes, final PartialMessageMeter meter)
    {
        this.routes = routes;
        this.server = server;
        this.meter = meter;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        context = ctx;
        encoderContext = ctx.pipeline().context(GatewayChannelInitializer.ENCODER);
        // Found once, not per request (a scan of the pipeline by class); the upgrade that removes the guard
        // replaces this handler too.
        guard = ctx.pipeline().get(SlowRequestGuard.class);
        aggregator = ctx.pipeline().get(BeaconAggregator.class);
        decoder = ctx.pipeline().get(GatewayRequestDecoder.class);
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
        access = new ConnectionAccess(server, peerAddress);
        server.counters().openConnections.incrementAndGet();
        ctx.channel().closeFuture().addListener(f -> server.counters().openConnections.decrementAndGet());
        ctx.channel().attr(CLOSER).set(new Closer()
        {
            @Override
            public void goingAway()
            {
                ctx.executor().execute(GatewayHttpHandler.this::goingAway);
            }

            @Override
            public void cut()
            {
                ctx.executor().execute(GatewayHttpHandler.this::cut);
            }
        });
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final long startNs = System.nanoTime();
        meter.messageComplete();
        if (guard != null)
        {
            guard.requestComplete();
        }
        if (request.decoderResult().cause() instanceof PrematureChannelClosureException)
        {
            // The connection closed before this request's head was complete (the decoder's last word): nobody to
            // answer, and not malformed. Counted by why it closed: the client's close (CLIENT_CLOSED_MID_REQUEST),
            // or the gateway's own, by its reason.
            return;
        }
        if (refusingPipelined)
        {
            releaseHoldFor(request); // the flood is read on and dropped (counted once, for the connection)
            return; // dropped unread, as the rest of the flood: the connection closes after the answer due
        }
        if (closing(ctx) || refusalBehindAnswers != null)
        {
            dropAfterClose(request); // behind a closing answer, written or waiting its turn (RFC 9112, 9.6)
            return;
        }
        if (awaitingAnswer)
        {
            if (pipelined.size() >= MAX_PIPELINED)
            {
                refusePipelining(ctx);
                return;
            }
            pipelined.add(request.retain());
            // Held until its turn: counted against the partial-message budget meanwhile, as it was while it arrived
            // (messageComplete above gave its share back). Before, up to MAX_PIPELINED whole bodies per connection
            // were held uncounted, bounded in total by nothing but the connection caps.
            server.counters().partialMessageBytes.addAndGet(request.content().readableBytes());
            return;
        }
        answer(ctx, request, startNs);
    }

    private void answer(final ChannelHandlerContext ctx, final FullHttpRequest request, final long startNs)
    {
        final HttpExchange exchange = new HttpExchange(server, peer, ctx, encoderContext, request, startNs);
        if (request.decoderResult().isFailure())
        {
            routes.failures().onMalformed(exchange, request.decoderResult().cause());
            return;
        }
        if (request.protocolVersion().majorVersion() != 1)
        {
            // HTTP/1.x only (a higher minor version is HTTP/1.1's, RFC 9112 2.3); a client of HTTP/2 speaks h2c's
            // preface, which reads as a request line of version 2.0.
            exchange.error(GatewayCounters.Endpoint.OTHER, 505, RejectReason.HTTP_VERSION_NOT_SUPPORTED,
                request.protocolVersion().text() + " is not spoken here: send HTTP/1.1", true);
            return;
        }
        final String hostProblem = HeaderLineRule.problem(request);
        if (hostProblem != null)
        {
            routes.failures().onMalformed(exchange, hostProblem);
            return;
        }
        try
        {
            route(exchange);
            if (!exchange.isAnswered())
            {
                awaitingAnswer = true;
                exchange.whenAnswered(nextTurn);
            }
            else if (decoder != null && decoder.holdingAfterUpgrade() && !ctx.isRemoved() &&
                GatewayRequestDecoder.isWebSocketUpgrade(request))
            {
                // The upgrade request the decoder holds for (nothing after it was decoded) was answered without an
                // upgrade (this handler is still here): what came after it is HTTP again, at once when this runs
                // within the decoder's read, else by a task of its own.
                decoder.upgradeAnswered();
                ctx.executor().execute(resumeDecoding);
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.error("request {} {} from {} failed", request.method(), exchange.path, peer, ex);
            exchange.error(GatewayCounters.Endpoint.OTHER, 500, RejectReason.INTERNAL_ERROR,
                "internal error; the gateway log has the details", true);
        }
    }

    /**
     * One request more than {@link #MAX_PIPELINED} behind an unanswered one: counted once for the connection. The
     * request in progress is already ingesting, so it still gets its answer ({@link #nextTurn}), and only then does the
     * connection close, lingering ({@link LingeringClose}) so that the client's unread flood does not make the kernel
     * reset the connection over that answer. The waiting requests were never routed: they are dropped unanswered
     * and without effect, as is every later one (the connection stops reading until the close), which a client may
     * send again on a new connection. Closing at once
     * lost the answer of a request whose frames were journaled, and counted every further request as a refusal.
     */
    private void refusePipelining(final ChannelHandlerContext ctx)
    {
        if (decoder != null && decoder.holdingAfterUpgrade())
        {
            // An upgrade request among those dropped: no hold any more (before reading stops below, which this
            // would otherwise undo).
            decoder.upgradeAnswered();
        }
        refusingPipelined = true;
        // Read no more of the flood meanwhile (what a read already holds is dropped below); the lingering close reads
        // on, so what waits in the socket is taken off it rather than answered with a reset.
        ctx.channel().config().setAutoRead(false);
        if (guard != null)
        {
            guard.gatewayEnds(); // the client's close after the lingering close is not a request it abandoned
        }
        server.counters().rejected(RejectReason.TOO_MANY_PIPELINED);
        LOG.debug("{} pipelined more than {} requests behind an unanswered one: closing after its answer", peer,
            MAX_PIPELINED);
        releasePipelined();
    }

    /**
     * The shutdown closes this connection (on its loop). A request being answered, or pipelined behind one, still
     * gets its answer, which says {@code Connection: close} while the gateway drains (503 {@code draining} for one not
     * yet admitted) and closes the connection lingering ({@link HttpExchange#write}); the requests behind that answer
     * are dropped, counted {@code draining} (RFC 9112, 9.6). An idle connection closes lingering at once, so that a
     * request the client sent meanwhile is dropped and counted rather than answered with a reset. Before, the
     * connection was closed at once: the pipelined requests went unanswered, and the kernel reset the connection
     * over the answers the client had not read yet. A request half-received (its head or body still coming) is not
     * idle: read to its end, it is answered 503 {@code draining}, which closes the connection as above (or the
     * shutdown's wait ends: {@link #cut}); before, the connection was shut under it and the client got no answer.
     */
    private void goingAway()
    {
        if (closing(context) || !context.channel().isActive() || awaitingAnswer || !pipelined.isEmpty() ||
            refusingPipelined || guard != null && guard.requestUnderWay())
        {
            return; // the answer due closes it
        }
        context.channel().attr(HttpExchange.CLOSING).set(Boolean.TRUE);
        LingeringClose.closeAfterAnswer(context.channel(), server.counters());
    }

    /**
     * The shutdown's wait for the connections is over and this one is still open ({@link Closer#cut}): a request
     * still arriving (its head or body; {@link #goingAway} let it finish, to answer it 503 {@code draining}) is
     * counted {@code draining} and logged at the overload log's rate, since the close that follows answers nothing.
     * Before, that close was counted nowhere: the gateway's own close is not the client's, so not
     * {@code client_closed_request} either.
     */
    private void cut()
    {
        if (context.channel().isActive() && !closing(context) && guard != null && guard.requestUnderWay())
        {
            server.counters().rejected(RejectReason.DRAINING);
            server.overloadLog().warn(RejectReason.DRAINING, "client " + peer + " was still sending a request when " +
                "the shutdown stopped waiting for it: closed unanswered, nothing of it ingested");
        }
    }

    /** The unanswered request has its answer: the next pipelined one's turn, as a task of its own (not nested). */
    private void nextTurn()
    {
        awaitingAnswer = false;
        if (decoder != null && decoder.holdingAfterUpgrade() && pipelined.isEmpty())
        {
            // The request just answered was the upgrade request the decoder holds for (nothing was decoded after
            // it, so nothing waits), answered later than it was routed: not an upgrade. Never a GET /ws today;
            // without this, what came after it would be held for good.
            decoder.upgradeAnswered();
            context.executor().execute(resumeDecoding);
        }
        if (refusingPipelined)
        {
            LingeringClose.closeAfterAnswer(context.channel(), server.counters());
            return;
        }
        if (!pipelined.isEmpty() || refusalBehindAnswers != null)
        {
            context.executor().execute(answerPipelined);
        }
    }

    private void answerPipelined()
    {
        while (!awaitingAnswer && !pipelined.isEmpty() && context.channel().isActive() && !closing(context))
        {
            final FullHttpRequest request = takePipelined();
            try
            {
                answer(context, request, System.nanoTime());
            }
            finally
            {
                request.release();
            }
        }
        if (!awaitingAnswer && pipelined.isEmpty() && refusalBehindAnswers != null && context.channel().isActive())
        {
            final Runnable refusal = refusalBehindAnswers;
            refusalBehindAnswers = null;
            if (!closing(context))
            {
                refusal.run(); // every answer owed before it is written: the refusal's turn
            }
        }
        if (closing(context))
        {
            FullHttpRequest request;
            while ((request = takePipelined()) != null)
            {
                dropAfterClose(request);
                request.release();
            }
        }
    }

    /**
     * Answers {@code refusal}, a refusal of the request under way that closes the connection, now if no answer is
     * owed before it, else once those answers are written ({@link #refusalBehindAnswers}). Meanwhile the connection
     * reads on, as the lingering close after the refusal would: the requests behind the refused one are dropped,
     * counted ({@code request_after_close}), none routed.
     * Before, it was written at once, ahead of the answer owed to an earlier request: a client that pipelined a
     * journaled beacon and a body over the limit got only the 413 ("nothing was ingested"), which it took for the
     * beacon's answer, though the beacon was journaled, and never got the 202.
     */
    private void refuseInTurn(final Runnable refusal)
    {
        if (!awaitingAnswer && pipelined.isEmpty())
        {
            refusal.run();
            return;
        }
        if (refusalBehindAnswers == null)
        {
            refusalBehindAnswers = refusal;
        }
    }

    private void resumeDecoding()
    {
        final ChannelHandlerContext decoderContext = context.pipeline().context(decoder);
        if (decoderContext == null)
        {
            return; // upgraded after all: the frame decoder has what was held
        }
        try
        {
            decoder.resume(decoderContext);
        }
        catch (final Exception ex)
        {
            context.fireExceptionCaught(ex);
        }
    }

    /** Whether an answer written on this connection closes it ({@link HttpExchange#CLOSING}). */
    private static boolean closing(final ChannelHandlerContext ctx)
    {
        return ctx.channel().hasAttr(HttpExchange.CLOSING);
    }

    /**
     * A request behind an answer that closes the connection: not routed, not answered (RFC 9112, 9.6), counted. Before,
     * it was routed as any other, and a {@code POST /beacon} among them was journaled and counted a 202 that never
     * left.
     */
    private void dropAfterClose(final FullHttpRequest request)
    {
        server.counters().rejected(server.isDraining() ? RejectReason.DRAINING : RejectReason.REQUEST_AFTER_CLOSE);
        LOG.debug("{} sent {} {} behind an answer that closes the connection: not processed", peer, request.method(),
            request.uri());
        releaseHoldFor(request);
    }

    /**
     * {@code request}, never routed, is the upgrade request the decoder holds for: what follows it is read again
     * (and dropped as it comes, each counted, when the connection closes). Without this, the requests behind a
     * dropped upgrade request were never read, nor counted.
     */
    private void releaseHoldFor(final FullHttpRequest request)
    {
        if (decoder != null && decoder.holdingAfterUpgrade() && GatewayRequestDecoder.isWebSocketUpgrade(request))
        {
            decoder.upgradeAnswered();
            context.executor().execute(resumeDecoding);
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        if (closing(ctx))
        {
            answerPipelined(); // the requests waiting behind the closing answer: each counted, none routed
        }
        releasePipelined();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        releasePipelined();
    }

    private void releasePipelined()
    {
        FullHttpRequest request;
        while ((request = takePipelined()) != null)
        {
            request.release();
        }
    }

    /** The next pipelined request, or null; its bytes leave the partial-message budget. */
    private FullHttpRequest takePipelined()
    {
        final FullHttpRequest request = pipelined.poll();
        if (request != null)
        {
            server.counters().partialMessageBytes.addAndGet(-request.content().readableBytes());
        }
        return request;
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
            if (access.admit(exchange, GatewayCounters.Endpoint.BEACON, Capability.INGEST))
            {
                routes.beacon().onRequest(exchange, peer, access);
            }
        }
        else if (exchange.path.equals("/ws"))
        {
            if (!method.equals(HttpMethod.GET))
            {
                exchange.methodNotAllowed(GatewayCounters.Endpoint.WS_TEXT, "GET");
                return;
            }
            routes.upgrade().onRequest(exchange, this, peer, access, meter);
        }
        else if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD))
        {
            if (method.equals(HttpMethod.POST) && !access.admit(exchange, GatewayCounters.Endpoint.OTHER, null))
            {
                return; // a foreign Origin learns nothing, not even which paths take a POST
            }
            exchange.methodNotAllowed(GatewayCounters.Endpoint.OTHER, "GET, HEAD");
        }
        else if (exchange.path.equals("/metrics") || exchange.path.equals("/latency"))
        {
            if (access.admit(exchange, exchange.path.equals("/metrics") ? GatewayCounters.Endpoint.METRICS :
                GatewayCounters.Endpoint.LATENCY, Capability.METRICS))
            {
                routes.admin().onRequest(exchange);
            }
        }
        else if (access.admit(exchange, openEndpoint(exchange.path), null))
        {
            exchange.readsTrafficCounts = !exchange.path.equals("/health") || access.mayReadTrafficCounts(exchange);
            routes.admin().onRequest(exchange);
        }
    }

    /** The endpoint an open GET is counted under, for a refusal answered before {@link AdminEndpoints} sees it. */
    private static GatewayCounters.Endpoint openEndpoint(final String path)
    {
        if (path.equals("/health"))
        {
            return GatewayCounters.Endpoint.HEALTH;
        }
        if (path.startsWith("/dictionary"))
        {
            return GatewayCounters.Endpoint.DICTIONARY;
        }
        if (path.startsWith("/schemas"))
        {
            return GatewayCounters.Endpoint.SCHEMAS;
        }
        return path.startsWith("/solver") ? GatewayCounters.Endpoint.SOLVER : GatewayCounters.Endpoint.OTHER;
    }

    /** Called by the {@link BeaconAggregator} when a body is over {@code limit}: 413, and the connection closes. */
    void onBodyTooLarge(final ChannelHandlerContext ctx, final HttpMessage oversized, final int limit)
    {
        if (closing(ctx))
        {
            return; // a request behind a closing answer: not answered (dropAfterClose), nor its body refused
        }
        refuseInTurn(() -> routes.failures().onBodyTooLarge(ctx, peer, oversized, limit));
    }

    /**
     * Called by the {@link BeaconAggregator} for an {@code Expect} other than {@code 100-continue} in {@code head}:
     * 417, and the connection closes, in turn: after the answers owed before it ({@link #refuseInTurn}).
     */
    void onExpectationFailed(final ChannelHandlerContext ctx, final HttpMessage head)
    {
        if (closing(ctx))
        {
            return; // as onBodyTooLarge
        }
        refuseInTurn(() -> routes.failures().onExpectationFailed(ctx, peer, head));
    }

    /**
     * Whether an answer is owed on this connection ahead of the request being decoded now: one awaiting its answer,
     * pipelined ones waiting their turn, or a refusal waiting behind them. Asked by the {@link BeaconAggregator},
     * which then sends no {@code 100 Continue}: it would go out ahead of those answers.
     */
    boolean answerOwed()
    {
        return awaitingAnswer || !pipelined.isEmpty() || refusalBehindAnswers != null;
    }

    /** Called on the event loop by the {@link SlowRequestGuard}: 408, and the connection closes. */
    void onReadTimeout()
    {
        if (context != null && !closing(context))
        {
            final HttpRequest head = requestUnderWay();
            refuseInTurn(() -> routes.failures().onReadTimeout(context, peer, head));
        }
    }

    /** The head of the request whose body is arriving, or null. */
    private HttpRequest requestUnderWay()
    {
        return aggregator == null ? null : aggregator.requestUnderWay();
    }

    /** Called on the event loop by the {@link SlowRequestGuard} for a connection that sent nothing: it closes. */
    void onSilentConnection()
    {
        if (context != null)
        {
            routes.failures().onSilentConnection(context);
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event instanceof IdleStateEvent)
        {
            if (closing(ctx))
            {
                ctx.close(); // a lingering close under way (behind an answer that closes): bounded, counted on its own
                return;
            }
            server.counters().rejected(RejectReason.IDLE_TIMEOUT);
            // Lingering, as goingAway closes an idle connection: a request the client sent as the timeout fired is
            // dropped, counted (request_after_close, or the lingering close's discarded bytes), not answered with a
            // reset (RFC 9112 9.5); the connection ends at most LingeringClose's bounds after the idle timeout.
            // Before, it was closed at once, and such a request made the kernel reset the connection.
            ctx.channel().attr(HttpExchange.CLOSING).set(Boolean.TRUE);
            LingeringClose.closeAfterAnswer(ctx.channel(), server.counters());
            return;
        }
        if (event == PartialMessageMeter.OVER_BUDGET)
        {
            if (closing(ctx))
            {
                // Behind an answer that closes (the rest of its read, decoded before the answer went out): one
                // answer only; the lingering close discards what comes after, and the close frees its share.
                return;
            }
            final HttpRequest head = requestUnderWay();
            if (meter.refusedAlone())
            {
                // it can never fit: too large, not retry later
                refuseInTurn(() -> routes.failures().onBodyOverBudget(ctx, peer, head));
            }
            else
            {
                refuseInTurn(() -> routes.failures().onPartialMessageBudget(ctx, peer, head));
            }
            return;
        }
        if (event == SlowRequestGuard.CLIENT_CLOSED_MID_REQUEST)
        {
            routes.failures().onClientClosedMidRequest(peer);
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    // An I/O error, also as the cause of a codec's exception (TLS record errors arrive as a DecoderException around
    // an SSLException): the peer's doing, logged at debug; anything else is a warning.
    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof TooLongFrameException)
        {
            if (closing(ctx))
            {
                return; // as OVER_BUDGET: a second answer would follow the closing one
            }
            refuseInTurn(() -> new HttpExchange(server, peer, ctx, null, "?").error(
                GatewayCounters.Endpoint.OTHER, 413, RejectReason.BODY_TOO_LARGE, cause.getMessage(), true));
            return;
        }
        if (cause instanceof PrematureChannelClosureException)
        {
            // The aggregator's word, as the connection goes inactive, that a request was cut short: by the client
            // (counted and logged by the SlowRequestGuard's CLIENT_CLOSED_MID_REQUEST) or by the gateway's own
            // close, counted by its reason (408, 413, 503...). Not an error of the connection, and no stack trace.
            return;
        }
        if (server.overloadLog().directMemoryExhausted(cause, peer))
        {
            // Counted by its reason and logged at the overload log's rate: when direct memory runs out, it does for
            // every connection of the loop at once (before, a warning with a stack trace each, ~170 in seconds).
            ctx.close();
            return;
        }
        server.overloadLog().connectionFailed(cause, peer);
        ctx.close();
    }
}
