package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.pitgun.engine.AckMode;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalSpaceGuard;
import io.pitgun.schemas.SchemaId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Routes the HTTP requests of one connection and answers them, always with a JSON body for errors (never a stack
 * trace): {@code /health}, {@code /metrics}, {@code /latency}, {@code /dictionary[/name]},
 * {@code /schemas/name/version}, {@code /solver/...}, {@code POST /beacon} and the {@code /ws} upgrade. Every
 * answer is counted and audited.
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
    private static final String JSON = "application/json";

    private final GatewayServer server;
    private final GatewayConfig config;
    private final String ackModeSymbol;
    private final PartialMessageMeter meter;
    private String peer = "?";
    private String peerAddress = "?";
    private boolean allowRestricted;

    GatewayHttpHandler(final GatewayServer server, final PartialMessageMeter meter)
    {
        this.server = server;
        this.meter = meter;
        this.config = server.config();
        this.ackModeSymbol = config.ackMode().symbol();
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
        final Exchange exchange = new Exchange(ctx, request, startNs);
        if (request.decoderResult().isFailure())
        {
            final Throwable cause = request.decoderResult().cause();
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
            return;
        }
        try
        {
            route(ctx, exchange);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("request {} {} from {} failed", request.method(), exchange.path, peer, ex);
            server.counters().rejected(RejectReason.INTERNAL_ERROR);
            exchange.error(GatewayCounters.Endpoint.OTHER, 500, RejectReason.INTERNAL_ERROR,
                "internal error; the gateway log has the details", true);
        }
    }

    private void route(final ChannelHandlerContext ctx, final Exchange exchange)
    {
        final String path = exchange.path;
        final HttpMethod method = exchange.request.method();
        if (path.equals("/beacon"))
        {
            if (!method.equals(HttpMethod.POST))
            {
                exchange.methodNotAllowed(GatewayCounters.Endpoint.BEACON, "POST");
                return;
            }
            beacon(ctx, exchange);
            return;
        }
        if (path.equals("/ws"))
        {
            if (!method.equals(HttpMethod.GET))
            {
                exchange.methodNotAllowed(GatewayCounters.Endpoint.WS_TEXT, "GET");
                return;
            }
            upgrade(ctx, exchange);
            return;
        }
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD))
        {
            exchange.methodNotAllowed(GatewayCounters.Endpoint.OTHER, "GET, HEAD");
            return;
        }
        if (path.equals("/health"))
        {
            health(exchange);
        }
        else if (path.equals("/metrics"))
        {
            exchange.send(GatewayCounters.Endpoint.METRICS, 200, PrometheusTextWriter.CONTENT_TYPE,
                server.metrics().render().getBytes(StandardCharsets.UTF_8), null, 0, 0, 0);
        }
        else if (path.equals("/latency"))
        {
            latency(exchange);
        }
        else if (path.equals("/dictionary") || path.equals("/dictionary/"))
        {
            exchange.json(GatewayCounters.Endpoint.DICTIONARY, 200, server.dictionaryDocuments().index());
        }
        else if (path.startsWith("/dictionary/"))
        {
            final String name = path.substring("/dictionary/".length());
            final String document = server.dictionaryDocuments().document(name);
            if (document == null)
            {
                exchange.error(GatewayCounters.Endpoint.DICTIONARY, 404, RejectReason.NOT_FOUND, "no dictionary '" +
                    name + "'; this gateway serves " + server.dictionaryDocuments().name(), false);
            }
            else
            {
                exchange.json(GatewayCounters.Endpoint.DICTIONARY, 200, document);
            }
        }
        else if (path.startsWith("/schemas/"))
        {
            schema(exchange, path.substring("/schemas/".length()));
        }
        else if (path.equals("/solver"))
        {
            final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.MOVED_PERMANENTLY);
            response.headers().set(HttpHeaderNames.LOCATION, "/solver/");
            exchange.write(GatewayCounters.Endpoint.SOLVER, response, null, 0, 0, false);
        }
        else if (path.startsWith("/solver/"))
        {
            final ClasspathResources.Resource resource = server.solverFiles().find(path.substring("/solver/".length()));
            if (resource == null)
            {
                exchange.error(GatewayCounters.Endpoint.SOLVER, 404, RejectReason.NOT_FOUND, "no solver file " + path,
                    false);
            }
            else
            {
                exchange.send(GatewayCounters.Endpoint.SOLVER, 200, resource.contentType(), resource.bytes(), null, 0, 0, 0);
            }
        }
        else
        {
            exchange.error(GatewayCounters.Endpoint.OTHER, 404, RejectReason.NOT_FOUND, "no such endpoint " + path +
                "; try /health, /metrics, /latency, /dictionary, /schemas/<name>/<version>, /solver/, POST /beacon, GET /ws", false);
        }
    }

    private void health(final Exchange exchange)
    {
        final boolean draining = server.isDraining();
        final List<GatewayHealth.Problem> problems = server.health().problems();
        final boolean healthy = !draining && problems.isEmpty();
        final StringBuilder out = new StringBuilder(256).append('{');
        JsonText.key(out, "status");
        JsonText.quote(out, draining ? "draining" : healthy ? "ok" : "degraded").append(',');
        JsonText.key(out, "reasons").append('[');
        for (int i = 0; i < problems.size(); i++)
        {
            final GatewayHealth.Problem problem = problems.get(i);
            out.append(i == 0 ? "{" : ",{");
            JsonText.key(out, "reason");
            JsonText.quote(out, problem.reason()).append(',');
            JsonText.key(out, "message");
            JsonText.quote(out, problem.message()).append('}');
        }
        out.append("],");
        JsonText.key(out, "transport");
        JsonText.quote(out, server.transportName()).append(',');
        JsonText.key(out, "ack_mode");
        JsonText.quote(out, ackModeSymbol).append(',');
        JsonText.key(out, "dictionary");
        JsonText.quote(out, server.registry().name()).append(',');
        JsonText.key(out, "uptime_s").append(TimeUnit.NANOSECONDS.toSeconds(server.uptimeNs())).append(',');
        JsonText.key(out, "ingest_queue").append(server.counters().inFlightEnvelopes()).append(',');
        JsonText.key(out, "ingest_queue_limit").append(config.ingestQueue()).append(',');
        JsonText.key(out, "frames_published").append(server.counters().framesAccepted()).append(',');
        final JournalSpaceGuard guard = server.health().spaceGuard();
        if (guard != null)
        {
            JsonText.key(out, "journal_usable_bytes").append(guard.usableBytes()).append(',');
            JsonText.key(out, "journal_min_free_bytes").append(guard.minFreeBytes()).append(',');
        }
        JsonText.key(out, "journaled_sequence").append(server.pipeline().journaledSequence());
        out.append('}');
        exchange.send(GatewayCounters.Endpoint.HEALTH, healthy ? 200 : 503, JSON,
            out.toString().getBytes(StandardCharsets.UTF_8), draining ? RejectReason.DRAINING : null,
            healthy ? 0 : 5, 0, 0);
    }

    private void latency(final Exchange exchange)
    {
        final LatencyExport.Result result = server.latencyExport()
            .render(new QueryStringDecoder(exchange.request.uri()).parameters());
        if (result.error() != null)
        {
            server.counters().rejected(RejectReason.BAD_PARAMETER);
            exchange.error(GatewayCounters.Endpoint.LATENCY, 400, RejectReason.BAD_PARAMETER, result.error(), false);
            return;
        }
        exchange.send(GatewayCounters.Endpoint.LATENCY, 200, LatencyExport.TEXT, result.body(), null, 0, 0, 0);
    }

    private void schema(final Exchange exchange, final String id)
    {
        final SchemaId schemaId;
        try
        {
            schemaId = SchemaId.parse(id);
        }
        catch (final IllegalArgumentException ex)
        {
            exchange.error(GatewayCounters.Endpoint.SCHEMAS, 404, RejectReason.NOT_FOUND, ex.getMessage(), false);
            return;
        }
        if (!server.schemas().contains(schemaId))
        {
            exchange.error(GatewayCounters.Endpoint.SCHEMAS, 404, RejectReason.NOT_FOUND, "no schema " + schemaId +
                "; known: " + server.schemas().ids(), false);
            return;
        }
        exchange.send(GatewayCounters.Endpoint.SCHEMAS, 200, "application/schema+json",
            server.schemas().schemaText(schemaId).getBytes(StandardCharsets.UTF_8), null, 0, 0, 0);
    }

    // ------------------------------------------------------------------------------------------------ beacon

    private boolean admitClient(final Exchange exchange, final GatewayCounters.Endpoint endpoint)
    {
        if (server.isDraining())
        {
            server.counters().rejected(RejectReason.DRAINING);
            exchange.refuse(endpoint, 503, RejectReason.DRAINING, "the gateway is shutting down; retry against " +
                "another instance or after it restarts", 5);
            return false;
        }
        final long waitNs = server.rateLimiter().tryAcquire(peerAddress, exchange.startNs);
        if (waitNs != ClientRateLimiter.GRANTED)
        {
            server.counters().rejected(RejectReason.RATE_LIMITED);
            final int retryAfter = (int)Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNs + 999_999_999L));
            exchange.refuse(endpoint, 429, RejectReason.RATE_LIMITED, "client " + peerAddress + " is over its rate " +
                "limit of " + config.rateLimitPerSecond() + " requests/s (burst " + config.rateBurst() + ")", retryAfter);
            return false;
        }
        return true;
    }

    private void beacon(final ChannelHandlerContext ctx, final Exchange exchange)
    {
        final GatewayCounters.Endpoint endpoint = GatewayCounters.Endpoint.BEACON;
        if (!admitClient(exchange, endpoint))
        {
            return;
        }
        final String contentType = exchange.request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (!acceptedContentType(contentType))
        {
            server.counters().rejected(RejectReason.UNSUPPORTED_MEDIA_TYPE);
            exchange.refuse(endpoint, 415, RejectReason.UNSUPPORTED_MEDIA_TYPE, "Content-Type " +
                (contentType == null ? "(none)" : "'" + contentType + "'") + " is not accepted: send " +
                "application/json (one envelope or an array) or application/x-ndjson (one envelope per line)", 0);
            return;
        }
        final ByteBuf content = exchange.request.content();
        final int length = content.readableBytes();
        final IngressThreadState state = server.threadState(ctx.channel().eventLoop());
        final byte[] body = state.body(length);
        content.getBytes(content.readerIndex(), body, 0, length);
        final BeaconBodySplitter splitter = state.splitter;
        if (!splitter.split(body, 0, length))
        {
            final RejectReason reason = splitter.tooMany() ? RejectReason.TOO_MANY_ENVELOPES : RejectReason.MALFORMED_JSON;
            server.counters().rejected(reason);
            final StringBuilder out = new StringBuilder(160).append('{');
            JsonText.key(out, "status");
            JsonText.quote(out, "rejected").append(',');
            JsonText.key(out, "reason");
            JsonText.quote(out, reason.label()).append(',');
            JsonText.key(out, "message");
            JsonText.quote(out, splitter.error()).append(',');
            JsonText.key(out, "byte_offset").append(splitter.errorOffset()).append('}');
            exchange.send(endpoint, reason.status(), JSON, out.toString().getBytes(StandardCharsets.UTF_8), reason, 0, 0, 0);
            return;
        }
        final IngestReport report = state.ingestor.ingest(body, splitter, allowRestricted);
        answerIngest(exchange, endpoint, report, state);
    }

    private void answerIngest(final Exchange exchange, final GatewayCounters.Endpoint endpoint,
        final IngestReport report, final IngressThreadState state)
    {
        if (report.status() == 202 && config.ackMode() == AckMode.JOURNALED)
        {
            state.ackWaiter.await(report.lastPosition(), journaled ->
            {
                if (!journaled)
                {
                    JournalAckWaiter.refuseUnjournaled(report, server.pipeline(), server.counters(),
                        "the frames are in the ring but the journal did " +
                        "not confirm them within " + config.ackTimeoutMs() + " ms; resending the same envelopes " +
                        "is safe (event_id)");
                }
                sendReport(exchange, endpoint, report, state);
            });
            return;
        }
        sendReport(exchange, endpoint, report, state);
    }

    private void sendReport(final Exchange exchange, final GatewayCounters.Endpoint endpoint,
        final IngestReport report, final IngressThreadState state)
    {
        if (report.status() == 503 || report.status() == 507)
        {
            server.overloadLog().warn(report.reason(), "answered " + report.status() + " to " + peer + " (ingest queue " +
                server.counters().inFlightEnvelopes() + "/" + config.ingestQueue() + ", ring " +
                server.pipeline().config().channelCapacity() + " slots)");
        }
        final String json = report.toJson(ackModeSymbol, journalIndex(report));
        exchange.send(endpoint, report.status(), JSON, json.getBytes(StandardCharsets.UTF_8), report.reason(),
            report.retryAfterS(), Math.max(0, report.envelopes()), report.framesAccepted());
        state.ingestor.release(report.queuePlaces());
    }

    long journalIndex(final IngestReport report)
    {
        if (config.ackMode() != AckMode.JOURNALED || report.status() != 202)
        {
            return -1;
        }
        // The exact journal position of the request's last frame while its slot is not reused; else the journal's
        // last position, an upper bound (cold: it reads the last entry).
        final long index = server.pipeline().journalIndexOf(report.lastPosition());
        return index >= 0 ? index : server.pipeline().journal().map(Journal::lastIndex).orElse(-1L);
    }

    static boolean acceptedContentType(final String contentType)
    {
        if (contentType == null)
        {
            return false;
        }
        final String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.equals("application/x-ndjson") ||
            type.equals("application/ndjson") || type.equals("application/jsonl") || type.equals("text/plain");
    }

    // ------------------------------------------------------------------------------------------------ websocket

    private void upgrade(final ChannelHandlerContext ctx, final Exchange exchange)
    {
        final FullHttpRequest request = exchange.request;
        if (!"websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE)))
        {
            exchange.error(GatewayCounters.Endpoint.WS_TEXT, 400, RejectReason.NOT_FOUND,
                "GET /ws needs a WebSocket upgrade (Upgrade: websocket)", false);
            return;
        }
        final List<String> subscribe = new QueryStringDecoder(request.uri()).parameters().get("subscribe");
        final boolean subscriber = subscribe != null && !subscribe.isEmpty();
        if (subscriber && !"derived".equals(subscribe.get(0)))
        {
            exchange.error(GatewayCounters.Endpoint.WS_SUBSCRIBE, 400, RejectReason.NOT_FOUND, "subscribe='" +
                subscribe.get(0) + "' is not a stream; use /ws?subscribe=derived", false);
            return;
        }
        final GatewayCounters.Endpoint endpoint = subscriber ? GatewayCounters.Endpoint.WS_SUBSCRIBE :
            GatewayCounters.Endpoint.WS_TEXT;
        if (!admitClient(exchange, endpoint))
        {
            return;
        }
        final String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        final WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory("ws://" + host + "/ws", null,
            false, config.maxWsFrameBytes()).newHandshaker(request);
        if (handshaker == null)
        {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            exchange.audit(426, null, 0, 0);
            return;
        }
        final io.netty.channel.ChannelPipeline pipeline = ctx.pipeline();
        pipeline.remove(SlowRequestGuard.class);
        if (subscriber)
        {
            final WebSocketSubscriberHandler handler = new WebSocketSubscriberHandler(server, handshaker, peer, meter);
            pipeline.replace(this, "ws", handler);
            ctx.channel().attr(CLOSER).set(handler::goingAway);
        }
        else
        {
            final WebSocketIngestHandler handler = new WebSocketIngestHandler(server, this, handshaker, peer,
                peerAddress, allowRestricted, meter);
            pipeline.replace(this, "ws", handler);
            pipeline.addBefore("ws", "wsaggregate", new WebSocketFrameAggregator(config.maxWsFrameBytes()));
            ctx.channel().attr(CLOSER).set(handler::goingAway);
        }
        handshaker.handshake(ctx.channel(), request).addListener((ChannelFutureListener)future ->
        {
            if (future.isSuccess())
            {
                server.counters().response(endpoint, 101);
                exchange.audit(101, null, 0, 0);
                WebSocketCloseReason.countWhenClosed(future.channel(), server.counters());
                if (subscriber)
                {
                    ((WebSocketSubscriberHandler)future.channel().pipeline().get("ws")).start(future.channel());
                }
                else
                {
                    server.counters().wsConnectionsOpened.increment();
                }
            }
            else
            {
                future.channel().close();
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ failures

    void onBodyTooLarge(final ChannelHandlerContext ctx, final HttpMessage oversized, final int limit)
    {
        server.counters().rejected(RejectReason.BODY_TOO_LARGE);
        final String path = oversized instanceof HttpRequest ? new QueryStringDecoder(((HttpRequest)oversized).uri()).path() : "?";
        final Exchange exchange = new Exchange(ctx, oversized instanceof HttpRequest ? (HttpRequest)oversized : null, path);
        exchange.error(path.equals("/beacon") ? GatewayCounters.Endpoint.BEACON : GatewayCounters.Endpoint.OTHER, 413,
            RejectReason.BODY_TOO_LARGE, "request body exceeds " + limit + " bytes (" +
                GatewaySetting.MAX_BODY_BYTES.envName() + "); nothing was ingested: split it into smaller requests",
            true);
    }

    void onReadTimeout()
    {
        // Called on the event loop by the guard; the context is this handler's own.
        if (context != null)
        {
            server.counters().rejected(RejectReason.REQUEST_TIMEOUT);
            new Exchange(context, null, "?").error(GatewayCounters.Endpoint.OTHER, 408, RejectReason.REQUEST_TIMEOUT,
                "the request did not arrive completely within " + config.readTimeoutS() + " s (" +
                    GatewaySetting.READ_TIMEOUT_S.envName() + ")", true);
        }
    }

    private ChannelHandlerContext context;

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        context = ctx;
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
            new Exchange(ctx, null, "?").refuseAndClose(GatewayCounters.Endpoint.OTHER, 503,
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
            new Exchange(ctx, null, "?").error(GatewayCounters.Endpoint.OTHER, 413, RejectReason.BODY_TOO_LARGE,
                cause.getMessage(), true);
            return;
        }
        LOG.debug("connection {} failed: {}", peer, cause.toString());
        ctx.close();
    }

    String peer()
    {
        return peer;
    }

    /** One request and its answer: keep-alive, counting and the audit line. */
    private final class Exchange
    {
        final ChannelHandlerContext ctx;
        final FullHttpRequest request;
        final HttpRequest head;
        final String path;
        final long startNs;
        final boolean keepAlive;

        Exchange(final ChannelHandlerContext ctx, final FullHttpRequest request, final long startNs)
        {
            this.ctx = ctx;
            this.request = request;
            this.head = request;
            this.path = new QueryStringDecoder(request.uri()).path();
            this.startNs = startNs;
            this.keepAlive = HttpUtil.isKeepAlive(request);
        }

        Exchange(final ChannelHandlerContext ctx, final HttpRequest head, final String path)
        {
            this.ctx = ctx;
            this.request = null;
            this.head = head;
            this.path = path;
            this.startNs = System.nanoTime();
            this.keepAlive = false;
        }

        void json(final GatewayCounters.Endpoint endpoint, final int status, final String body)
        {
            send(endpoint, status, JSON, body.getBytes(StandardCharsets.UTF_8), null, 0, 0, 0);
        }

        void error(final GatewayCounters.Endpoint endpoint, final int status, final RejectReason reason,
            final String message, final boolean close)
        {
            final FullHttpResponse response = response(status, JSON, errorBody(reason, message));
            write(endpoint, response, reason, 0, 0, close);
        }

        void refuse(final GatewayCounters.Endpoint endpoint, final int status, final RejectReason reason,
            final String message, final int retryAfterS)
        {
            send(endpoint, status, JSON, errorBody(reason, message), reason, retryAfterS, 0, 0);
        }

        void refuseAndClose(final GatewayCounters.Endpoint endpoint, final int status, final RejectReason reason,
            final String message, final int retryAfterS)
        {
            final FullHttpResponse response = response(status, JSON, errorBody(reason, message));
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterS);
            write(endpoint, response, reason, 0, 0, true);
        }

        void methodNotAllowed(final GatewayCounters.Endpoint endpoint, final String allow)
        {
            server.counters().rejected(RejectReason.METHOD_NOT_ALLOWED);
            final FullHttpResponse response = response(405, JSON, errorBody(RejectReason.METHOD_NOT_ALLOWED,
                request.method() + " is not allowed on " + path + "; use " + allow));
            response.headers().set(HttpHeaderNames.ALLOW, allow);
            write(endpoint, response, RejectReason.METHOD_NOT_ALLOWED, 0, 0, false);
        }

        void send(final GatewayCounters.Endpoint endpoint, final int status, final String contentType,
            final byte[] body, final RejectReason reason, final int retryAfterS, final int envelopes, final int frames)
        {
            final FullHttpResponse response = response(status, contentType, body);
            if (retryAfterS > 0)
            {
                response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterS);
            }
            write(endpoint, response, reason, envelopes, frames, false);
        }

        void write(final GatewayCounters.Endpoint endpoint, final FullHttpResponse response, final RejectReason reason,
            final int envelopes, final int frames, final boolean forceClose)
        {
            final int status = response.status().code();
            server.counters().response(endpoint, status);
            final boolean close = forceClose || !keepAlive || server.isDraining();
            if (request != null && request.method().equals(HttpMethod.HEAD))
            {
                response.content().clear();
            }
            HttpUtil.setKeepAlive(response, !close);
            final ChannelFuture future = ctx.writeAndFlush(response);
            if (close)
            {
                future.addListener(ChannelFutureListener.CLOSE);
            }
            audit(status, reason, envelopes, frames);
        }

        void audit(final int status, final RejectReason reason, final int envelopes, final int frames)
        {
            if (!AuditLog.enabled())
            {
                return;
            }
            AuditLog.request(peer,
                head == null ? null : head.headers().get("X-Forwarded-For"),
                head == null ? null : head.headers().get("X-Real-IP"),
                head == null ? "?" : head.method().name(), path, status, reason,
                request == null ? 0 : request.content().readableBytes(), envelopes, frames,
                TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNs));
        }

        private FullHttpResponse response(final int status, final String contentType, final byte[] body)
        {
            final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
            response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
            return response;
        }
    }

    static byte[] errorBody(final RejectReason reason, final String message)
    {
        final StringBuilder out = new StringBuilder(128).append('{');
        JsonText.key(out, "status");
        JsonText.quote(out, reason.status() == 503 || reason.status() == 507 ? "overloaded" : "rejected").append(',');
        JsonText.key(out, "reason");
        JsonText.quote(out, reason.label()).append(',');
        JsonText.key(out, "message");
        JsonText.quote(out, message);
        return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
}
