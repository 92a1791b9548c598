package io.pitgun.engine;

import org.agrona.BitUtil;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Open-addressing table of the live {@link StreamState}s keyed by (session, source), at most {@code max_sources}
 * at once. Removed entries leave tombstones that inserts reuse. Iteration is in table order, which depends only on
 * the keys and the order of inserts and removals, so a replay of the same frames iterates identically.
 * Used by the processing thread only; allocates only when a stream starts and the pool is empty.
 */
final class StreamTable
{
    private static final byte EMPTY = 0;
    private static final byte LIVE = 1;
    private static final byte TOMBSTONE = 2;

    private final int maxLive;
    private final StreamState[] entries;
    private final byte[] states;
    private final int mask;
    private final Supplier<StreamState> factory;
    private final ArrayDeque<StreamState> pool = new ArrayDeque<>();
    private int live;

    StreamTable(final int maxLive, final Supplier<StreamState> factory)
    {
        this.maxLive = maxLive;
        final int capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(4, maxLive * 2));
        entries = new StreamState[capacity];
        states = new byte[capacity];
        mask = capacity - 1;
        this.factory = factory;
    }

    /** The stream, or null. */
    StreamState find(final long sessionMsb, final long sessionLsb, final int sourceId)
    {
        int i = hash(sessionMsb, sessionLsb, sourceId) & mask;
        while (states[i] != EMPTY)
        {
            final StreamState s = entries[i];
            if (states[i] == LIVE && s.sourceId == sourceId && s.sessionMsb == sessionMsb && s.sessionLsb == sessionLsb)
            {
                return s;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** The stream, created when new; null when {@code max_sources} streams are already live. */
    StreamState findOrCreate(final long sessionMsb, final long sessionLsb, final int sourceId,
        final long producerMsb, final long producerLsb)
    {
        int i = hash(sessionMsb, sessionLsb, sourceId) & mask;
        int free = -1;
        while (states[i] != EMPTY)
        {
            final StreamState s = entries[i];
            if (states[i] == LIVE)
            {
                if (s.sourceId == sourceId && s.sessionMsb == sessionMsb && s.sessionLsb == sessionLsb)
                {
                    return s;
                }
            }
            else if (free < 0)
            {
                free = i;
            }
            i = (i + 1) & mask;
        }
        if (live >= maxLive)
        {
            return null;
        }
        if (free < 0)
        {
            free = i;
        }
        final StreamState s = pool.isEmpty() ? factory.get() : pool.poll();
        s.sessionMsb = sessionMsb;
        s.sessionLsb = sessionLsb;
        s.sourceId = sourceId;
        s.producerMsb = producerMsb;
        s.producerLsb = producerLsb;
        entries[free] = s;
        states[free] = LIVE;
        live++;
        return s;
    }

    /** Number of table positions, for iteration with {@link #at}. */
    int capacity()
    {
        return entries.length;
    }

    /** The live stream at table position {@code i}, or null. */
    StreamState at(final int i)
    {
        return states[i] == LIVE ? entries[i] : null;
    }

    /** Ends a stream: its program and segments are reset and it goes back to the pool. */
    void remove(final StreamState stream)
    {
        for (int i = 0; i < entries.length; i++)
        {
            if (states[i] == LIVE && entries[i] == stream)
            {
                states[i] = TOMBSTONE;
                entries[i] = null;
                live--;
                stream.program.reset();
                stream.segments.reset();
                pool.push(stream);
                return;
            }
        }
    }

    private static int hash(final long msb, final long lsb, final int sourceId)
    {
        long h = msb * 0x9E3779B97F4A7C15L ^ lsb * 0xC2B2AE3D27D4EB4FL ^ sourceId;
        h ^= h >>> 29;
        return (int)(h ^ (h >>> 32));
    }
}
