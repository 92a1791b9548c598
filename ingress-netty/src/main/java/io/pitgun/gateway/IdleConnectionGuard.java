package io.pitgun.gateway;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The idle timeout: fires {@link IdleStateEvent#FIRST_ALL_IDLE_STATE_EVENT} (then
 * {@link IdleStateEvent#ALL_IDLE_STATE_EVENT} every timeout while the connection stays open and idle) when the
 * connection has neither read nor written for {@code idleNs}, as {@code new IdleStateHandler(0, 0, idle)} does; the
 * handlers behind it close the connection on that event. Unlike {@link IdleStateHandler}, a write is activity when
 * it is issued, not when it completes: the Netty handler turns every write's void promise into a real one and adds
 * a listener to it, two objects and a notification per answer on the event loop, which the gateway's answer path
 * ({@link HttpExchange#sendAccepted}, written with the void promise) exists to avoid. A write that never completes
 * is the outbound backpressure's business ({@link OutboundBackpressure}), and this guard still closes its connection
 * one timeout after it was issued. One check per connection is scheduled at a time, for the earliest moment the
 * connection can be idle, like {@link SlowRequestGuard}'s; activity only stores a timestamp. On the connection's
 * event loop.
 */
final class IdleConnectionGuard extends ChannelDuplexHandler
{
    private final long idleNs;
    private ChannelHandlerContext context;
    /** The pending check, or null (not started or stopped). */
    private ScheduledFuture<?> timer;
    /** Pre-allocated: a check reschedules itself without allocating a task. */
    private final Runnable check = this::check;
    /** When the connection last finished reading or issued a write. */
    private long lastActivityNs;
    /** True between a read and the end of its batch ({@code channelReadComplete}): never idle meanwhile. */
    private boolean reading;
    /** True until the idle event has fired once since the last activity. */
    private boolean firstEvent = true;
    /** 0 before {@link #start}, 1 started, 2 stopped: started at most once, like {@link IdleStateHandler}. */
    private byte state;

    /** @param idleNs the idle timeout, in nanoseconds (positive). */
    IdleConnectionGuard(final long idleNs)
    {
        if (idleNs <= 0)
        {
            throw new IllegalArgumentException("idle timeout must be positive: " + idleNs + " ns");
        }
        this.idleNs = idleNs;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isActive() && ctx.channel().isRegistered())
        {
            start(ctx);
        }
    }

    @Override
    public void channelRegistered(final ChannelHandlerContext ctx) throws Exception
    {
        if (ctx.channel().isActive())
        {
            start(ctx);
        }
        super.channelRegistered(ctx);
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        start(ctx);
        super.channelActive(ctx);
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

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        reading = true;
        firstEvent = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception
    {
        if (reading)
        {
            lastActivityNs = ctx.executor().ticker().nanoTime();
            reading = false;
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
    {
        lastActivityNs = ctx.executor().ticker().nanoTime();
        firstEvent = true;
        ctx.write(msg, promise);
    }

    private void start(final ChannelHandlerContext ctx)
    {
        if (state != 0)
        {
            return;
        }
        state = 1;
        context = ctx;
        lastActivityNs = ctx.executor().ticker().nanoTime();
        timer = ctx.executor().schedule(check, idleNs, TimeUnit.NANOSECONDS);
    }

    private void stop()
    {
        state = 2;
        if (timer != null)
        {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Fires the idle event if the connection has been idle a whole timeout, else looks again when it can be. */
    private void check()
    {
        if (state != 1 || !context.channel().isOpen())
        {
            return;
        }
        final long leftNs = reading ? idleNs : lastActivityNs + idleNs - context.executor().ticker().nanoTime();
        if (leftNs > 0)
        {
            timer = context.executor().schedule(check, leftNs, TimeUnit.NANOSECONDS);
            return;
        }
        timer = context.executor().schedule(check, idleNs, TimeUnit.NANOSECONDS);
        final IdleStateEvent event = firstEvent ? IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT :
            IdleStateEvent.ALL_IDLE_STATE_EVENT;
        firstEvent = false;
        context.fireUserEventTriggered(event);
    }
}
