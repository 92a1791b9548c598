package io.pitgun.engine.tuning;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code frame_limits.max_sources_per_session}: per session, the distinct source ids seen are at most the limit; a
 * frame of a new source beyond it is refused. One per pipeline, shared by every thread that admits frames (a
 * session's frames may arrive on several connections, so on several event loops); each thread asks through its own
 * {@link Cache}.
 * <pre>
 *   Cache.admit(session, source) ──hit, same generation──▶ true          hot path: three compares, one volatile read
 *                                ──miss──▶ synchronized shared table      cold path: a new (session, source) pair,
 *                                          (LRU over sessions)            or a pair this thread has not cached
 * </pre>
 * The state is bounded: at most {@code maxSessions} sessions and {@link #MAX_TRACKED_PAIRS} (session, source) pairs
 * are tracked; past either, the least recently admitted-through-the-table session is forgotten (counted through
 * {@code onEviction}) and every cache is invalidated (the generation moves on), so no thread keeps admitting a
 * forgotten session's pairs without the table counting them again. What eviction gives up: a session forgotten (more
 * than {@code maxSessions} sessions since it last brought a new pair) starts again from zero sources.
 */
public final class SessionSourceLimit
{
    /** Most (session, source) pairs tracked in all, whatever the limit (about 16 MB at worst). */
    public static final int MAX_TRACKED_PAIRS = 1 << 20;

    private final int maxSources;
    private final int maxSessions;
    private final Runnable onEviction;
    /** Access order: the first entry is the session least recently admitted through the table. */
    private final LinkedHashMap<SessionKey, Sources> sessions = new LinkedHashMap<>(256, 0.75f, true);
    /** The lookup key, reused under the lock so that finding a known session allocates nothing. */
    private final SessionKey probe = new SessionKey(0, 0);
    private long pairs;
    private long evictions;
    /** Moves on at every eviction: a cached admission is valid only in the generation it was made in. */
    private volatile long generation;

    /**
     * @param maxSources  the policy's {@code max_sources_per_session}.
     * @param maxSessions most sessions tracked at once.
     * @param onEviction  called (under the lock) for every session forgotten.
     */
    public SessionSourceLimit(final int maxSources, final int maxSessions, final Runnable onEviction)
    {
        if (maxSources < 1 || maxSessions < 1)
        {
            throw new IllegalArgumentException("maxSources and maxSessions must be at least 1");
        }
        this.maxSources = maxSources;
        this.maxSessions = maxSessions;
        this.onEviction = onEviction;
    }

    /** The limit: most distinct sources per session. */
    public int maxSources()
    {
        return maxSources;
    }

    /** Sessions forgotten so far to keep the state bounded. */
    public synchronized long evictions()
    {
        return evictions;
    }

    /** Sessions tracked now. */
    public synchronized int trackedSessions()
    {
        return sessions.size();
    }

    /** A new cache for one thread (not thread-safe); {@code slots} is rounded up to a power of two. */
    public Cache newCache(final int slots)
    {
        return new Cache(Integer.highestOneBit(Math.max(1, slots - 1)) << 1);
    }

    /** Whether {@code source} of session {@code msb:lsb} is admitted, recording it when new. Cold path. */
    private synchronized boolean admitShared(final long msb, final long lsb, final int source)
    {
        probe.msb = msb;
        probe.lsb = lsb;
        Sources sources = sessions.get(probe);
        if (sources == null)
        {
            sources = new Sources(Math.min(maxSources, 8));
            sessions.put(new SessionKey(msb, lsb), sources);
        }
        if (sources.contains(source))
        {
            return true;
        }
        if (sources.count >= maxSources)
        {
            return false;
        }
        sources.add(source, maxSources);
        pairs++;
        evictBeyondBounds();
        return true;
    }

    private void evictBeyondBounds()
    {
        final Iterator<Map.Entry<SessionKey, Sources>> eldest = sessions.entrySet().iterator();
        // Never the session just admitted: it is the last in access order, and size > 1 keeps it.
        while ((sessions.size() > maxSessions || pairs > MAX_TRACKED_PAIRS) && sessions.size() > 1)
        {
            final Map.Entry<SessionKey, Sources> entry = eldest.next();
            pairs -= entry.getValue().count;
            eldest.remove();
            evictions++;
            generation++;
            onEviction.run();
        }
    }

    /**
     * One thread's memory of the pairs the table admitted, direct-mapped by hash: a frame of a pair seen before costs
     * no lock and no allocation. A refusal is never cached (the next frame of that source asks the table again).
     */
    public final class Cache
    {
        private final int mask;
        private final long[] msbs;
        private final long[] lsbs;
        private final int[] sources;
        private final long[] generations;

        private Cache(final int slots)
        {
            mask = slots - 1;
            msbs = new long[slots];
            lsbs = new long[slots];
            sources = new int[slots];
            generations = new long[slots];
            java.util.Arrays.fill(sources, -1);
        }

        /** The limit: most distinct sources per session. */
        public int limit()
        {
            return maxSources;
        }

        /** Whether a frame of {@code source} in session {@code msb:lsb} is within the limit (recorded if so). */
        public boolean admit(final long msb, final long lsb, final int source)
        {
            final int slot = slot(msb, lsb, source);
            // Read before asking the table: an eviction after it leaves this entry stale, never wrongly valid.
            final long current = generation;
            if (sources[slot] == source && msbs[slot] == msb && lsbs[slot] == lsb && generations[slot] == current)
            {
                return true;
            }
            if (!admitShared(msb, lsb, source))
            {
                return false;
            }
            msbs[slot] = msb;
            lsbs[slot] = lsb;
            sources[slot] = source;
            generations[slot] = current;
            return true;
        }

        private int slot(final long msb, final long lsb, final int source)
        {
            long h = msb * 0x9E3779B97F4A7C15L ^ lsb * 0xC2B2AE3D27D4EB4FL ^ source * 0x165667B19E3779F9L;
            h ^= h >>> 29;
            return (int)h & mask;
        }
    }

    private static final class SessionKey
    {
        long msb;
        long lsb;

        SessionKey(final long msb, final long lsb)
        {
            this.msb = msb;
            this.lsb = lsb;
        }

        @Override
        public boolean equals(final Object other)
        {
            return other instanceof SessionKey && ((SessionKey)other).msb == msb && ((SessionKey)other).lsb == lsb;
        }

        @Override
        public int hashCode()
        {
            return Long.hashCode(msb * 31 + lsb);
        }
    }

    /** One session's distinct sources, unordered (at most the limit; searched on the cold path only). */
    private static final class Sources
    {
        int[] ids;
        int count;

        Sources(final int capacity)
        {
            ids = new int[capacity];
        }

        boolean contains(final int source)
        {
            for (int i = 0; i < count; i++)
            {
                if (ids[i] == source)
                {
                    return true;
                }
            }
            return false;
        }

        void add(final int source, final int limit)
        {
            if (count == ids.length)
            {
                ids = java.util.Arrays.copyOf(ids, Math.min(limit, ids.length * 2));
            }
            ids[count++] = source;
        }
    }
}
