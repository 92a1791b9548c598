package io.pitgun.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream table against a {@link HashMap} under random finds, creates, removals and session ends, with far more
 * distinct keys over a run than the table has cells; the reference also keeps the idle rules as {@link StreamClock}
 * states them (each stream's newest own time and the frame count at its latest frame; the refused streams
 * remembered, with when their waiting began), so a create in a full table must end exactly a stream the rules name
 * (one last seen longest ago, if the new stream has waited the timeout by its own clock and that one sent nothing
 * since its waiting began; else one whose newest is oldest, if the new frame is at least the timeout newer) or be
 * refused: the table's lower bounds and scans must decide as the exact minima do.
 * Timestamps mostly advance, sometimes step back, sometimes jump ahead by more than the timeout. Keys are drawn so
 * that many share a home cell (session (0, 0) hashes source {@code s} to cell {@code s}) and clusters wrap around the
 * table's end.
 *
 * <p>Operations per try: {@value #DEFAULT_OPS} by default (a few seconds for the whole property in CI);
 * {@code -Dpitgun.streamTable.ops=5000000} for a long run.
 */
class StreamTablePropertyTest
{
    private static final int DEFAULT_OPS = 50_000;
    private static final int OPS = Integer.getInteger("pitgun.streamTable.ops", DEFAULT_OPS);

    private record Key(long msb, long lsb, int source)
    {
    }

    @Property(tries = 40)
    void shouldBehaveLikeAHashMapUnderChurn(@ForAll @IntRange(min = 1, max = 48) final int maxLive,
        @ForAll final long seed)
    {
        final long idleUs = 20_000;
        // The ended stream's key as the table tells it, before its state goes back to the pool (and maybe to the
        // very stream created in its place).
        final List<Key> endedIdle = new ArrayList<>();
        final StreamTable table = new StreamTable(maxLive, StreamTableTest::newStream, idleUs,
            ended -> endedIdle.add(new Key(ended.sessionMsb, ended.sessionLsb, ended.sourceId)));
        final Map<Key, StreamState> reference = new HashMap<>();
        final ReferenceClock clock = new ReferenceClock(idleUs);
        final SplittableRandom random = new SplittableRandom(seed);
        final int sessions = 1 + random.nextInt(4 * maxLive);
        for (int op = 0; op < OPS; op++)
        {
            final Key key = randomKey(random, sessions, table.capacity());
            final int choice = random.nextInt(10);
            if (choice < 4)
            {
                final long now = op * 1_000L;
                final int kind = random.nextInt(16);
                final long timestampUs = kind < 2 ? now - random.nextInt(50_000) :
                    kind == 2 ? now + random.nextInt(1_000_000) : now;
                final StreamState created = table.findOrCreate(key.msb, key.lsb, key.source, 1, 2, timestampUs);
                final StreamState expected = reference.get(key);
                if (expected != null)
                {
                    assertSame(expected, created, "op " + op);
                    clock.onFrame(key, timestampUs);
                }
                else if (reference.size() < maxLive)
                {
                    assertEquals(key.source, created.sourceId, "op " + op);
                    reference.put(key, created);
                    clock.join(key, timestampUs);
                }
                else
                {
                    final long waitedSince = clock.onRefused(key, timestampUs);
                    final long oldest = clock.oldest(0);
                    final long oldestNewest = clock.oldest(1);
                    final boolean bySilence = waitedSince >= 0 && oldest < waitedSince;
                    if (!bySilence && timestampUs - oldestNewest < idleUs)
                    {
                        assertNull(created, "op " + op + ": no stream is idle, so one past max_sources is refused");
                        clock.stillRefused(key, timestampUs);
                    }
                    else
                    {
                        assertEquals(1, endedIdle.size(), "op " + op + ": one stream ended");
                        final Key endedKey = endedIdle.remove(0);
                        assertTrue(reference.remove(endedKey) != null, "op " + op + ": a live stream ended");
                        final long[] ended = clock.live.remove(endedKey);
                        if (bySilence)
                        {
                            assertEquals(oldest, ended[0], "op " + op + ": by its waiting, one silent longest");
                        }
                        else
                        {
                            assertEquals(oldestNewest, ended[1], "op " + op + ": by the frame, one whose newest " +
                                "is oldest");
                        }
                        clock.admitted(key);
                        assertEquals(key.source, created.sourceId, "op " + op);
                        reference.put(key, created);
                        clock.join(key, timestampUs);
                    }
                }
                assertEquals(List.of(), endedIdle, "op " + op + ": no other stream ended");
            }
            else if (choice < 7)
            {
                assertSame(reference.get(key), table.find(key.msb, key.lsb, key.source), "op " + op);
            }
            else if (choice < 9)
            {
                final StreamState removed = reference.remove(key);
                clock.live.remove(key);
                if (removed != null)
                {
                    table.remove(removed);
                }
            }
            else
            {
                endSession(table, reference, clock, key.msb, key.lsb);
            }
            assertEquals(reference.size(), table.size(), "op " + op);
        }
        assertEquals(reference.size(), StreamTableTest.occupiedCells(table), "no cell held by a removed stream");
        for (final Map.Entry<Key, StreamState> entry : reference.entrySet())
        {
            final Key key = entry.getKey();
            assertSame(entry.getValue(), table.find(key.msb, key.lsb, key.source));
        }
    }

    /** The processing stage's loop on a SessionEnd: every stream of the session ends, in table order. */
    private static void endSession(final StreamTable table, final Map<Key, StreamState> reference,
        final ReferenceClock clock, final long msb, final long lsb)
    {
        final List<Key> expected = new ArrayList<>();
        for (final Key key : reference.keySet())
        {
            if (key.msb == msb && key.lsb == lsb)
            {
                expected.add(key);
            }
        }
        int ended = 0;
        int i = 0;
        while (i < table.capacity())
        {
            final StreamState stream = table.at(i);
            if (stream != null && stream.sameSession(msb, lsb))
            {
                table.removeAt(i);
                ended++;
            }
            else
            {
                i++;
            }
        }
        for (final Key key : expected)
        {
            reference.remove(key);
            clock.live.remove(key);
        }
        assertEquals(expected.size(), ended, "every stream of the session ended exactly once");
    }

    /**
     * The idle rules in the plainest terms: a count of the frames seen; per live key the count at its latest frame
     * and its newest own time; per refused key (at most {@link StreamClock#REFUSED}, a new one in a free place, else
     * one not refused for {@link StreamClock#STALE_FRAMES} frames, else the one remembered last) its first refused
     * frame's own time and count, its latest refusal's count and when it was remembered.
     */
    private static final class ReferenceClock
    {
        final long idleUs;
        long frames;
        long remembered;
        final Map<Key, long[]> live = new HashMap<>();
        final Map<Key, long[]> refused = new HashMap<>();

        ReferenceClock(final long idleUs)
        {
            this.idleUs = idleUs;
        }

        void join(final Key key, final long timestampUs)
        {
            live.put(key, new long[] {++frames, timestampUs});
        }

        void onFrame(final Key key, final long timestampUs)
        {
            final long[] stream = live.get(key);
            stream[0] = ++frames;
            stream[1] = Math.max(stream[1], timestampUs);
        }

        /** The count its waiting began at, if it has waited the timeout by its own clock; else -1. */
        long onRefused(final Key key, final long timestampUs)
        {
            frames++;
            final long[] record = refused.get(key);
            if (record != null)
            {
                record[2] = frames;
                return timestampUs > record[0] && timestampUs - record[0] >= idleUs ? record[1] : -1;
            }
            if (refused.size() == StreamClock.REFUSED)
            {
                Key give = null;
                long givenUp = Long.MAX_VALUE;
                for (final Map.Entry<Key, long[]> e : refused.entrySet())
                {
                    if (frames - e.getValue()[2] > StreamClock.STALE_FRAMES && e.getValue()[2] < givenUp)
                    {
                        givenUp = e.getValue()[2];
                        give = e.getKey();
                    }
                }
                if (give == null)
                {
                    long last = -1;
                    for (final Map.Entry<Key, long[]> e : refused.entrySet())
                    {
                        if (e.getValue()[3] > last)
                        {
                            last = e.getValue()[3];
                            give = e.getKey();
                        }
                    }
                }
                refused.remove(give);
            }
            refused.put(key, new long[] {timestampUs, frames, frames, ++remembered});
            return idleUs == 0 ? frames : -1;
        }

        /** Refused after all: a waiting of the timeout in vain begins again at this frame. */
        void stillRefused(final Key key, final long timestampUs)
        {
            final long[] record = refused.get(key);
            if (timestampUs > record[0] && timestampUs - record[0] >= idleUs)
            {
                record[0] = timestampUs;
                record[1] = frames;
            }
        }

        void admitted(final Key key)
        {
            refused.remove(key);
        }

        /** The least of the live keys' field {@code field} (0: last seen, 1: newest own time). */
        long oldest(final int field)
        {
            long oldest = Long.MAX_VALUE;
            for (final long[] stream : live.values())
            {
                oldest = Math.min(oldest, stream[field]);
            }
            return oldest;
        }
    }

    private static Key randomKey(final SplittableRandom random, final int sessions, final int capacity)
    {
        if (random.nextBoolean())
        {
            // Session (0, 0): source s has home cell s mod capacity, so these collide and cluster on purpose.
            return new Key(0, 0, random.nextInt(3 * capacity));
        }
        final long session = random.nextInt(sessions);
        return new Key(session * 0x9E3779B97F4A7C15L, ~session, random.nextInt(3));
    }
}
