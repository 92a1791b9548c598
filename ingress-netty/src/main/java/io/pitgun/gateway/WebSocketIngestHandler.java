package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.timeout.IdleStateEvent;
import io.pitgun.engine.AckMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * A WebSocket ingest connection: each text message is one envelope, each binary message one or more SBE frames;
 * every message gets one JSON ack or nack ({@code type}, {@code event_id} for text, {@code message} = the
 * message's number on this connection, then the same fields as a beacon answer). Acks in journaled mode are sent
 * when the frames are journaled, so a nack for a later message can overtake an ack for an earlier one: match them
 * by {@code event_id} or {@code message}. Pings are answered with pongs.
 */
final class WebSocketIngestHandler extends SimpleChannelInboundHandler<WebSocketFrame>
{
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketIngestHandler.class);

    private final GatewayServer server;
    private final GatewayHttpHandler http;
    private final WebSocketServerHandshaker handshaker;
    private final String peer;
    private final String peerAddress;
    private final boolean allowRestricted;
    private final String ackMode;
    private final PartialMessageMeter meter;
    private final UnsafeBuffer binaryView = new UnsafeBuffer(0, 0);
    private ChannelHandlerContext context;
    private long messages;

    WebSocketIngestHandler(final GatewayServer server, final GatewayHttpHandler http,
        final WebSocketServerHandshaker handshaker, final String peer, final String peerAddress,
        final boolean allowRestricted, final PartialMessageMeter meter)
    {
        this.meter = meter;
        this.server = server;
        this.http = http;
        this.handshaker = handshaker;
        this.peer = peer;
        this.peerAddress = peerAddress;
        this.allowRestricted = allowRestricted;
        this.ackMode = server.config().ackMode().symbol();
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        context = ctx;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
    {
        if (frame instanceof PingWebSocketFrame)
        {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            return;
        }
        if (frame instanceof PongWebSocketFrame)
        {
            return;
        }
        if (frame instanceof CloseWebSocketFrame)
        {
            WebSocketCloseReason.record(ctx.channel(), WebSocketCloseReason.CLIENT);
            handshaker.close(ctx.channel(), (CloseWebSocketFrame)frame.retain());
            return;
        }
        // A data message is complete (control frames may come between the fragments of one, so they do not count).
        meter.messageComplete();
        final long number = messages++;
        final boolean text = frame instanceof TextWebSocketFrame;
        final GatewayCounters.Endpoint endpoint = text ? GatewayCounters.Endpoint.WS_TEXT : GatewayCounters.Endpoint.WS_BINARY;
        if (server.isDraining())
        {
            nack(ctx, endpoint, number, null, RejectReason.DRAINING, "the gateway is shutting down", 5);
            return;
        }
        final long waitNs = server.rateLimiter().tryAcquire(peerAddress, System.nanoTime());
        if (waitNs != ClientRateLimiter.GRANTED)
        {
            nack(ctx, endpoint, number, null, RejectReason.RATE_LIMITED, "client " + peerAddress +
                " is over its rate limit", (int)Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNs + 999_999_999L)));
            return;
        }
        final IngressThreadState state = server.threadState(ctx.channel().eventLoop());
        final ByteBuf content = frame.content();
        final int length = content.readableBytes();
        final IngestReport report;
        String eventId = null;
        if (text)
        {
            final byte[] body = state.body(length);
            content.getBytes(content.readerIndex(), body, 0, length);
            final BeaconBodySplitter splitter = state.splitter;
            if (!splitter.split(body, 0, length))
            {
                nack(ctx, endpoint, number, EventIdSniffer.find(body, 0, length), RejectReason.MALFORMED_JSON,
                    splitter.error() + " (byte " + splitter.errorOffset() + ")", 0);
                return;
            }
            if (splitter.count() != 1)
            {
                nack(ctx, endpoint, number, null, RejectReason.NO_ENVELOPE, "a text message holds exactly one " +
                    "envelope; this one holds " + splitter.count(), 0);
                return;
            }
            report = state.ingestor.ingest(body, splitter, allowRestricted);
            eventId = report.firstEventId() != null ? report.firstEventId() : EventIdSniffer.find(body, 0, length);
        }
        else
        {
            if (content.hasMemoryAddress())
            {
                binaryView.wrap(content.memoryAddress() + content.readerIndex(), length);
            }
            else if (content.hasArray())
            {
                binaryView.wrap(content.array(), content.arrayOffset() + content.readerIndex(), length);
            }
            else
            {
                final byte[] copy = new byte[length];
                content.getBytes(content.readerIndex(), copy);
                binaryView.wrap(copy);
            }
            final SbeMessageSplitter splitter = state.sbeSplitter;
            try
            {
                if (!splitter.split(binaryView, 0, length, allowRestricted))
                {
                    nack(ctx, endpoint, number, null, splitter.reason(), splitter.error(), 0);
                    return;
                }
                report = state.ingestor.ingestSbe(binaryView, splitter);
            }
            catch (final RuntimeException ex)
            {
                // A bug in the splitter (ingestSbe answers its own failures and gives its queue place back): the
                // connection stays and the message is answered.
                LOG.error("binary message {} from {} failed", number, peer, ex);
                nack(ctx, endpoint, number, null, RejectReason.INTERNAL_ERROR,
                    "internal error; the gateway log has the details", 0);
                return;
            }
        }
        final String id = eventId;
        if (report.status() == 202 && server.config().ackMode() == AckMode.JOURNALED)
        {
            state.ackWaiter.await(report.lastPosition(), journaled ->
            {
                if (!journaled)
                {
                    JournalAckWaiter.refuseUnjournaled(report, server.pipeline(), server.counters(),
                        "the journal did not confirm in time");
                }
                reply(ctx, endpoint, number, id, report, state);
            });
            return;
        }
        reply(ctx, endpoint, number, id, report, state);
    }

    private void reply(final ChannelHandlerContext ctx, final GatewayCounters.Endpoint endpoint, final long number,
        final String eventId, final IngestReport report, final IngressThreadState state)
    {
        server.counters().response(endpoint, report.status());
        if (report.status() == 503)
        {
            server.overloadLog().warn(report.reason(), "nack 503 to WebSocket client " + peer);
        }
        if (ctx.channel().isActive())
        {
            ctx.writeAndFlush(new TextWebSocketFrame(report.toWebSocketJson(eventId, number, ackMode,
                http.journalIndex(report))));
        }
        state.ingestor.release(report.queuePlaces());
    }

    private void nack(final ChannelHandlerContext ctx, final GatewayCounters.Endpoint endpoint, final long number,
        final String eventId, final RejectReason reason, final String message, final int retryAfterS)
    {
        server.counters().rejected(reason);
        final IngestReport report = new IngestReport();
        report.envelopes = 1;
        report.retryAfterS = retryAfterS;
        report.refuse(reason.status(), reason, message);
        server.counters().response(endpoint, report.status());
        ctx.writeAndFlush(new TextWebSocketFrame(report.toWebSocketJson(eventId, number, ackMode, -1)));
    }

    /** Shutdown: close code 1001 (going away). */
    void goingAway()
    {
        final ChannelHandlerContext ctx = context;
        if (ctx != null && ctx.channel().isActive())
        {
            ctx.channel().eventLoop().execute(() ->
            {
                WebSocketCloseReason.record(ctx.channel(), WebSocketCloseReason.GOING_AWAY);
                handshaker.close(ctx.channel(), new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE));
            });
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event instanceof IdleStateEvent)
        {
            WebSocketCloseReason.record(ctx.channel(), WebSocketCloseReason.IDLE);
            handshaker.close(ctx.channel(), new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, "idle"));
            return;
        }
        if (event == PartialMessageMeter.OVER_BUDGET)
        {
            server.overloadLog().warn(RejectReason.PARTIAL_MESSAGE_BUDGET, "closed WebSocket client " + peer);
            handshaker.close(ctx.channel(), new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION,
                "the gateway holds too many unfinished messages; retry later"));
            // The close frame may never leave if the client does not read: close regardless after a moment.
            ctx.executor().schedule(() -> ctx.channel().close(), 1, TimeUnit.SECONDS);
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof TooLongFrameException)
        {
            server.counters().rejected(RejectReason.BODY_TOO_LARGE);
            WebSocketCloseReason.record(ctx.channel(), WebSocketCloseReason.MESSAGE_TOO_BIG);
            handshaker.close(ctx.channel(), new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG,
                "message exceeds " + server.config().maxWsFrameBytes() + " bytes"));
            return;
        }
        if (cause instanceof CorruptedWebSocketFrameException &&
            ((CorruptedWebSocketFrameException)cause).closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG)
        {
            // One frame over the limit: Netty's frame decoder has already sent the 1009 close naming the limit and
            // closed the connection; only the refusal is left to count.
            server.counters().rejected(RejectReason.BODY_TOO_LARGE);
            WebSocketCloseReason.record(ctx.channel(), WebSocketCloseReason.MESSAGE_TOO_BIG);
            ctx.close();
            return;
        }
        if (cause instanceof CorruptedFrameException)
        {
            WebSocketCloseReason.record(ctx.channel(), WebSocketCloseReason.PROTOCOL_ERROR);
            handshaker.close(ctx.channel(), new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR, "corrupted frame"));
            return;
        }
        WebSocketCloseReason.record(ctx.channel(), WebSocketCloseReason.ERROR);
        ctx.close();
    }
}
