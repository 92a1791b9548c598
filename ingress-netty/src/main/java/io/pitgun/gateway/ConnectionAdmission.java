package io.pitgun.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Caps open connections in total ({@code MAX_CONNECTIONS}) and per client address
 * ({@code MAX_CONNECTIONS_PER_PEER}). It sits in the listening channel's pipeline, ahead of Netty's acceptor, so a
 * connection over a cap is closed as it is accepted — before it is registered with an I/O loop or gets a pipeline,
 * buffers or a decoder — and counted ({@code connection_limit} / {@code peer_connection_limit}). Without it, idle
 * connections exhaust the file descriptors and {@code /health} itself can no longer connect.
 *
 * <p>Accepts run on the one accept thread; releases run on each connection's I/O loop when it closes
 * ({@link PeerCountLimiter} keeps the counts).
 */
@ChannelHandler.Sharable
final class ConnectionAdmission extends ChannelInboundHandlerAdapter
{
    private final PeerCountLimiter limiter;
    private final GatewayCounters counters;
    private final OverloadLog overloadLog;

    ConnectionAdmission(final int maxConnections, final int maxPerPeer, final GatewayCounters counters,
        final OverloadLog overloadLog)
    {
        this.limiter = new PeerCountLimiter(maxConnections, maxPerPeer);
        this.counters = counters;
        this.overloadLog = overloadLog;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final Channel child = (Channel)msg;
        final InetSocketAddress remote = (InetSocketAddress)child.remoteAddress();
        final InetAddress peer = remote == null ? null : remote.getAddress();
        final RejectReason refusal = tryAcquire(peer);
        if (refusal != null)
        {
            counters.rejected(refusal);
            overloadLog.warn(refusal, "refused a connection from " + peer + " (" + limiter.held() + " open, at most " +
                limiter.maxTotal() + " in total and " + limiter.maxPerPeer() + " per address)");
            child.unsafe().closeForcibly();
            return;
        }
        child.closeFuture().addListener(f -> release(peer));
        ctx.fireChannelRead(child);
    }

    /** Client addresses with open connections now (the map holds no others). */
    int peers()
    {
        return limiter.peers();
    }

    /** Open connections now (admitted, not yet closed). */
    int open()
    {
        return limiter.held();
    }

    /** Takes a place for a connection from {@code peer} (accept thread); the refusal reason, or null if admitted. */
    RejectReason tryAcquire(final InetAddress peer)
    {
        final PeerCountLimiter.Refusal refusal = limiter.tryAcquire(peer);
        if (refusal == null)
        {
            return null;
        }
        return refusal == PeerCountLimiter.Refusal.TOTAL ? RejectReason.CONNECTION_LIMIT :
            RejectReason.PEER_CONNECTION_LIMIT;
    }

    /** Gives back the place of a connection from {@code peer} that closed (any thread). */
    void release(final InetAddress peer)
    {
        limiter.release(peer);
    }
}
