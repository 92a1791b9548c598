package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.function.LongSupplier;

/**
 * Bounds the bytes held for unfinished messages across all connections ({@code PARTIAL_MESSAGE_BUDGET_BYTES}).
 * Each connection's aggregators already bound one message ({@code MAX_BODY_BYTES}, {@code MAX_WS_FRAME_BYTES}),
 * but many connections each holding an almost complete message (a fragmented WebSocket message without its final
 * fragment, a frame or body that stops short) add up: 400 of 1 MiB held 402 MiB. First in the inbound path, this
 * meter adds every byte read to the connection's share and to the shared total; the handler that receives a
 * complete message calls {@link #messageComplete()}, which gives the share back. A read that would take the total
 * past the budget is dropped, reading stops and {@link #OVER_BUDGET} is fired so that the protocol handler can
 * refuse in its own terms (HTTP 503, WebSocket close 1008) and close; the refusal is counted as
 * {@code partial_message_budget}.
 *
 * <p>The share is given back when a message completes. What a read that completed a message left held of the next
 * one (its first bytes, sent with the end of the previous request) is then counted again as the decoder says it
 * holds it ({@link #watch}: the buffer holding its unread bytes, the body bytes passed on), and refused like a read
 * when it would pass the budget. Before, it was given back with the message before it: a connection holding the
 * first byte of a next request after a large body pinned a 64 KiB read buffer, uncounted (200 such held 13 MB with
 * this gauge at 0). A WebSocket ping or pong gives the share back only between messages, not between the fragments
 * of one (its handler asks the frame decoder, {@link TimedWebSocketFrameDecoder#messageUnderWay}).
 *
 * <p>A message that alone would pass the budget can never be taken, however long it waits: it is refused as too
 * large ({@code body_too_large}, {@link #refusedAlone()}) rather than as the budget's to retry.
 */
final class PartialMessageMeter extends ChannelInboundHandlerAdapter
{
    /** Fired when a read would pass the budget. */
    static final Object OVER_BUDGET = new Object()
    {
        @Override
        public String toString()
        {
            return "PartialMessageMeter.OVER_BUDGET";
        }
    };

    private final SharedCounter total;
    private final long budgetBytes;
    private final GatewayCounters counters;
    private long heldBytes;
    private boolean refused;
    private boolean refusedAlone;
    /** What the HTTP decoder holds of a request under way, or null. */
    private LongSupplier heldBelow;
    /** A message completed during the read being passed on. */
    private boolean completedInRead;

    PartialMessageMeter(final SharedCounter total, final long budgetBytes, final GatewayCounters counters)
    {
        this.total = total;
        this.budgetBytes = budgetBytes;
        this.counters = counters;
    }

    /** What {@code heldBelow} says is held below this meter after a read that completed a message is counted. */
    void watch(final LongSupplier heldBelow)
    {
        this.heldBelow = heldBelow;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (msg instanceof ByteBuf)
        {
            if (refused)
            {
                ReferenceCountUtil.release(msg);
                return;
            }
            final int bytes = ((ByteBuf)msg).readableBytes();
            if (!take(bytes))
            {
                ReferenceCountUtil.release(msg);
                refuse(ctx);
                return;
            }
            completedInRead = false;
            ctx.fireChannelRead(msg);
            if (completedInRead && heldBelow != null && !refused)
            {
                completedInRead = false;
                final long held = heldBelow.getAsLong();
                if (held > 0 && !take(held))
                {
                    refuse(ctx);
                }
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private boolean take(final long bytes)
    {
        if (total.addAndGet(bytes) > budgetBytes)
        {
            total.addAndGet(-bytes);
            refusedAlone = heldBytes + bytes > budgetBytes;
            return false;
        }
        heldBytes += bytes;
        return true;
    }

    private void refuse(final ChannelHandlerContext ctx)
    {
        refused = true;
        ctx.channel().config().setAutoRead(false);
        counters.rejected(refusedAlone ? RejectReason.BODY_TOO_LARGE : RejectReason.PARTIAL_MESSAGE_BUDGET);
        ctx.fireUserEventTriggered(OVER_BUDGET);
    }

    /**
     * The refusal ({@link #OVER_BUDGET}) was of a message that alone would pass the budget: it can never be taken
     * (counted as {@code body_too_large}, not {@code partial_message_budget}).
     */
    boolean refusedAlone()
    {
        return refusedAlone;
    }

    /** The budget: no message larger can be taken. */
    long budgetBytes()
    {
        return budgetBytes;
    }

    /** A whole message arrived: its bytes are no longer held by this meter's account. */
    void messageComplete()
    {
        completedInRead = true;
        if (heldBytes > 0)
        {
            total.addAndGet(-heldBytes);
            heldBytes = 0;
        }
    }

    /** This connection's share now. */
    long heldBytes()
    {
        return heldBytes;
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        messageComplete();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        messageComplete();
    }
}
