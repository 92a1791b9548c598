package io.pitgun.gateway;

import java.net.InetAddress;

/**
 * Caps TLS handshakes in progress, in total ({@code TLS_MAX_HANDSHAKES}) and per client address
 * ({@code TLS_MAX_HANDSHAKES_PER_PEER}). A handshake is in progress from the connection's accept until it completes,
 * fails, times out ({@code TLS_HANDSHAKE_TIMEOUT_MS}) or the connection closes; its place is given back then
 * ({@link TlsHandshakeMeter}). Handshakes run on the I/O loops that also carry ingest, and each costs a key exchange
 * and a signature: the caps bound that work and the connections that hold a place without ever finishing (a client
 * that connects and sends no ClientHello), so one address cannot keep the others from handshaking. A connection over
 * a cap is closed before its handshake starts and counted ({@code tls_handshake_limit},
 * {@code tls_peer_handshake_limit}); the client may try again.
 */
final class TlsHandshakeAdmission
{
    private final PeerCountLimiter limiter;
    private final GatewayCounters counters;
    private final OverloadLog overloadLog;

    TlsHandshakeAdmission(final TlsOptions options, final GatewayCounters counters, final OverloadLog overloadLog)
    {
        this.limiter = new PeerCountLimiter(options.maxHandshakes(), options.maxHandshakesPerPeer());
        this.counters = counters;
        this.overloadLog = overloadLog;
    }

    /**
     * Takes a place for a new connection's handshake (any I/O loop).
     *
     * @return true when taken; false when over a cap, counted and logged (the caller closes the connection).
     */
    boolean tryAcquire(final InetAddress peer)
    {
        final PeerCountLimiter.Refusal refusal = limiter.tryAcquire(peer);
        if (refusal == null)
        {
            return true;
        }
        final RejectReason reason = refusal == PeerCountLimiter.Refusal.TOTAL ? RejectReason.TLS_HANDSHAKE_LIMIT :
            RejectReason.TLS_PEER_HANDSHAKE_LIMIT;
        counters.rejected(reason);
        overloadLog.warn(reason, "refused a TLS connection from " + peer + " (" + limiter.held() +
            " handshakes in progress, at most " + limiter.maxTotal() + " in total and " + limiter.maxPerPeer() +
            " per address)");
        return false;
    }

    /** Gives back the place of a handshake that ended, one way or another (the connection's I/O loop). */
    void release(final InetAddress peer)
    {
        limiter.release(peer);
    }

    /** Handshakes in progress now. */
    int inProgress()
    {
        return limiter.held();
    }
}
