package io.pitgun.gateway;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The idempotency window against a plain reference: a {@link LinkedHashMap} in insertion order that forgets ids
 * inserted more than {@code capacity} insertions ago or longer ago than the window, but never one owned (a new id that
 * would replace it is refused). Random claims (same and other
 * content), releases (in any order, some after their id was forgotten), restores, clock jumps, and churn far past
 * the capacity. Operations per try: {@code -Dpitgun.idempotency.propertyOps} (default 40,000: 2 million operations;
 * 200,000 for the long run: 10 million).
 */
class IdempotencyWindowPropertyTest
{
    private static final int OPS = Integer.getInteger("pitgun.idempotency.propertyOps", 40_000);
    private static final long WINDOW_NS = 1_000;

    private record Key(long msb, long lsb)
    {
    }

    private static final class Entry
    {
        long digest;
        int frames;
        int done;
        long lastPosition = -1;
        long journalIndex = -1;
        long insertedNs;
        long ticket;
        boolean owned;
    }

    private record Owned(Key key, long ticket, int frames)
    {
    }

    @Property(tries = 50)
    void shouldBehaveLikeTheReference(@ForAll final long seed, @ForAll @IntRange(min = 4, max = 7) final int log2)
    {
        final int capacity = 1 << log2;
        final IdempotencyWindow window = new IdempotencyWindow(capacity, WINDOW_NS);
        final LinkedHashMap<Key, Entry> reference = new LinkedHashMap<>();
        final List<Owned> owned = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(seed);
        final Key[] pool = new Key[capacity * 3];
        for (int i = 0; i < pool.length; i++)
        {
            // Few distinct high bits: many ids share hash neighbourhoods, so deletion's backward shift is exercised.
            pool[i] = new Key(random.nextInt(4), random.nextLong());
        }
        final IdempotencyWindow.Claim claim = new IdempotencyWindow.Claim();
        long inserted = 0;
        long nowNs = 0;
        for (int op = 0; op < OPS; op++)
        {
            nowNs += random.nextInt(4) == 0 ? random.nextInt(60) : 0;
            final Key key = pool[random.nextInt(pool.length)];
            final int action = random.nextInt(10);
            if (action < 6)
            {
                final long digest = random.nextInt(8) == 0 ? 2 : 1;
                final int frames = random.nextInt(8) == 0 ? 5 : 4;
                window.claim(key.msb, key.lsb, digest, frames, nowNs, claim);
                final Entry e = reference.get(key);
                final int expected;
                if (e != null && e.owned)
                {
                    expected = IdempotencyWindow.IN_PROGRESS;
                }
                else if (e != null && nowNs - e.insertedNs <= WINDOW_NS)
                {
                    expected = e.digest != digest || e.frames != frames ? IdempotencyWindow.CONFLICT :
                        e.done >= frames ? IdempotencyWindow.DUPLICATE : IdempotencyWindow.RESUME;
                    assertEquals(e.lastPosition, claim.lastPosition, "op " + op);
                    assertEquals(e.journalIndex, claim.journalIndex, "op " + op);
                    assertEquals(e.done, claim.framesDone, "op " + op);
                }
                else
                {
                    // An id being published is never forgotten: a new id that would replace it is refused.
                    expected = oldestOwned(owned, inserted, capacity) ? IdempotencyWindow.FULL : IdempotencyWindow.NEW;
                }
                assertEquals(expected, claim.outcome, "op " + op + " key " + key);
                if (expected == IdempotencyWindow.NEW)
                {
                    final Entry fresh = new Entry();
                    fresh.digest = digest;
                    fresh.frames = frames;
                    fresh.insertedNs = nowNs;
                    fresh.ticket = inserted++;
                    reference.remove(key);
                    reference.put(key, fresh);
                    evict(reference, inserted, capacity);
                }
                if (expected == IdempotencyWindow.NEW || expected == IdempotencyWindow.RESUME)
                {
                    final Entry e2 = reference.get(key);
                    e2.owned = true;
                    assertEquals(e2.ticket, claim.ticket, "op " + op);
                    owned.add(new Owned(key, claim.ticket, frames));
                }
            }
            else if (action < 9 && !owned.isEmpty())
            {
                final Owned o = owned.remove(random.nextInt(owned.size()));
                final int done = random.nextInt(o.frames + 1);
                final long position = done == 0 ? -1 : random.nextLong(1 << 30);
                window.release(o.ticket, done, position);
                final Entry e = reference.get(o.key);
                if (e != null && e.ticket == o.ticket)
                {
                    e.owned = false;
                    e.done = done;
                    if (position >= 0)
                    {
                        e.lastPosition = position;
                        e.journalIndex = -1;
                    }
                }
            }
            else if (!oldestOwned(owned, inserted, capacity))
            {
                final int frames = 4;
                final int journaled = random.nextInt(frames + 1);
                final long journalIndex = random.nextLong(1L << 40);
                assertEquals(true, window.restore(key.msb, key.lsb, 1, frames, journaled, journalIndex, nowNs));
                final Entry fresh = new Entry();
                fresh.journalIndex = journalIndex;
                fresh.digest = 1;
                fresh.frames = frames;
                fresh.done = journaled;
                fresh.insertedNs = nowNs;
                fresh.ticket = inserted++;
                reference.remove(key);
                reference.put(key, fresh);
                evict(reference, inserted, capacity);
            }
            else
            {
                assertEquals(false, window.restore(key.msb, key.lsb, 1, 4, 0, 0, nowNs), "op " + op);
            }
            if ((op & 1023) == 0)
            {
                for (final Map.Entry<Key, Entry> e : reference.entrySet())
                {
                    final Entry v = e.getValue();
                    final int expected = v.owned || nowNs - v.insertedNs <= WINDOW_NS ? v.done : -1;
                    assertEquals(expected, window.framesDone(e.getKey().msb, e.getKey().lsb, nowNs), "op " + op);
                }
                assertEquals(Math.min(inserted, capacity), window.size());
            }
        }
    }

    /** Whether the id the next insertion would replace (inserted {@code capacity} insertions ago) is owned. */
    private static boolean oldestOwned(final List<Owned> owned, final long inserted, final int capacity)
    {
        return inserted >= capacity && owned.stream().anyMatch(o -> o.ticket == inserted - capacity);
    }

    private static void evict(final LinkedHashMap<Key, Entry> reference, final long inserted, final int capacity)
    {
        final Iterator<Entry> oldest = reference.values().iterator();
        while (oldest.hasNext())
        {
            if (oldest.next().ticket >= inserted - capacity)
            {
                break;
            }
            oldest.remove();
        }
    }
}
