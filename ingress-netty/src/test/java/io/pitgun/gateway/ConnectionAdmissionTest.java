package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The connection caps against a plain reference (a HashMap of counts): random accepts and closes over a few client
 * addresses, seeded so that a failure repeats. The admission must decide exactly as the reference does, and keep
 * entries only for addresses with open connections.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionAdmissionTest
{
    private static final int MAX_TOTAL = 12;
    private static final int MAX_PER_PEER = 4;

    @Test
    void shouldDecideLikeAReferenceCountOverRandomAcceptsAndCloses() throws Exception
    {
        for (long seed = 1; seed <= 20; seed++)
        {
            run(seed);
        }
    }

    private static void run(final long seed) throws Exception
    {
        final Random random = new Random(seed);
        final GatewayCounters counters = new GatewayCounters();
        final ConnectionAdmission admission = new ConnectionAdmission(MAX_TOTAL, MAX_PER_PEER, counters,
            new OverloadLog(counters));
        final InetAddress[] peers = new InetAddress[5];
        for (int i = 0; i < peers.length; i++)
        {
            peers[i] = InetAddress.getByName("127.0.0." + (i + 1));
        }
        final Map<InetAddress, Integer> reference = new HashMap<>();
        final List<InetAddress> open = new ArrayList<>();
        long refusedTotal = 0;
        long refusedPeer = 0;
        for (int step = 0; step < 5_000; step++)
        {
            if (open.isEmpty() || random.nextInt(100) < 55)
            {
                final InetAddress peer = peers[random.nextInt(peers.length)];
                final RejectReason expected = open.size() >= MAX_TOTAL ? RejectReason.CONNECTION_LIMIT :
                    reference.getOrDefault(peer, 0) >= MAX_PER_PEER ? RejectReason.PEER_CONNECTION_LIMIT : null;
                final RejectReason actual = admission.tryAcquire(peer);
                assertEquals(expected, actual, "seed " + seed + " step " + step + " peer " + peer);
                if (actual == null)
                {
                    reference.merge(peer, 1, Integer::sum);
                    open.add(peer);
                }
                else if (actual == RejectReason.CONNECTION_LIMIT)
                {
                    refusedTotal++;
                }
                else
                {
                    refusedPeer++;
                }
            }
            else
            {
                final InetAddress peer = open.remove(random.nextInt(open.size()));
                admission.release(peer);
                reference.computeIfPresent(peer, (p, n) -> n == 1 ? null : n - 1);
            }
            assertEquals(open.size(), admission.open(), "seed " + seed + " step " + step);
            assertEquals(reference.size(), admission.peers(), "seed " + seed + " step " + step);
        }
        assertEquals(true, refusedTotal > 0 && refusedPeer > 0, "seed " + seed + " exercised both caps: " +
            refusedTotal + " / " + refusedPeer);
    }
}
