package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

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
 * from several addresses kept every other client out for a minute). On the connection's event loop.
 */
final class SlowRequestGuard extends ChannelDuplexHandler
{
    private final long timeoutNs;
    private final Runnable onTimeout;
    private final Runnable onSilent;
    private final boolean afterTlsHandshake;
    /** The pending check, or null. */
    private ScheduledFuture<?> timer;
    private boolean inRequest;
    /** No byte has arrived on the connection yet. */
    private boolean silent = true;
    private long requestStartNs;

    /**
     * @param afterTlsHandshake the connection is TLS: its first request is waited for from the end of its handshake
     *                          (which has a timeout of its own, {@code TLS_HANDSHAKE_TIMEOUT_MS}), not from its accept.
     */
    SlowRequestGuard(final long timeoutNs, final Runnable onTimeout, final Runnable onSilent,
        final boolean afterTlsHandshake)
    {
        this.timeoutNs = timeoutNs;
        this.onTimeout = onTimeout;
        this.onSilent = onSilent;
        this.afterTlsHandshake = afterTlsHandshake;
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
        (silent ? onSilent : onTimeout).run();
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

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        stop();
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
