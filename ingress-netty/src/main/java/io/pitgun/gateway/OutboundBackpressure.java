package io.pitgun.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Keeps a client that does not read its answers from growing the gateway's memory. First in every connection's
 * pipeline, it sees every encoded write:
 * <ul>
 *   <li>when the connection's unsent bytes pass the write-buffer high-water mark ({@code OUTBOUND_HIGH_WATER_BYTES},
 *   set on the bootstrap, so {@link Channel#isWritable()} turns false) it stops reading from the connection
 *   ({@code AUTO_READ} off, counted as a pause) — no new requests, so no new answers — and starts reading again once
 *   Netty reports it writable (below half the mark);</li>
 *   <li>a connection still unwritable after {@code SLOW_CONSUMER_TIMEOUT_MS}, or whose unsent bytes pass
 *   {@code OUTBOUND_LIMIT_BYTES} (answers to what was already read when it paused), is closed and counted as
 *   {@code slow_consumer}.</li>
 *   <li>while the JVM's direct memory is nearly all taken ({@link DirectMemoryPressure}), a connection written to
 *   while it holds more than {@value #STALLED_BYTES} bytes unsent is closed at once and counted as
 *   {@code slow_consumer}, before the write can fail to allocate: connections each under their own bounds can add
 *   up, within one tick of a loop, to more than the JVM has (hundreds of live subscribers, each allowed a megabyte
 *   behind), faster than the {@link OutboundMemoryGuard} looks. Clients that read keep the gateway far from it.</li>
 * </ul>
 * So a connection's outbound memory is bounded by the limit (a live subscriber's by its own mark,
 * {@link #boundElsewhere}); all connections' are bounded by the total limit
 * ({@link OutboundMemoryGuard}) and, between its sums, by what direct memory is left. One per connection, on its
 * event loop.
 */
final class OutboundBackpressure extends ChannelDuplexHandler
{
    /**
     * Unsent bytes (written, flushed or not yet) above which a connection is closed when direct memory is tight:
     * one large answer, or a few ticks of a live subscriber's outputs; a connection with less frees too little.
     */
    static final long STALLED_BYTES = 64 * 1024;

    /** Marks a connection whose unsent bytes another handler bounds ({@link #boundElsewhere}). */
    private static final AttributeKey<Boolean> BOUND_ELSEWHERE = AttributeKey.valueOf("pitgun.outbound-bound-elsewhere");

    private final long limitBytes;
    private final DirectMemoryPressure directMemory;
    private final long timeoutNs;
    private final GatewayCounters counters;
    private final OverloadLog overloadLog;
    private ScheduledFuture<?> slowTimer;
    private boolean paused;
    private boolean closing;

    OutboundBackpressure(final long limitBytes, final DirectMemoryPressure directMemory, final long timeoutNs,
        final GatewayCounters counters, final OverloadLog overloadLog)
    {
        this.limitBytes = limitBytes;
        this.directMemory = directMemory;
        this.timeoutNs = timeoutNs;
        this.counters = counters;
        this.overloadLog = overloadLog;
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
    {
        final Channel channel = ctx.channel();
        // Unsent before this write: the limit bounds what piles up behind a client that does not read, not the size
        // of one answer. Before, an answer larger than OUTBOUND_LIMIT_BYTES (GET /metrics under the least limit,
        // 2048) closed the connection that asked for it, answer unsent.
        final long before = pendingBytes(channel);
        ctx.write(msg, promise);
        if (closing)
        {
            return;
        }
        final long pending = pendingBytes(channel);
        if (pending > STALLED_BYTES && directMemory.isTight())
        {
            slowConsumer(ctx, "the JVM's direct memory is nearly all taken (" + directMemory.usedBytes() +
                " bytes) while it held " + pending + " unsent");
            return;
        }
        if (!channel.isWritable())
        {
            if (channel.hasAttr(BOUND_ELSEWHERE))
            {
                return;
            }
            // At once, not when the writability event arrives: that is fired later, and the read loop under way
            // would go on reading requests (and queueing answers) until then.
            pause(ctx);
            if (before > limitBytes)
            {
                slowConsumer(ctx, "its unsent answers passed " + limitBytes + " bytes");
            }
        }
    }

    /**
     * Leaves {@code channel}'s unsent bytes to the handler that writes them (a live subscriber: its group closes it
     * 1008 {@code slow_subscriber}, saying why, once it is past its own mark, {@code SUBSCRIBER_BUFFER_BYTES}): no
     * pause, no {@code OUTBOUND_LIMIT_BYTES} or timeout close here. Before, with {@code SUBSCRIBER_BUFFER_BYTES} over
     * {@code OUTBOUND_LIMIT_BYTES}, this handler closed a lagging subscriber first: a TCP close without a close
     * frame, counted {@code slow_consumer}, so the live page could not say why. The direct-memory rule and the total
     * limit ({@link OutboundMemoryGuard}) still apply. On the channel's loop.
     */
    static void boundElsewhere(final Channel channel)
    {
        channel.attr(BOUND_ELSEWHERE).set(Boolean.TRUE);
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) throws Exception
    {
        if (ctx.channel().isWritable())
        {
            resume(ctx);
        }
        else
        {
            pause(ctx);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void close(final ChannelHandlerContext ctx, final ChannelPromise promise) throws Exception
    {
        // A connection being closed turns unwritable as it goes (its outbound buffer is dropped): that is not a
        // client that stopped reading. Before, every WebSocket protocol-error close (Netty's decoder writes the
        // close frame, then closes) counted a pause.
        closing = true;
        endPause();
        super.close(ctx, promise);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        closing = true;
        endPause();
        super.channelInactive(ctx);
    }

    private void pause(final ChannelHandlerContext ctx)
    {
        if (paused || closing || !ctx.channel().isActive() || outputShut(ctx.channel()) ||
            ctx.channel().hasAttr(BOUND_ELSEWHERE))
        {
            return; // closing, its output shut (LingeringClose), or bounded by its own writer: nothing to hold back
        }
        paused = true;
        ctx.channel().config().setAutoRead(false);
        counters.connectionsPaused.increment();
        counters.pausedConnections.incrementAndGet();
        slowTimer = ctx.executor().schedule(() ->
            slowConsumer(ctx, "it took no answers for " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms"),
            timeoutNs, TimeUnit.NANOSECONDS);
    }

    private void resume(final ChannelHandlerContext ctx)
    {
        if (!paused || closing)
        {
            return;
        }
        endPause();
        ctx.channel().config().setAutoRead(true);
    }

    private void endPause()
    {
        if (paused)
        {
            paused = false;
            counters.pausedConnections.decrementAndGet();
        }
        if (slowTimer != null)
        {
            slowTimer.cancel(false);
            slowTimer = null;
        }
    }

    private void slowConsumer(final ChannelHandlerContext ctx, final String why)
    {
        if (closing)
        {
            return;
        }
        closing = true;
        endPause();
        // Counted once: the total's guard may have closed it already, its close not yet run on this loop.
        if (OutboundMemoryGuard.claimClose(ctx.channel()))
        {
            counters.rejected(RejectReason.SLOW_CONSUMER);
            // A WebSocket's close is counted by this reason (it ends without a close frame, as a vanished peer's).
            WebSocketCloseReason.record(ctx.channel(), WebSocketCloseReason.SLOW_CONSUMER);
            overloadLog.warn(RejectReason.SLOW_CONSUMER, "closed connection " + ctx.channel().remoteAddress() +
                ": " + why);
        }
        // No close handshake: the peer is not reading, so it would sit behind everything else unsent.
        ctx.channel().close();
    }

    private static boolean outputShut(final Channel channel)
    {
        return channel instanceof DuplexChannel && ((DuplexChannel)channel).isOutputShutdown();
    }

    private static long pendingBytes(final Channel channel)
    {
        final ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
}
