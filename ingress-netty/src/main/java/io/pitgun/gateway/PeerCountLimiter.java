package io.pitgun.gateway;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Places held under two caps, one in total and one per client address: open connections
 * ({@link ConnectionAdmission}) and TLS handshakes in progress ({@link TlsHandshakeAdmission}). Any thread may take
 * or give back a place (the accept thread takes connections, each I/O loop gives back its own). A per-address count
 * is removed when it reaches zero, so the map holds only addresses that hold a place (at most the total cap).
 * Once per connection, never per request: a map update and, for a refusal, nothing else.
 */
final class PeerCountLimiter
{
    /** Why a place was refused. */
    enum Refusal
    {
        /** The total cap is reached. */
        TOTAL,
        /** The address's cap is reached. */
        PEER
    }

    private final int maxTotal;
    private final int maxPerPeer;
    private final AtomicInteger held = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perPeer = new ConcurrentHashMap<>();

    PeerCountLimiter(final int maxTotal, final int maxPerPeer)
    {
        this.maxTotal = maxTotal;
        this.maxPerPeer = maxPerPeer;
    }

    /**
     * Takes a place for {@code peer} (null: an address the channel did not report, held against the total only).
     *
     * @return null when taken, else why not (nothing is then held).
     */
    Refusal tryAcquire(final InetAddress peer)
    {
        if (held.incrementAndGet() > maxTotal)
        {
            held.decrementAndGet();
            return Refusal.TOTAL;
        }
        if (peer == null)
        {
            return null;
        }
        final boolean[] full = new boolean[1];
        // Under the map's lock for that address, as is the release: an entry is removed exactly when its count
        // reaches zero, and a count is never raised on an entry that was already removed.
        perPeer.compute(peer, (address, count) ->
        {
            if (count == null)
            {
                return new AtomicInteger(1);
            }
            if (count.get() >= maxPerPeer)
            {
                full[0] = true;
                return count;
            }
            count.incrementAndGet();
            return count;
        });
        if (full[0])
        {
            held.decrementAndGet();
            return Refusal.PEER;
        }
        return null;
    }

    /** Gives back a place {@link #tryAcquire} took for {@code peer}. */
    void release(final InetAddress peer)
    {
        held.decrementAndGet();
        if (peer != null)
        {
            perPeer.computeIfPresent(peer, (p, count) -> count.decrementAndGet() == 0 ? null : count);
        }
    }

    /** Places held now. */
    int held()
    {
        return held.get();
    }

    /** Addresses holding a place now (the map holds no others). */
    int peers()
    {
        return perPeer.size();
    }

    /** The total cap. */
    int maxTotal()
    {
        return maxTotal;
    }

    /** The per-address cap. */
    int maxPerPeer()
    {
        return maxPerPeer;
    }
}
