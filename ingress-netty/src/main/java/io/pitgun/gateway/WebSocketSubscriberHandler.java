package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;


/**
 * A live subscriber ({@code GET /ws?subscribe=derived}): derived frames and insights as JSON text messages,
 * {@code {"type":"derived_frame","frame":{...}}} and {@code {"type":"insight","insight":{...}}}, written by its
 * event loop's {@link SubscriberGroup} (one pipeline subscription and one JSON encoding per output for all the
 * loop's subscribers). Its memory is its connection's outbound buffer, bounded by the write-buffer high-water mark
 * ({@code SUBSCRIBER_BUFFER_BYTES}): when the socket stops draining and the mark is passed, or the loop falls a
 * whole pipeline buffer behind, the client is disconnected with close code 1008 and the disconnection counted.
 * It receives public channels, and restricted ones too when its token has {@code read_restricted}; internal ones never.
 */
final class WebSocketSubscriberHandler extends SimpleChannelInboundHandler<WebSocketFrame>
    implements GatewayHttpHandler.Closer
{
    private final GatewayServer server;
    private final String peer;
    private final PartialMessageMeter meter;
    private final boolean readsRestricted;
    private final ConnectionAccess access;
    /** The session it asked for ({@code ?session=}), or null: every session it may see. */
    private final java.util.UUID session;
    /** Its token's allow-lists as it sees them now (null: none). */
    private TokenScope scope;
    /** Who it sees outputs with: set by its {@link SubscriberGroup}. */
    SubscriberAudience audience;
    private SubscriberGroup group;
    /** Its connection, from the upgrade on (the handshake may still be under way: {@link #start} not yet called). */
    private Channel channel;
    /**
     * The gateway has decided to close it (its close frame written, or to be once the rest is written at shutdown),
     * or the client's close frame was echoed: nothing more is written to it.
     */
    private boolean closing;
    private boolean lagging;
    /** A ping was sent on the last idle timeout and nothing has been read since ({@link #userEventTriggered}). */
    private boolean pinged;

    WebSocketSubscriberHandler(final GatewayServer server, final String peer,
        final PartialMessageMeter meter, final ConnectionAccess access, final java.util.UUID session)
    {
        this.access = access;
        this.session = session;
        this.scope = access.scope();
        this.server = server;
        this.peer = peer;
        this.meter = meter;
        this.readsRestricted = access.readsRestricted();
    }

    /** Whether its token still allows what it was opened with (checked by the group every tick). */
    boolean stillAuthorized()
    {
        return access.stillAuthorized(Capability.SUBSCRIBE, readsRestricted ? Capability.READ_RESTRICTED : null);
    }

    /** Its token was revoked or lost a capability: close 1008 saying which, leave the group. */
    void revoked()
    {
        final RejectReason refusal = access.lostAccess();
        final WebSocketCloseReason closeReason = WebSocketCloseReason.ofLostAccess(refusal);
        closeRefused(refusal, closeReason, closeReason.closeText());
    }

    /** Whether its token's allow-lists changed since it joined (checked by the group every tick, after a reload). */
    boolean scopeChanged()
    {
        final TokenScope now = access.scope();
        return now != scope && !SubscriberAudience.sameLists(now, scope);
    }

    /**
     * Takes its token's new allow-lists: true when it goes on (the group puts it in the audience they make); false,
     * closed with 1008 and counted, when the session it asked for is no longer allowed, or when a manifest filter
     * reads a channel its narrowed channel list leaves out (as {@link WebSocketUpgrade} refuses at the upgrade).
     */
    boolean adoptScope()
    {
        scope = access.scope();
        if (session != null && scope != null &&
            !scope.allowsSession(session.getMostSignificantBits(), session.getLeastSignificantBits()))
        {
            closeRefused(RejectReason.SESSION_NOT_ALLOWED, WebSocketCloseReason.SESSION_NOT_ALLOWED,
                "session not allowed");
            return false;
        }
        if (SubscriberAudience.filterReadOutside(server, scope) != null)
        {
            closeRefused(RejectReason.FILTER_NOT_READABLE, WebSocketCloseReason.FILTER_NOT_READABLE,
                "filter not readable");
            return false;
        }
        return true;
    }

    /** Closes 1008 with {@code why}: the refusal counted as {@code reason}, the close as {@code closeReason}. */
    private void closeRefused(final RejectReason reason, final WebSocketCloseReason closeReason, final String why)
    {
        if (closing)
        {
            return;
        }
        closing = true;
        server.counters().rejected(reason);
        WebSocketClose.close(channel, closeReason, new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, why),
            server.counters());
        stop();
    }

    /** Its token's allow-lists (null: none). */
    TokenScope scope()
    {
        return scope;
    }

    /** The session it asked for, or null. */
    java.util.UUID session()
    {
        return session;
    }

    /** Whether this subscriber's token has {@code read_restricted}: it receives restricted channels too. */
    boolean readsRestricted()
    {
        return readsRestricted;
    }

    /** After the handshake (on the channel's loop): join the loop's subscriber group. */
    void start(final Channel channel)
    {
        this.channel = channel;
        final int bytes = server.connectionBounds().subscriberBytes();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(bytes / 2, bytes));
        OutboundBackpressure.boundElsewhere(channel); // its bound is this mark, closed 1008 by the group
        group = server.threadState(channel.eventLoop()).subscribers;
        group.join(this);
        server.counters().subscribersOpened.increment();
        server.counters().openSubscribers.incrementAndGet();
        channel.closeFuture().addListener(f -> stop());
    }

    boolean isWritable()
    {
        return closing || channel.isWritable();
    }

    /**
     * Writes one encoded output (shared with the other members: a retained duplicate, not a copy).
     *
     * @return false the first time the connection is found not draining (the output was not written, nor will
     *     any other be: the group disconnects it at the end of its tick).
     */
    boolean deliver(final ByteBuf encoded)
    {
        if (closing || lagging)
        {
            return true;
        }
        if (!channel.isWritable())
        {
            lagging = true;
            return false;
        }
        channel.write(new TextWebSocketFrame(encoded.retainedDuplicate()));
        server.counters().subscriberMessages.increment();
        return true;
    }

    void flush()
    {
        if (!closing)
        {
            channel.flush();
        }
    }

    /** The group's poll failed (a bug; logged there): close 1011, counted {@code internal_error}, leave the group. */
    void failed()
    {
        if (closing)
        {
            stop();
            return;
        }
        closing = true;
        server.counters().rejected(RejectReason.INTERNAL_ERROR);
        WebSocketClose.close(channel, WebSocketCloseReason.ERROR, new CloseWebSocketFrame(
            WebSocketCloseStatus.INTERNAL_SERVER_ERROR, "internal error; reconnect"), server.counters());
        stop();
    }

    void tooSlow()
    {
        if (closing)
        {
            return;
        }
        closing = true;
        server.counters().subscribersDisconnectedSlow.increment();
        // Logged, and counted, under the reason its close is counted under (the log said queue_full, which it is not).
        server.counters().rejected(RejectReason.SLOW_SUBSCRIBER);
        server.overloadLog().warn(RejectReason.SLOW_SUBSCRIBER, "live subscriber " + peer +
            " fell behind and was disconnected");
        WebSocketClose.close(channel, WebSocketCloseReason.SLOW_SUBSCRIBER, new CloseWebSocketFrame(
            WebSocketCloseStatus.POLICY_VIOLATION, "subscriber too slow: more than " +
            server.connectionBounds().subscriberBytes() + " bytes behind"), server.counters());
        stop();
    }

    /**
     * The pipeline could not broadcast an output it was to receive, {@code length} bytes where its shared buffer
     * carries at most {@code maxLength} (an eighth of {@code SUBSCRIBER_BUFFER_BYTES}): close 1011 saying so, counted
     * {@code output_too_long} and logged at the overload log's rate. The setting is at fault, not the subscriber:
     * before, closed as too slow ({@link #tooSlow}).
     */
    void outputTooLong(final int length, final int maxLength)
    {
        if (closing)
        {
            return;
        }
        closing = true;
        server.counters().rejected(RejectReason.OUTPUT_TOO_LONG);
        final String why = "output too long: " + length + " bytes, the subscriber buffer carries " + maxLength +
            " (raise SUBSCRIBER_BUFFER_BYTES)";
        server.overloadLog().warn(RejectReason.OUTPUT_TOO_LONG, "live subscriber " + peer + " disconnected: " + why +
            ", or summarise fewer channels and percentiles");
        WebSocketClose.close(channel, WebSocketCloseReason.OUTPUT_TOO_LONG, new CloseWebSocketFrame(
            WebSocketCloseStatus.INTERNAL_SERVER_ERROR, why), server.counters());
        stop();
    }

    private void stop()
    {
        if (group != null)
        {
            final SubscriberGroup left = group;
            group = null;
            left.leave(this);
            server.counters().openSubscribers.decrementAndGet();
        }
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        channel = ctx.channel();
    }

    /**
     * Shutdown, once the pipeline has drained: what its loop's subscription has not read yet (the drain's summaries)
     * is written to it first, then close code 1001 (going away) behind every message
     * ({@link LingeringClose#closeOnceWritten}).
     */
    @Override
    public void goingAway()
    {
        final Channel ch = channel;
        if (ch != null && ch.isActive())
        {
            ch.eventLoop().execute(() ->
            {
                if (group != null)
                {
                    group.deliverTheRest(); // for every member of the group: the first one's call does it
                }
                if (closing)
                {
                    return; // closed already, by another rule (too slow while the rest was written, say)
                }
                closing = true;
                WebSocketCloseReason.record(ch, WebSocketCloseReason.GOING_AWAY);
                // Bounded by the shutdown's deadline for subscribers (GatewayServer), not a second from now: what
                // the drain made may take longer to write than that.
                LingeringClose.closeOnceWritten(ch,
                    new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE), server.counters());
            });
        }
    }

    @Override
    public boolean subscriber()
    {
        return true;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
    {
        meter.messageComplete(); // no aggregator here: every frame is whole
        pinged = false; // alive: the pong of the idle timeout's ping, or anything else
        if (closing || WebSocketCloseReason.closing(ctx.channel()))
        {
            // Nothing follows the gateway's close frame (RFC 6455 5.5.1), whatever closed it: no pong, no second
            // close frame. Before, only at shutdown: after any other close, until the connection ended (a second at
            // most, for a client not reading), a ping got its pong and a close frame a close frame of its own.
            if (frame instanceof CloseWebSocketFrame)
            {
                ctx.close(); // the client's answer to the gateway's close: nothing more to wait for
            }
            return;
        }
        if (frame instanceof PingWebSocketFrame)
        {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        }
        else if (frame instanceof CloseWebSocketFrame)
        {
            closing = true;
            WebSocketClose.close(ctx.channel(), WebSocketCloseReason.CLIENT, (CloseWebSocketFrame)frame.retain(),
                server.counters());
        }
        // Any other message is ignored (this connection only streams out); a text one not UTF-8 never gets here:
        // the validator before this handler fails the connection 1007 (WebSocketUpgrade).
    }

    /**
     * The idle timeout ({@code IDLE_TIMEOUT_S}, {@link IdleConnectionGuard}: nothing read or written that long), on a
     * gateway with no outputs for it: a ping the first time; if nothing was read by the next one (no pong, nothing),
     * close 1000 "idle", counted {@code idle} as an ingest connection's. A live page answers the ping (browsers do
     * it themselves), so it stays connected on a quiet gateway; a peer that vanished without a FIN no longer keeps its
     * connection for ever. Before, the event was passed on and nothing closed an idle subscriber. Cold path.
     */
    private void onIdle(final ChannelHandlerContext ctx)
    {
        if (closing)
        {
            ctx.close(); // its close frame did not leave in a whole timeout: ends here, as the ingest side does
            return;
        }
        if (!pinged)
        {
            pinged = true;
            ctx.writeAndFlush(new PingWebSocketFrame());
            return;
        }
        closing = true;
        WebSocketClose.close(ctx.channel(), WebSocketCloseReason.IDLE,
            new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, "idle"), server.counters());
        stop();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event instanceof IdleStateEvent)
        {
            onIdle(ctx);
            return;
        }
        if (event == PartialMessageMeter.OVER_BUDGET)
        {
            WebSocketCloseReason.record(ctx.channel(), WebSocketCloseReason.PARTIAL_MESSAGE_BUDGET);
            ctx.close();
            return;
        }
        if (event == TimedWebSocketFrameDecoder.MESSAGE_TIMEOUT)
        {
            if (!closing)
            {
                closing = true;
                WebSocketClose.close(ctx.channel(), WebSocketCloseReason.MESSAGE_TIMEOUT,
                    TimedWebSocketFrameDecoder.timedOut(server, peer), server.counters());
                stop();
            }
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof CorruptedFrameException)
        {
            // A frame that breaks RFC 6455 (a bad close frame among them), answered with its close code. Counted as the
            // ingest handler counts it; before, as an error. Nothing more is delivered behind that close frame (RFC
            // 6455, 5.5.1): out of its group at once.
            final CorruptedFrameException violation = (CorruptedFrameException)cause;
            if (!closing)
            {
                closing = true;
                WebSocketClose.close(ctx.channel(), WebSocketCloseReason.refusing(violation, server.counters()),
                    TimedWebSocketFrameDecoder.closeFrame(violation), server.counters());
            }
            stop();
            return;
        }
        // Counted and logged by what it is; a reset or a failed network is the client vanishing (peer_gone).
        final OverloadLog log = server.overloadLog();
        if (log.directMemoryExhausted(cause, peer) || !log.connectionFailed(cause, peer))
        {
            WebSocketCloseReason.record(ctx.channel(), WebSocketCloseReason.ERROR);
        }
        ctx.close();
    }
}
