package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP request and its answer: keep-alive, the response count per endpoint and status, and the audit line.
 * Every answer the gateway writes over HTTP goes through {@link #write}, so none escapes counting or audit. On the
 * connection's event loop.
 */
final class HttpExchange
{
    /** The content type of every JSON answer. */
    static final String JSON = "application/json";
    /**
     * Set on a connection once an answer that closes it is written: the requests that came behind that one are not
     * routed (RFC 9112, 9.6).
     */
    static final io.netty.util.AttributeKey<Boolean> CLOSING = io.netty.util.AttributeKey.valueOf("pitgun.closing");
    private static final AsciiString JSON_ASCII = AsciiString.cached(JSON);
    /**
     * Headers of the answers {@link #response} builds, unvalidated: every name and value there is the gateway's own
     * constant or number, so validating them per answer would only cost the event loop time.
     */
    private static final HttpHeadersFactory OWN_HEADERS = DefaultHttpHeadersFactory.headersFactory()
        .withValidation(false);

    final ChannelHandlerContext ctx;
    /** The HTTP encoder's context ({@link #sendAccepted}), or null. */
    private final ChannelHandlerContext encoderCtx;
    /** The whole request, or null when the answer is written before one arrived completely. */
    final FullHttpRequest request;
    final String path;
    /** The id of the token the request presented, once {@link ConnectionAccess} admitted it; else null. */
    String tokenId;
    /** The request header the answer depends on ({@code Vary}), or null: none. */
    CharSequence vary;
    /** False when {@code /health} must leave out traffic counts: tokens on, and no {@code metrics} token presented. */
    boolean readsTrafficCounts = true;
    /**
     * True once the ingest rate limit admitted the request and took from its client's rate
     * ({@link IngestPath#admitClient}, with a rate in force, {@link ClientRateLimiter#limits}): its client pays for its
     * audit line in its rate. Any other request costs its client nothing, so its line is taken from the
     * {@link AuditBudget}: of its token, or of requests without one.
     */
    boolean paidInRate;
    final long startNs;
    private final GatewayServer server;
    private final String peer;
    private final HttpRequest head;
    private final boolean keepAlive;
    /** Runs once this exchange's answer is written ({@link #whenAnswered}); null when nobody waits for it. */
    private Runnable onAnswered;
    private boolean answered;

    HttpExchange(final GatewayServer server, final String peer, final ChannelHandlerContext ctx,
        final ChannelHandlerContext encoderCtx, final FullHttpRequest request, final long startNs)
    {
        this.server = server;
        this.peer = peer;
        this.ctx = ctx;
        this.encoderCtx = encoderCtx;
        this.request = request;
        this.head = request;
        this.path = path(request.uri());
        this.startNs = startNs;
        // A WebSocket client answered anything but the switch (a refusal, a 404 on another path) waits for it and
        // sends no other request: its connection is closed after the answer, its place freed at once. Before, only
        // a 400 handshake refusal did; a 401, 403, 404 or 429 left it open until idle IDLE_TIMEOUT_S.
        this.keepAlive = HttpUtil.isKeepAlive(request) && !GatewayRequestDecoder.isWebSocketUpgrade(request);
    }

    /** An answer to an incomplete request ({@code head} may be null): the connection is closed after it. */
    HttpExchange(final GatewayServer server, final String peer, final ChannelHandlerContext ctx,
        final HttpRequest head, final String path)
    {
        this.server = server;
        this.peer = peer;
        this.ctx = ctx;
        this.encoderCtx = null;
        this.request = null;
        this.head = head;
        this.path = path;
        this.startNs = System.nanoTime();
        this.keepAlive = false;
    }

    /**
     * The path of {@code uri} as {@link QueryStringDecoder#path()} gives it; a URI with no query, fragment or
     * escape (every {@code POST /beacon}) is its own path, with no decoder made per request.
     */
    static String path(final String uri)
    {
        for (int i = 0; i < uri.length(); i++)
        {
            final char c = uri.charAt(i);
            if (c == '?' || c == '#' || c == '%' || c == '+')
            {
                return new QueryStringDecoder(uri).path();
            }
        }
        return uri;
    }

    void json(final GatewayCounters.Endpoint endpoint, final int status, final String body)
    {
        send(endpoint, status, JSON, body.getBytes(StandardCharsets.UTF_8), null, 0, 0, 0);
    }

    /**
     * Answers a refusal with {@code reason}'s JSON error body, counted here by reason (the one place every such
     * answer is counted: a 404 used to be answered uncounted), and closes the connection after it if {@code close}.
     */
    void error(final GatewayCounters.Endpoint endpoint, final int status, final RejectReason reason,
        final String message, final boolean close)
    {
        server.counters().rejected(reason);
        final FullHttpResponse response = response(status, JSON, errorBody(reason, message));
        write(endpoint, response, reason, 0, 0, close);
    }

    /**
     * Refuses a WebSocket handshake of a version the gateway does not speak: 426 with
     * {@code Sec-WebSocket-Version: supported} (RFC 6455, section 4.4) and the JSON refusal, counted as
     * {@link RejectReason#UNSUPPORTED_WEBSOCKET_VERSION}, and closes the connection: its client waits for the switch.
     */
    void upgradeRequired(final GatewayCounters.Endpoint endpoint, final String supported, final String message)
    {
        final RejectReason reason = RejectReason.UNSUPPORTED_WEBSOCKET_VERSION;
        server.counters().rejected(reason);
        final FullHttpResponse response = response(reason.status(), JSON, errorBody(reason, message));
        response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, supported);
        write(endpoint, response, reason, 0, 0, true);
    }

    /**
     * A 404 under a browser page ({@code /live/}, {@code /solver/}): the JSON refusal with the page's headers
     * ({@link PageHeaders}), and a fixed {@code message}: the path asked for is not echoed into the body.
     */
    void fileNotFound(final GatewayCounters.Endpoint endpoint, final String message)
    {
        server.counters().rejected(RejectReason.NOT_FOUND);
        final FullHttpResponse response = response(404, JSON, errorBody(RejectReason.NOT_FOUND, message));
        PageHeaders.apply(response.headers(), PageHeaders.NOTHING);
        write(endpoint, response, RejectReason.NOT_FOUND, 0, 0, false);
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
        if (retryAfterS > 0)
        {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterS);
        }
        write(endpoint, response, reason, 0, 0, true);
    }

    /**
     * Answers a refusal {@link IngestPath#admitClient} gave: 503 {@code draining} or 429 {@code rate_limited}, with
     * {@code Retry-After}. {@code own} is the client's token's {@code rate_limit} (0: the gateway's).
     */
    void refuseClient(final GatewayCounters.Endpoint endpoint, final RejectReason reason, final int retryAfterS,
        final String peerAddress, final int own)
    {
        final GatewayConfig config = server.config();
        refuse(endpoint, reason.status(), reason, reason == RejectReason.DRAINING ? "the gateway is shutting down; " +
            "retry against another instance or after it restarts" : "client " + peerAddress + " is over its rate " +
            "limit of " + (own > 0 ? own + " requests/s (burst " + own : config.rateLimitPerSecond() +
            " requests/s (burst " + config.rateBurst()) + ")", retryAfterS);
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
        sendJson(endpoint, status, contentType, Unpooled.wrappedBuffer(body), reason, retryAfterS, envelopes, frames);
    }

    /** Like {@link #send}, with a body already in a buffer (the write releases it). */
    void sendJson(final GatewayCounters.Endpoint endpoint, final int status, final CharSequence contentType,
        final ByteBuf body, final RejectReason reason, final int retryAfterS, final int envelopes, final int frames)
    {
        final FullHttpResponse response = response(status, contentType, body);
        if (retryAfterS > 0)
        {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterS);
        }
        write(endpoint, response, reason, envelopes, frames, false);
    }

    /**
     * Answers an accepted ingest request with {@code report}'s {@link IngestReport#plain() plain} JSON, on a
     * keep-alive connection: the same bytes as {@link #sendJson} (a test compares them) written already encoded
     * past the HTTP encoder, head and body into one pooled buffer ({@link #encodeAccepted}), with no response
     * object, header map, promise or second buffer per answer; this is the answer to almost every request, written
     * by the event loop. Otherwise as {@link #sendJson}.
     */
    void sendAccepted(final GatewayCounters.Endpoint endpoint, final IngestReport report, final byte[] quotedAckMode,
        final long journalIndex, final int envelopes, final int frames)
    {
        // Past the encoder is safe: answers go out in request order (GatewayHttpHandler), so a WebSocket upgrade
        // pipelined behind this request, which removes the HTTP encoder, has not been handled yet.
        // An HTTP/1.0 client's answer names keep-alive (write), which the pre-encoded head does not.
        if (encoderCtx == null || report.status() != 202 || report.retryAfterS() > 0 || !keepAlive ||
            server.isDraining() || request.method().equals(HttpMethod.HEAD) ||
            !request.protocolVersion().isKeepAliveDefault())
        {
            final ByteBuf body = ctx.alloc().buffer(PLAIN_ANSWER_BYTES);
            report.writePlainJson(body, quotedAckMode, journalIndex);
            sendJson(endpoint, report.status(), JSON, body, null, report.retryAfterS(), envelopes, frames);
            return;
        }
        server.counters().response(endpoint, 202);
        final ByteBuf out = ctx.alloc().buffer(ACCEPTED_HEAD.length + LENGTH_DIGITS + ACCEPTED_HEAD_END.length +
            PLAIN_ANSWER_BYTES);
        encodeAccepted(out, report, quotedAckMode, journalIndex);
        // A write failure closes the connection through exceptionCaught; nothing waits on this write.
        encoderCtx.writeAndFlush(out, encoderCtx.voidPromise());
        audit(202, null, envelopes, frames);
        answered();
    }

    /**
     * Writes the whole HTTP answer 202 with {@code report}'s plain JSON body ({@link IngestReport#writePlainJson}),
     * as {@link #sendAccepted} sends it. The body is written in place behind a {@link #LENGTH_DIGITS}-digit content
     * length that is filled in after it; a body of another number of digits (none of the plain answers has one:
     * they are 100 to 400 bytes long) is written once more behind its own length.
     */
    static void encodeAccepted(final ByteBuf out, final IngestReport report, final byte[] quotedAckMode,
        final long journalIndex)
    {
        out.writeBytes(ACCEPTED_HEAD);
        final int lengthAt = out.writerIndex();
        out.writeZero(LENGTH_DIGITS);
        out.writeBytes(ACCEPTED_HEAD_END);
        final int bodyAt = out.writerIndex();
        report.writePlainJson(out, quotedAckMode, journalIndex);
        final int length = out.writerIndex() - bodyAt;
        if (length >= LENGTH_MIN && length < LENGTH_MIN * 10)
        {
            int rest = length;
            for (int i = LENGTH_DIGITS - 1; i >= 0; i--)
            {
                out.setByte(lengthAt + i, '0' + rest % 10);
                rest /= 10;
            }
            return;
        }
        out.writerIndex(lengthAt);
        IngestReport.writeDecimal(out, length);
        out.writeBytes(ACCEPTED_HEAD_END);
        report.writePlainJson(out, quotedAckMode, journalIndex);
    }

    /** Room for a plain ingest answer with every number at its widest; the buffer grows if ever needed. */
    private static final int PLAIN_ANSWER_BYTES = 256;
    /** The content-length digits {@link #encodeAccepted} reserves before it knows the body's length. */
    private static final int LENGTH_DIGITS = 3;
    /** The smallest length of {@link #LENGTH_DIGITS} digits. */
    private static final int LENGTH_MIN = 100;
    /**
     * The head of a 202 JSON answer as the HTTP encoder writes {@link #response}'s on a keep-alive connection, up
     * to the content length's digits; {@link #ACCEPTED_HEAD_END} after them.
     */
    private static final byte[] ACCEPTED_HEAD = (HttpVersion.HTTP_1_1 + " " + HttpResponseStatus.ACCEPTED + "\r\n" +
        HttpHeaderNames.CONTENT_TYPE + ": " + JSON + "\r\n" + HttpHeaderNames.CONTENT_LENGTH + ": ")
        .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACCEPTED_HEAD_END = ("\r\n" + HttpHeaderNames.CACHE_CONTROL + ": " +
        HttpHeaderValues.NO_STORE + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    /** A redirect to {@code location} (301). */
    void redirect(final GatewayCounters.Endpoint endpoint, final String location)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.MOVED_PERMANENTLY);
        response.headers().set(HttpHeaderNames.LOCATION, location);
        write(endpoint, response, null, 0, 0, false);
    }

    void write(final GatewayCounters.Endpoint endpoint, final FullHttpResponse response, final RejectReason reason,
        final int envelopes, final int frames, final boolean forceClose)
    {
        final int status = response.status().code();
        server.counters().response(endpoint, status);
        final boolean draining = server.isDraining();
        final boolean close = forceClose || !keepAlive || draining;
        if (request != null && request.method().equals(HttpMethod.HEAD))
        {
            response.content().clear();
        }
        HttpUtil.setKeepAlive(response, !close);
        if (!close && request != null && !request.protocolVersion().isKeepAliveDefault())
        {
            // An HTTP/1.0 client that asked for keep-alive learns it is granted only from this header (RFC 2068
            // 19.7.1): without it, it takes the connection for one closed after the answer, and one reading to the
            // connection's end waited for the idle timeout.
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        if (vary != null)
        {
            response.headers().set(HttpHeaderNames.VARY, vary);
        }
        ctx.writeAndFlush(response);
        if (close)
        {
            ctx.channel().attr(CLOSING).set(Boolean.TRUE); // no request after this one is routed (GatewayHttpHandler)
            // Lingering, draining or not: a client may have pipelined more behind this request (or sent a malformed
            // one with more behind it): closed at once with those unread, the kernel would answer with a reset and
            // drop the answers the client had not read yet, this one included.
            LingeringClose.closeAfterAnswer(ctx.channel(), server.counters());
        }
        audit(status, reason, envelopes, frames);
        answered();
    }

    /** True once this exchange's answer is written. Loop only. */
    boolean isAnswered()
    {
        return answered;
    }

    /** Runs {@code then} on the loop once this exchange's answer is written (the next pipelined request's turn). */
    void whenAnswered(final Runnable then)
    {
        onAnswered = then;
    }

    /** Marks the answer written (every answer but the WebSocket handshake's goes through {@link #write}). */
    void answered()
    {
        answered = true;
        final Runnable then = onAnswered;
        onAnswered = null;
        if (then != null)
        {
            then.run();
        }
    }

    /**
     * After a WebSocket upgrade: one more audit line when {@code channel} closes, with what {@code ingest} (null for
     * a subscriber) took from it, so a producer's WebSocket traffic is in the audit log as its POSTs are.
     */
    void auditWhenClosed(final io.netty.channel.Channel channel, final WebSocketIngestHandler ingest)
    {
        if (!AuditLog.enabled())
        {
            return;
        }
        final String forwardedFor = head == null ? null : head.headers().get("X-Forwarded-For");
        final String realIp = head == null ? null : head.headers().get("X-Real-IP");
        final String token = tokenId;
        channel.closeFuture().addListener(future ->
        {
            final long now = System.nanoTime();
            // A second line for one upgrade: from the same budget as the first, or a connection's churn would not be.
            final long suppressedBefore = server.auditBudget().take(token, paidInRate, now);
            if (suppressedBefore >= 0)
            {
                AuditLog.webSocketClosed(peer, token, forwardedFor, realIp, path,
                    WebSocketCloseReason.of(channel).label, ingest == null ? 0 : ingest.bytesIn(),
                    ingest == null ? 0 : ingest.envelopesAccepted(), ingest == null ? 0 : ingest.framesAccepted(),
                    TimeUnit.NANOSECONDS.toMicros(now - startNs), suppressedBefore);
            }
        });
    }

    void audit(final int status, final RejectReason reason, final int envelopes, final int frames)
    {
        if (!AuditLog.enabled())
        {
            return;
        }
        final long now = System.nanoTime();
        final long suppressedBefore = server.auditBudget().take(tokenId, paidInRate, now);
        if (suppressedBefore < 0)
        {
            return; // over the budget of requests that cost nothing: counted, and named by the next line
        }
        AuditLog.request(peer, tokenId,
            head == null ? null : head.headers().get("X-Forwarded-For"),
            head == null ? null : head.headers().get("X-Real-IP"),
            head == null ? "?" : head.method().name(), path, status, reason,
            request == null ? 0 : request.content().readableBytes(), envelopes, frames,
            TimeUnit.NANOSECONDS.toMicros(now - startNs), suppressedBefore);
    }

    private static FullHttpResponse response(final int status, final String contentType, final byte[] body)
    {
        return response(status, contentType, Unpooled.wrappedBuffer(body));
    }

    static FullHttpResponse response(final int status, final CharSequence contentType, final ByteBuf body)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status), body, OWN_HEADERS, OWN_HEADERS);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, JSON.equals(contentType) ? JSON_ASCII : contentType)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
            .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    /** The body of every refusal that is not an ingest report: {@code status}, {@code reason}, {@code message}. */
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
