package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Slow-loris defence: a request must arrive completely within the read timeout of its first byte. The first
 * bytes of a request note the time and make sure a check is scheduled; {@link #requestComplete} (called when the
 * whole request is decoded) ends the request. The check, when it runs, answers the request under way 408 and closes
 * the connection if it is overdue, else schedules itself again for that request's deadline. So a connection has at
 * most one check pending, and a keep-alive connection's requests do not each schedule and cancel a timer (a cost per
 * request on the event loop). An idle keep-alive connection (no request under way) is the idle timeout's business,
 * not this guard's. On the connection's event loop.
 */
final class SlowRequestGuard extends ChannelDuplexHandler
{
    private final long timeoutNs;
    private final Runnable onTimeout;
    /** The pending check, or null. */
    private ScheduledFuture<?> timer;
    private boolean inRequest;
    private long requestStartNs;

    SlowRequestGuard(final long timeoutNs, final Runnable onTimeout)
    {
        this.timeoutNs = timeoutNs;
        this.onTimeout = onTimeout;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (!inRequest && msg instanceof ByteBuf && ((ByteBuf)msg).isReadable())
        {
            inRequest = true;
            requestStartNs = ctx.executor().ticker().nanoTime();
            if (timer == null)
            {
                schedule(ctx, timeoutNs);
            }
        }
        super.channelRead(ctx, msg);
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
        onTimeout.run();
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
