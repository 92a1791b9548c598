package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;


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
 * <p>The share is given back when a message completes, including bytes of a next message already read in the same
 * read: the meter undercounts by at most one read, never holds a share for ever. WebSocket control frames do not
 * give the share back (they may be sent between the fragments of a message).
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

    PartialMessageMeter(final SharedCounter total, final long budgetBytes, final GatewayCounters counters)
    {
        this.total = total;
        this.budgetBytes = budgetBytes;
        this.counters = counters;
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
            if (total.addAndGet(bytes) > budgetBytes)
            {
                total.addAndGet(-bytes);
                ReferenceCountUtil.release(msg);
                refused = true;
                ctx.channel().config().setAutoRead(false);
                counters.rejected(RejectReason.PARTIAL_MESSAGE_BUDGET);
                ctx.fireUserEventTriggered(OVER_BUDGET);
                return;
            }
            heldBytes += bytes;
        }
        ctx.fireChannelRead(msg);
    }

    /** A whole message arrived: its bytes are no longer held by this meter's account. */
    void messageComplete()
    {
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
