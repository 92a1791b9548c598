package io.pitgun.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps open connections in total ({@code MAX_CONNECTIONS}) and per client address
 * ({@code MAX_CONNECTIONS_PER_PEER}). It sits in the listening channel's pipeline, ahead of Netty's acceptor, so a
 * connection over a cap is closed as it is accepted — before it is registered with an I/O loop or gets a pipeline,
 * buffers or a decoder — and counted ({@code connection_limit} / {@code peer_connection_limit}). Without it, idle
 * connections exhaust the file descriptors and {@code /health} itself can no longer connect.
 *
 * <p>Accepts run on the one accept thread; releases run on each connection's I/O loop when it closes, hence the
 * atomic counts. A per-address count is removed when it reaches zero, so the map holds only addresses with open
 * connections (at most {@code MAX_CONNECTIONS} entries).
 */
@ChannelHandler.Sharable
final class ConnectionAdmission extends ChannelInboundHandlerAdapter
{
    private final int maxConnections;
    private final int maxPerPeer;
    private final GatewayCounters counters;
    private final OverloadLog overloadLog;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perPeer = new ConcurrentHashMap<>();
    private boolean peerFull; // accept thread only: the outcome of the last acquirePeer

    ConnectionAdmission(final int maxConnections, final int maxPerPeer, final GatewayCounters counters,
        final OverloadLog overloadLog)
    {
        this.maxConnections = maxConnections;
        this.maxPerPeer = maxPerPeer;
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
            overloadLog.warn(refusal, "refused a connection from " + peer + " (" + open.get() + " open, at most " +
                maxConnections + " in total and " + maxPerPeer + " per address)");
            child.unsafe().closeForcibly();
            return;
        }
        child.closeFuture().addListener(f -> release(peer));
        ctx.fireChannelRead(child);
    }

    /** Client addresses with open connections now (the map holds no others). */
    int peers()
    {
        return perPeer.size();
    }

    /** Open connections now (admitted, not yet closed). */
    int open()
    {
        return open.get();
    }

    /** Takes a place for a connection from {@code peer} (accept thread); the refusal reason, or null if admitted. */
    RejectReason tryAcquire(final InetAddress peer)
    {
        if (open.incrementAndGet() > maxConnections)
        {
            open.decrementAndGet();
            return RejectReason.CONNECTION_LIMIT;
        }
        peerFull = false;
        if (peer != null)
        {
            perPeer.compute(peer, this::acquirePeer);
        }
        if (peerFull)
        {
            open.decrementAndGet();
            return RejectReason.PEER_CONNECTION_LIMIT;
        }
        return null;
    }

    // Runs under the map's lock for that address, as does the release: an entry is removed exactly when its count
    // reaches zero, and a count is never raised on an entry that was already removed.
    private AtomicInteger acquirePeer(final InetAddress peer, final AtomicInteger count)
    {
        if (count == null)
        {
            return new AtomicInteger(1);
        }
        if (count.get() >= maxPerPeer)
        {
            peerFull = true;
            return count;
        }
        count.incrementAndGet();
        return count;
    }

    /** Gives back the place of a connection from {@code peer} that closed (any thread). */
    void release(final InetAddress peer)
    {
        open.decrementAndGet();
        if (peer != null)
        {
            perPeer.computeIfPresent(peer, (p, count) -> count.decrementAndGet() == 0 ? null : count);
        }
    }
}
