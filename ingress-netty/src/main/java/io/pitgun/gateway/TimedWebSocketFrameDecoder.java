package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker07;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker08;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket frame decoder of a gateway connection, Netty's for RFC 6455 (installed by the handshakes
 * {@link #handshaker} makes), with the slow-loris defence HTTP requests have ({@link SlowRequestGuard}): a message
 * must arrive completely within the read timeout ({@code READ_TIMEOUT_S}) of its first byte. A message is a frame, or
 * a fragmented message from its first fragment's first byte to the end of its final fragment; a control frame sent
 * between fragments does not end it. One still incomplete at its deadline fires {@link #MESSAGE_TIMEOUT}, and the
 * connection's handler closes the connection ({@link #timedOut}), which gives back what it held of the shared
 * budget of unfinished messages ({@link PartialMessageMeter}). Before, nothing bounded a message's time: 66
 * connections that each sent all but a few bytes of a 1 MB frame, then one byte every 5 s (each resetting the idle
 * timeout), held the whole 64 MiB budget for as long as they liked, and every other client's larger message or
 * request was refused {@code partial_message_budget} meanwhile.
 *
 * <p>A connection between messages is not timed, however long it stays quiet (that is the idle timeout's business),
 * nor is one that sends whole messages slowly. The first byte's time is the time of the read that brought it, taken
 * at most once per read; as {@link SlowRequestGuard}, a connection has at most one check scheduled, and a message
 * that completes costs no timer.
 *
 * <p>It also checks a client's close frame by RFC 6455's rules ({@link #checkCloseFrameBody}). On the connection's
 * event loop.
 */
final class TimedWebSocketFrameDecoder extends WebSocket08FrameDecoder
{
    /** Fired (inbound, to the handlers behind the decoder) when a message is still incomplete at its deadline. */
    static final Object MESSAGE_TIMEOUT = new Object()
    {
        @Override
        public String toString()
        {
            return "TimedWebSocketFrameDecoder.MESSAGE_TIMEOUT";
        }
    };

    private final long timeoutNs;
    private final Runnable check = this::check;
    private ChannelHandlerContext context;
    /** The pending check, or null. */
    private ScheduledFuture<?> timer;
    /** The time of the current read, once a frame started in it ({@link #readTimeTaken}). */
    private long readNs;
    private boolean readTimeTaken;
    /** A frame is under way: its first byte has arrived, not its last. */
    private boolean inFrame;
    private long frameStartNs;
    /** A fragmented message is under way: its first fragment has arrived, not its final one. */
    private boolean inMessage;
    private long messageStartNs;
    /** The timeout fired, or decoding failed: the connection is closing, nothing more is timed. */
    private boolean done;

    /**
     * @param config    the handshake's decoder configuration ({@link WebSocketServerHandshaker#decoderConfig()}).
     * @param timeoutNs the read timeout, in nanoseconds (positive).
     */
    TimedWebSocketFrameDecoder(final WebSocketDecoderConfig config, final long timeoutNs)
    {
        // A violation is thrown to the connection's handler, which answers it (closeFrame): Netty's decoder wrote its
        // close frame at once, ahead of the answers owed for messages taken before it, and before the 101 when the
        // frames came with the upgrade request (then the connection closed without an answer).
        super(config.toBuilder().closeOnProtocolViolation(false).build());
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("read timeout must be positive: " + timeoutNs + " ns");
        }
        this.timeoutNs = timeoutNs;
    }

    /**
     * The handshake of {@code chosen}'s version (the one {@code WebSocketServerHandshakerFactory} chose for the
     * request, with its URL, subprotocols and decoder configuration), installing this decoder; null if there is none:
     * an unknown version, or Hixie-76 (draft 00), whose frames are not RFC 6455's.
     */
    static WebSocketServerHandshaker handshaker(final WebSocketServerHandshaker chosen, final long timeoutNs)
    {
        if (chosen == null)
        {
            return null;
        }
        final String url = chosen.uri();
        final String subprotocols = chosen.subprotocols().isEmpty() ? null : String.join(",", chosen.subprotocols());
        final WebSocketDecoderConfig config = chosen.decoderConfig();
        return switch (chosen.version())
        {
            case V13 -> new WebSocketServerHandshaker13(url, subprotocols, config)
            {
                @Override
                protected WebSocketFrameDecoder newWebsocketDecoder()
                {
                    return new TimedWebSocketFrameDecoder(decoderConfig(), timeoutNs);
                }
            };
            case V08 -> new WebSocketServerHandshaker08(url, subprotocols, config)
            {
                @Override
                protected WebSocketFrameDecoder newWebsocketDecoder()
                {
                    return new TimedWebSocketFrameDecoder(decoderConfig(), timeoutNs);
                }
            };
            case V07 -> new WebSocketServerHandshaker07(url, subprotocols, config)
            {
                @Override
                protected WebSocketFrameDecoder newWebsocketDecoder()
                {
                    return new TimedWebSocketFrameDecoder(decoderConfig(), timeoutNs);
                }
            };
            default -> null;
        };
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        readTimeTaken = false;
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) throws Exception
    {
        if (!inFrame && in.isReadable() && !done)
        {
            // A frame's first byte, in the read being decoded.
            inFrame = true;
            frameStartNs = readTime(ctx);
            if (timer == null)
            {
                context = ctx;
                timer = ctx.executor().schedule(check, timeoutNs, TimeUnit.NANOSECONDS);
            }
        }
        final int before = out.size();
        try
        {
            super.decode(ctx, in, out);
        }
        catch (final Exception ex)
        {
            stop(); // a protocol violation: the connection's handler closes it (closeFrame) and counts why
            throw ex;
        }
        if (out.size() > before)
        {
            inFrame = false;
            final Object frame = out.get(out.size() - 1);
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)
            {
                if (!((WebSocketFrame)frame).isFinalFragment())
                {
                    inMessage = true;
                    messageStartNs = frameStartNs;
                }
            }
            else if (frame instanceof ContinuationWebSocketFrame && ((WebSocketFrame)frame).isFinalFragment())
            {
                inMessage = false;
            }
            else if (frame instanceof CloseWebSocketFrame)
            {
                stop(); // the closing handshake: the decoder drops whatever follows, nothing more is a message
            }
        }
    }

    /**
     * Whether a fragmented message is under way (its first fragment decoded, not its final one) as the frame just
     * handed on leaves it: a ping or pong that comes while none is, is not part of an unfinished message
     * ({@link PartialMessageMeter#messageComplete}).
     */
    boolean messageUnderWay()
    {
        return inMessage;
    }

    /**
     * Checks a client's close frame by {@link WebSocketCloseBody}, in place of Netty's check, and throws a violation
     * for one that breaks it, answered as any other ({@link #closeFrame}: its close code, 1002, or 1007 for a reason
     * that is not UTF-8, naming the problem; counted {@code protocol_error}). Netty's check let codes above 4999
     * through (echoed back), and answered the others by closing without a close frame of its own (it takes the frame
     * for the client's close before checking it), so the client never learnt that its close was wrong.
     */
    @Override
    protected void checkCloseFrameBody(final ChannelHandlerContext ctx, final ByteBuf body)
    {
        final WebSocketCloseStatus problem = WebSocketCloseBody.problem(body);
        if (problem != null)
        {
            // Thrown after the close frame was taken as the closing handshake: the decoder drops whatever follows.
            throw new CorruptedWebSocketFrameException(problem, problem.reasonText());
        }
    }

    /**
     * The gateway's answer to {@code violation}, a frame that breaks RFC 6455 as this decoder found it (thrown to the
     * connection's handler, which closes with it): its close code (1002, 1007, or 1009 for a frame over the limit)
     * and its message as the reason, as Netty's decoder wrote it itself before. The handler records why
     * ({@link WebSocketCloseReason#ofViolation}). Behind the violation, the decoder drops every byte.
     */
    static CloseWebSocketFrame closeFrame(final CorruptedFrameException violation)
    {
        final WebSocketCloseStatus status = violation instanceof CorruptedWebSocketFrameException ?
            ((CorruptedWebSocketFrameException)violation).closeStatus() : WebSocketCloseStatus.PROTOCOL_ERROR;
        return new CloseWebSocketFrame(status.code(),
            violation.getMessage() != null ? violation.getMessage() : status.reasonText());
    }

    private long readTime(final ChannelHandlerContext ctx)
    {
        if (!readTimeTaken)
        {
            readNs = ctx.executor().ticker().nanoTime();
            readTimeTaken = true;
        }
        return readNs;
    }

    /** Fires the timeout if the message under way is overdue, else looks again at its deadline. */
    private void check()
    {
        timer = null;
        if (done || !(inFrame || inMessage) || !context.channel().isActive())
        {
            return; // nothing under way: the next frame's first byte schedules a check again
        }
        final long startNs = inMessage ? messageStartNs : frameStartNs;
        final long leftNs = startNs + timeoutNs - context.executor().ticker().nanoTime();
        if (leftNs > 0)
        {
            timer = context.executor().schedule(check, leftNs, TimeUnit.NANOSECONDS);
            return;
        }
        done = true;
        context.fireUserEventTriggered(MESSAGE_TIMEOUT);
    }

    private void stop()
    {
        done = true;
        if (timer != null)
        {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    protected void handlerRemoved0(final ChannelHandlerContext ctx) throws Exception
    {
        stop();
        super.handlerRemoved0(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        stop();
        super.channelInactive(ctx);
    }

    /**
     * A connection's answer to {@link #MESSAGE_TIMEOUT}, before it closes with the close frame returned (close code
     * 1008 naming the timeout; its close counted as {@code message_timeout}): counted as {@code request_timeout}, as a
     * slow HTTP request is, and logged at the overload log's rate.
     */
    static CloseWebSocketFrame timedOut(final GatewayServer server, final String peer)
    {
        final long timeoutS = server.config().readTimeoutS();
        server.counters().rejected(RejectReason.REQUEST_TIMEOUT);
        server.overloadLog().warn(RejectReason.REQUEST_TIMEOUT, "closed WebSocket client " + peer + ": a message " +
            "did not arrive completely within " + timeoutS + " s of its first byte");
        return new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, "message not complete within " +
            timeoutS + " s of its first byte (" + GatewaySetting.READ_TIMEOUT_S.envName() + ")");
    }
}
