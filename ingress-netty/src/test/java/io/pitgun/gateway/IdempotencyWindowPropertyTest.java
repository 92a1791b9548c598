package io.pitgun.gateway;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The idempotency window against a plain reference: a {@link HashMap} of the ids remembered, and the log's slots in
 * the order they are reused (an {@link ArrayDeque}): a new id, once the log is full, takes the place of the first of
 * the oldest {@link IdempotencyWindow#PROBE_SLOTS} slots that no request is publishing (owned), the owned ones before
 * it passed to the back, and is refused FULL when each of them is owned; an id is never forgotten while owned, and
 * no older than the window. Random claims (same and other content), releases (in any order, some after their id was
 * forgotten), restores, clock jumps, and churn far past the capacity, with many ids owned at once. Operations per
 * try: {@code -Dpitgun.idempotency.propertyOps} (default 40,000: 2 million operations; 200,000 for the long run:
 * 10 million).
 */
class IdempotencyWindowPropertyTest
{
    private static final int OPS = Integer.getInteger("pitgun.idempotency.propertyOps", 40_000);
    private static final long WINDOW_NS = 1_000;

    private record Key(long msb, long lsb)
    {
    }

    /** A slot of the log: the id it holds (null once that id moved to another slot), and its state. */
    private static final class Entry
    {
        Key key;
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
        final Reference reference = new Reference(capacity);
        final List<Owned> owned = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(seed);
        final Key[] pool = new Key[capacity * 3];
        for (int i = 0; i < pool.length; i++)
        {
            // Few distinct high bits: many ids share hash neighbourhoods, so deletion's backward shift is exercised.
            pool[i] = new Key(random.nextInt(4), random.nextLong());
        }
        final IdempotencyWindow.Claim claim = new IdempotencyWindow.Claim();
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
                final Entry e = reference.ids.get(key);
                final int expected;
                final int passing;
                if (e != null && e.owned)
                {
                    expected = IdempotencyWindow.IN_PROGRESS;
                    passing = 0;
                }
                else if (e != null && nowNs - e.insertedNs <= WINDOW_NS)
                {
                    expected = e.digest != digest || e.frames != frames ? IdempotencyWindow.CONFLICT :
                        e.done >= frames ? IdempotencyWindow.DUPLICATE : IdempotencyWindow.RESUME;
                    passing = 0;
                    assertEquals(e.lastPosition, claim.lastPosition, "op " + op);
                    assertEquals(e.journalIndex, claim.journalIndex, "op " + op);
                    assertEquals(e.done, claim.framesDone, "op " + op);
                }
                else
                {
                    // An id being published is never forgotten: a new id takes the place of one settled, or none.
                    passing = reference.ownedToPass();
                    expected = passing < 0 ? IdempotencyWindow.FULL : IdempotencyWindow.NEW;
                }
                assertEquals(expected, claim.outcome, "op " + op + " key " + key);
                if (expected == IdempotencyWindow.NEW)
                {
                    final Entry fresh = reference.insert(key, passing);
                    fresh.digest = digest;
                    fresh.frames = frames;
                    fresh.insertedNs = nowNs;
                }
                if (expected == IdempotencyWindow.NEW || expected == IdempotencyWindow.RESUME)
                {
                    final Entry e2 = reference.ids.get(key);
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
                final Entry e = reference.byTicket.get(o.ticket); // null once its slot was reused
                if (e != null)
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
            else
            {
                final int passing = reference.ownedToPass();
                final int frames = 4;
                final int journaled = random.nextInt(frames + 1);
                final long journalIndex = random.nextLong(1L << 40);
                assertEquals(passing >= 0, window.restore(key.msb, key.lsb, 1, frames, journaled, journalIndex,
                    nowNs), "op " + op);
                if (passing >= 0)
                {
                    final Entry fresh = reference.insert(key, passing);
                    fresh.journalIndex = journalIndex;
                    fresh.digest = 1;
                    fresh.frames = frames;
                    fresh.done = journaled;
                    fresh.insertedNs = nowNs;
                }
            }
            if ((op & 1023) == 0)
            {
                for (final Map.Entry<Key, Entry> e : reference.ids.entrySet())
                {
                    final Entry v = e.getValue();
                    final int expected = v.owned || nowNs - v.insertedNs <= WINDOW_NS ? v.done : -1;
                    assertEquals(expected, window.framesDone(e.getKey().msb, e.getKey().lsb, nowNs), "op " + op);
                }
                assertEquals(Math.min(reference.inserted, capacity), window.size());
            }
        }
    }

    /** The reference: the ids remembered, and the log's slots in the order they are taken again. */
    private static final class Reference
    {
        final Map<Key, Entry> ids = new HashMap<>();
        final Map<Long, Entry> byTicket = new HashMap<>();
        final ArrayDeque<Entry> slots = new ArrayDeque<>();
        final int capacity;
        long inserted;

        Reference(final int capacity)
        {
            this.capacity = capacity;
        }

        /** How many owned slots a new id passes to take a settled one; -1: each it may look at is owned. */
        int ownedToPass()
        {
            if (slots.size() < capacity)
            {
                return 0; // a fresh slot
            }
            int i = 0;
            final Iterator<Entry> oldest = slots.iterator();
            while (i < Math.min(IdempotencyWindow.PROBE_SLOTS, capacity))
            {
                if (!oldest.next().owned)
                {
                    return i;
                }
                i++;
            }
            return -1;
        }

        /** Remembers {@code key} in a new slot, past {@code passing} owned ones, forgetting the id there. */
        Entry insert(final Key key, final int passing)
        {
            final Entry before = ids.get(key);
            Entry reused = null;
            if (slots.size() == capacity)
            {
                for (int i = 0; i < passing; i++)
                {
                    slots.add(slots.poll()); // passed: it becomes the newest
                }
                inserted += passing;
                reused = slots.poll();
                byTicket.remove(reused.ticket);
                if (reused.key != null)
                {
                    ids.remove(reused.key);
                }
            }
            if (before != null && before != reused)
            {
                before.key = null; // the id moves: its old slot stays until reused, holding nothing found
            }
            final Entry fresh = new Entry();
            fresh.key = key;
            fresh.ticket = inserted++;
            slots.add(fresh);
            byTicket.put(fresh.ticket, fresh);
            ids.put(key, fresh);
            return fresh;
        }
    }
}
