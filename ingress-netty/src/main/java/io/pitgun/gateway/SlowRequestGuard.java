package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Slow-loris defence: a request must arrive completely within the read timeout of its first byte, and a
 * connection's first request within the read timeout of the connection (of its TLS handshake's end, with TLS). The
 * first bytes of a request (and the connection itself) note the time and make sure a check is scheduled;
 * {@link #requestComplete} (called when the whole request is decoded) ends the request. The check, when it runs,
 * answers the request under way 408 and closes the connection if it is overdue ({@code onTimeout}), or closes a
 * connection that never sent a byte ({@code onSilent}: no answer, as to a browser's unused pre-connection), else
 * schedules itself again for that deadline. So a connection has at most one check pending, and a keep-alive connection's requests do not each
 * schedule and cancel a timer (a cost per request on the event loop). An idle keep-alive connection (no request under
 * way) is the idle timeout's business, not this guard's; a connection that never sends anything is this guard's,
 * since it holds a place under the connection caps (before, only the idle timeout closed it: silent connections
 * from several addresses kept every other client out for a minute).
 *
 * <p>Knowing when a request is under way, it also tells when the client ends the connection in the middle of one
 * (its head or its body; a FIN, or a reset): {@link #CLIENT_CLOSED_MID_REQUEST} is fired as the connection goes
 * inactive, unless the gateway itself was ending it (a close through the pipeline, as every close the gateway
 * decides on is, or {@link #gatewayEnds}). An expected event, which the HTTP handler counts and logs at a bounded
 * rate; before, the aggregator's {@code PrematureChannelClosureException} reached the handler as an unexpected
 * exception, and every such connection logged a warning with a stack trace.
 *
 * <p>A read that completes one request may also bring the first bytes of the next (a client that sends them
 * together, as pipelining does): after a read in which a request completed, the decoder is asked whether a request is
 * still under way ({@code requestUnderWay}), and if so that request is timed from this read, its first byte's. Before,
 * it was timed from nothing: {@code GET /health} and the {@code G} of the next request in one send held a partial
 * request until the idle timeout, and a client completing it and sending the next {@code G} every 45 s held one for
 * ever. On the connection's event loop.
 */
final class SlowRequestGuard extends ChannelDuplexHandler
{
    /** Fired (inbound, as the connection goes inactive) when the client ended it with a request under way. */
    static final Object CLIENT_CLOSED_MID_REQUEST = new Object()
    {
        @Override
        public String toString()
        {
            return "SlowRequestGuard.CLIENT_CLOSED_MID_REQUEST";
        }
    };

    private final long timeoutNs;
    private final Runnable onTimeout;
    private final Runnable onSilent;
    private final boolean afterTlsHandshake;
    private final BooleanSupplier requestUnderWay;
    /** The pending check, or null. */
    private ScheduledFuture<?> timer;
    private boolean inRequest;
    /** No byte has arrived on the connection yet. */
    private boolean silent = true;
    private long requestStartNs;
    /** The gateway is ending the connection (a close passed through here, or it said so): not the client's doing. */
    private boolean gatewayEnds;
    /** The client reset the connection (a read failed): its doing, whoever closes the channel then. */
    private boolean peerGone;

    /**
     * @param afterTlsHandshake the connection is TLS: its first request is waited for from the end of its handshake
     *                          (which has a timeout of its own, {@code TLS_HANDSHAKE_TIMEOUT_MS}), not from its accept.
     * @param requestUnderWay   whether the decoder behind holds a request begun and not complete (asked after a read
     *                          in which a request completed).
     */
    SlowRequestGuard(final long timeoutNs, final Runnable onTimeout, final Runnable onSilent,
        final boolean afterTlsHandshake, final BooleanSupplier requestUnderWay)
    {
        this.timeoutNs = timeoutNs;
        this.onTimeout = onTimeout;
        this.onSilent = onSilent;
        this.afterTlsHandshake = afterTlsHandshake;
        this.requestUnderWay = requestUnderWay;
    }

    SlowRequestGuard(final long timeoutNs, final Runnable onTimeout, final Runnable onSilent,
        final boolean afterTlsHandshake)
    {
        this(timeoutNs, onTimeout, onSilent, afterTlsHandshake, () -> false);
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        if (!afterTlsHandshake && ctx.channel().isActive())
        {
            begin(ctx); // added to a connection already open: it waits for its first request from now
        }
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        if (!afterTlsHandshake)
        {
            begin(ctx);
        }
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (afterTlsHandshake && event instanceof SslHandshakeCompletionEvent completion && completion.isSuccess())
        {
            begin(ctx);
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (msg instanceof ByteBuf && ((ByteBuf)msg).isReadable())
        {
            silent = false;
            begin(ctx);
            super.channelRead(ctx, msg);
            // A request completed in this read (nothing else ends one): the next one may have begun in it too.
            if (!inRequest && !ctx.isRemoved() && ctx.channel().isActive() && requestUnderWay.getAsBoolean())
            {
                begin(ctx);
            }
            return;
        }
        super.channelRead(ctx, msg);
    }

    /** A request begins (or the connection, whose first request it waits for), unless one is under way. */
    private void begin(final ChannelHandlerContext ctx)
    {
        if (!inRequest)
        {
            inRequest = true;
            requestStartNs = ctx.executor().ticker().nanoTime();
            if (timer == null)
            {
                schedule(ctx, timeoutNs);
            }
        }
    }

    private void schedule(final ChannelHandlerContext ctx, final long delayNs)
    {
        timer = ctx.executor().schedule(() -> check(ctx), delayNs, TimeUnit.NANOSECONDS);
    }

    private void check(final ChannelHandlerContext ctx)
    {
        timer = null;
        if (!inRequest || !ctx.channel().isActive())
        {
            return;
        }
        final long leftNs = requestStartNs + timeoutNs - ctx.executor().ticker().nanoTime();
        if (leftNs > 0)
        {
            schedule(ctx, leftNs);
            return;
        }
        gatewayEnds = true;
        (silent ? onSilent : onTimeout).run();
    }

    /** Whether a request's first bytes have come and not yet all of it (not a connection waiting for its next). */
    boolean requestUnderWay()
    {
        return inRequest && !silent;
    }

    /** The request under way has arrived completely. */
    void requestComplete()
    {
        inRequest = false;
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        stop();
    }

    /**
     * The gateway ends the connection some other way than a close through the pipeline (a lingering close, which
     * shuts its side and reads on): the client's close that follows is not counted as the client's.
     */
    void gatewayEnds()
    {
        gatewayEnds = true;
    }

    @Override
    public void close(final ChannelHandlerContext ctx, final ChannelPromise promise) throws Exception
    {
        // Every close the gateway decides on passes here (channel.close() or a handler's ctx.close() behind this
        // one); the client's FIN or a failed read closes the channel from below, without passing.
        gatewayEnds = true;
        super.close(ctx, promise);
    }

    @Override
    public void disconnect(final ChannelHandlerContext ctx, final ChannelPromise promise) throws Exception
    {
        gatewayEnds = true;
        super.disconnect(ctx, promise);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) throws Exception
    {
        if (cause instanceof IOException)
        {
            peerGone = true; // a read failed (reset by the peer): the handler closes the channel, the client ended it
        }
        super.exceptionCaught(ctx, cause);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        // silent: nothing ever arrived, no request (a browser's unused pre-connection); inRequest: its bytes came,
        // not all of them.
        final boolean clientClosedMidRequest = inRequest && !silent && (peerGone || !gatewayEnds);
        stop();
        if (clientClosedMidRequest)
        {
            ctx.fireUserEventTriggered(CLIENT_CLOSED_MID_REQUEST);
        }
        super.channelInactive(ctx);
    }

    private void stop()
    {
        inRequest = false;
        if (timer != null)
        {
            timer.cancel(false);
            timer = null;
        }
    }
}
