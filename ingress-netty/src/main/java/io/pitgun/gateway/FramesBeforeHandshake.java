package io.pitgun.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * Holds the WebSocket frames a connection receives before the handshake's 101 is written, then passes them on in
 * order and leaves the pipeline ({@link #handOver}). They come when a client sends frames behind its upgrade request
 * (RFC 6455 asks it to wait; some do not), or behind an upgrade pipelined after another request. Netty's handshake
 * hands the bytes held after the request to the frame decoder before it puts the frame encoder in place and writes
 * the 101, so whatever the WebSocket handler wrote for them then (an ack, a pong) met no encoder and was dropped
 * without a word: one ack in ten on the 2-core VM when the journal was quick. A frame there that breaks RFC 6455
 * waits here too, in its place behind the frames before it ({@link #exceptionCaught}), so that its close frame
 * follows the 101: before, the connection closed without the 101, without a close frame, counted only as a
 * connection error. Placed between the frame decoder and
 * the connection's WebSocket handler by {@link WebSocketUpgrade}. Bounded by what one read held after the request
 * (the request decoder stops reading while it holds them). On the connection's event loop.
 */
final class FramesBeforeHandshake extends ChannelInboundHandlerAdapter
{
    /** Frames, and the decoder's violation (a {@link Throwable}) behind them, in the order they came. */
    private final ArrayDeque<Object> frames = new ArrayDeque<>(2);
    private ChannelHandlerContext context;

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        context = ctx;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object frame)
    {
        frames.add(frame); // owned here until handed on (or released with this handler)
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        frames.add(cause); // the frame decoder's violation: answered by the handler once the 101 is written
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        // Nothing was passed on: the handlers after this one have no read to complete.
    }

    /** The 101 is written and the frame encoder in place: passes the frames held on, in order, and leaves. */
    void handOver()
    {
        final ChannelHandlerContext ctx = context;
        if (ctx == null || ctx.isRemoved())
        {
            return;
        }
        final boolean any = !frames.isEmpty();
        Object frame;
        while ((frame = frames.poll()) != null)
        {
            if (frame instanceof Throwable)
            {
                ctx.fireExceptionCaught((Throwable)frame);
            }
            else
            {
                ctx.fireChannelRead(frame);
            }
        }
        if (any)
        {
            ctx.fireChannelReadComplete();
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        Object frame;
        while ((frame = frames.poll()) != null)
        {
            ReferenceCountUtil.release(frame); // the connection ended before the 101 was written (a violation: no-op)
        }
    }
}
