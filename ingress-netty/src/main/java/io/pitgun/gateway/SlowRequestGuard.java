package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Slow-loris defence: a request must arrive completely within the read timeout of its first byte. The first
 * bytes of a request arm a timer; {@link #requestComplete} (called when the whole request is decoded) disarms it.
 * When it fires the connection gets a 408 answer and is closed. An idle keep-alive connection (no request under
 * way) is the idle timeout's business, not this guard's.
 */
final class SlowRequestGuard extends ChannelDuplexHandler
{
    private final long timeoutNs;
    private final Runnable onTimeout;
    private ScheduledFuture<?> timer;
    private boolean inRequest;

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
            timer = ctx.executor().schedule(() ->
            {
                if (inRequest && ctx.channel().isActive())
                {
                    onTimeout.run();
                }
            }, timeoutNs, TimeUnit.NANOSECONDS);
        }
        super.channelRead(ctx, msg);
    }

    /** The request under way has arrived completely. */
    void requestComplete()
    {
        inRequest = false;
        if (timer != null)
        {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        requestComplete();
        super.channelInactive(ctx);
    }
}
