package io.pitgun.gateway;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Places held under two caps, one in total and one per client machine: open connections
 * ({@link ConnectionAdmission}) and TLS handshakes in progress ({@link TlsHandshakeAdmission}). A machine is its
 * address ({@link #machineOf}), except that an IPv6 address counts with its /64 (the prefix one host is given, where
 * it may use any number of addresses): before, such a host got the per-address cap once for each address it used.
 * Loopback addresses stay apart: the machine itself is inside the boundary (docs/security.md), and they are what
 * local tools and tests use as distinct clients. Any thread may take or give back a place (the accept thread takes connections, each I/O loop gives back its
 * own). A per-machine count is removed when it reaches zero, so the map holds only machines that hold a place (at
 * most the total cap). Once per connection, never per request: a map update and, for a refusal, nothing else.
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
        final InetAddress machine = machineOf(peer);
        final boolean[] full = new boolean[1];
        // Under the map's lock for that address, as is the release: an entry is removed exactly when its count
        // reaches zero, and a count is never raised on an entry that was already removed.
        perPeer.compute(machine, (address, count) ->
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
            perPeer.computeIfPresent(machineOf(peer), (p, count) -> count.decrementAndGet() == 0 ? null : count);
        }
    }

    /** Places held now. */
    int held()
    {
        return held.get();
    }

    /**
     * The machine {@code peer} counts for: the /64 prefix (the rest zero) of an IPv6 address other than {@code ::1},
     * any other address itself (an IPv4-mapped IPv6 address is already an IPv4 one in Java).
     */
    static InetAddress machineOf(final InetAddress peer)
    {
        if (peer instanceof Inet6Address && !peer.isLoopbackAddress())
        {
            final byte[] prefix = peer.getAddress();
            java.util.Arrays.fill(prefix, 8, 16, (byte)0);
            try
            {
                return InetAddress.getByAddress(prefix); // raw bytes: no name service
            }
            catch (final UnknownHostException ex)
            {
                throw new IllegalStateException("16 bytes are an IPv6 address", ex);
            }
        }
        return peer;
    }

    /** Machines holding a place now (the map holds no others). */
    int peers()
    {
        return perPeer.size();
    }

    /** The total cap. */
    int maxTotal()
    {
        return maxTotal;
    }

    /** The per-machine cap. */
    int maxPerPeer()
    {
        return maxPerPeer;
    }
}
