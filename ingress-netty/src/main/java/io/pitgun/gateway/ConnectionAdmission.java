package io.pitgun.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Caps open connections in total ({@code MAX_CONNECTIONS}) and per client address
 * ({@code MAX_CONNECTIONS_PER_PEER}). It sits in the listening channel's pipeline, ahead of Netty's acceptor, so a
 * connection over a cap is closed as it is accepted — before it is registered with an I/O loop or gets a pipeline,
 * buffers or a decoder — and counted ({@code connection_limit} / {@code peer_connection_limit}). Without it, idle
 * connections exhaust the file descriptors and {@code /health} itself can no longer connect — as long as the
 * process's file-descriptor limit is above {@code MAX_CONNECTIONS} and what the gateway holds besides
 * ({@link #fdLimitWarning}, logged at start when it is not).
 *
 * <p>A failed accept (the file-descriptor limit reached all the same, or another error of the listening socket) is
 * handled here: counted ({@code accept_fd_limit} / {@code accept_failed}), logged at the overload log's rate, noted
 * for {@code /health}, and accepting paused for {@value #ACCEPT_PAUSE_MS} ms. Before, it went on to Netty's acceptor,
 * which paused as long but passed it to the pipeline's tail: two WARN lines a second with a stack trace, counted
 * nowhere, {@code /health} ok while new clients waited in the backlog.
 *
 * <p>Accepts run on the one accept thread; releases run on each connection's I/O loop when it closes
 * ({@link PeerCountLimiter} keeps the counts).
 */
@ChannelHandler.Sharable
final class ConnectionAdmission extends ChannelInboundHandlerAdapter
{
    /**
     * How long accepting pauses after a failed accept: as Netty's acceptor does, so that a listening socket that stays
     * readable (clients waiting in the backlog) while no descriptor is free does not spin the accept thread.
     */
    static final long ACCEPT_PAUSE_MS = 1_000;
    /**
     * How long after its last failed accept {@code /health} reports {@code accept_failing}: several pauses, so that
     * it holds steadily while accepts keep failing (one attempt a pause) and clears once they have stopped.
     */
    static final long ACCEPT_FAILING_HEALTH_MS = 10_000;
    /**
     * Descriptors the gateway may need besides connections and what it holds at start: journal segments it rolls
     * to, index files, a sink's files and sockets, the run-registry and shipping sockets.
     */
    static final long FD_SPARE = 64;
    private static final long NEVER = Long.MIN_VALUE;

    private final PeerCountLimiter limiter;
    private final GatewayCounters counters;
    private final OverloadLog overloadLog;
    /** When an accept last failed (System.nanoTime), or {@link #NEVER}: written on the accept thread, read by /health. */
    private volatile long lastAcceptFailureNs = NEVER;

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

    /**
     * A failed accept of the listening socket (Netty passes the error of {@code accept(2)} down its pipeline): counted
     * by reason, logged at the overload log's rate, and accepting paused. Not passed on: the acceptor's and the
     * tail's handling of it is what this replaces.
     */
    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        lastAcceptFailureNs = System.nanoTime();
        final RejectReason reason = isFdLimit(cause) ? RejectReason.ACCEPT_FD_LIMIT : RejectReason.ACCEPT_FAILED;
        counters.rejected(reason);
        overloadLog.warn(reason, "could not accept a connection (" + cause + "); " + (reason ==
            RejectReason.ACCEPT_FD_LIMIT ? "the process is at its file-descriptor limit (ulimit -n) with " +
            limiter.held() + " connection(s) open, MAX_CONNECTIONS " + limiter.maxTotal() + ": raise the limit " +
            "or lower MAX_CONNECTIONS; " : "") + "new clients wait in the backlog; accepting again in " +
            ACCEPT_PAUSE_MS + " ms");
        final Channel server = ctx.channel();
        if (server.config().isAutoRead())
        {
            server.config().setAutoRead(false);
            server.eventLoop().schedule(() -> server.config().setAutoRead(true), ACCEPT_PAUSE_MS,
                TimeUnit.MILLISECONDS);
        }
    }

    /** Whether an accept failed within the last {@link #ACCEPT_FAILING_HEALTH_MS} ms (for {@code /health}). */
    boolean acceptFailedRecently(final long nowNs)
    {
        final long last = lastAcceptFailureNs;
        return last != NEVER && nowNs - last < TimeUnit.MILLISECONDS.toNanos(ACCEPT_FAILING_HEALTH_MS);
    }

    /** EMFILE or ENFILE: both say "Too many open files" (in system), from epoll's native error and from NIO alike. */
    private static boolean isFdLimit(final Throwable cause)
    {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("too many open files"))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The warning to log at start when {@code maxConnections} connections, the {@code openNow} descriptors the
     * process holds and {@value #FD_SPARE} spare ones do not fit in its file-descriptor limit {@code fdLimit}; null
     * when they fit or the limit is unknown (negative). Past the limit a connection is not refused and counted at
     * {@code MAX_CONNECTIONS} but left unaccepted in the backlog.
     */
    static String fdLimitWarning(final int maxConnections, final long openNow, final long fdLimit)
    {
        final long needed = maxConnections + openNow + FD_SPARE;
        if (fdLimit < 0 || needed <= fdLimit)
        {
            return null;
        }
        return "the process's file-descriptor limit (RLIMIT_NOFILE, ulimit -n) is " + fdLimit + ", below the " +
            needed + " that " + GatewaySetting.MAX_CONNECTIONS.label() + " (" + maxConnections + ") needs with the " +
            openNow + " descriptors open now and " + FD_SPARE + " spare: new connections will fail to be accepted " +
            "(counted as accept_fd_limit, /health degraded) before the cap refuses any; raise the limit to at least " +
            needed + " or set " + GatewaySetting.MAX_CONNECTIONS.envName() + " to at most " +
            Math.max(0, fdLimit - openNow - FD_SPARE);
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
