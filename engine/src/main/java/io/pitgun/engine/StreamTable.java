package io.pitgun.engine;

import org.agrona.BitUtil;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Open-addressing (linear probing) table of the live {@link StreamState}s keyed by (session, source), at most
 * {@code max_sources} at once. Used by the processing thread only; allocates only when a stream starts and the
 * pool is empty.
 *
 * <p>Invariants, which keep every probe bounded however many streams come and go:
 * <ul>
 *   <li>The table has at least twice as many cells as {@code max_sources}, and at most {@code max_sources} are
 *       live, so at least half the cells are empty and every probe ends at an empty cell.</li>
 *   <li>Removal is by backward shift: the entries after the removed one in its cluster move back towards their
 *       home cells, so no tombstone is ever left; the table after any sequence of operations holds the same
 *       number of non-empty cells as live streams.</li>
 *   <li>A stream that would be live number {@code max_sources + 1} ends the idlest live stream, if one is idle
 *       (below), and takes its place; otherwise it is refused ({@link #findOrCreate} returns null; the caller counts
 *       {@code DROPPED_TOO_MANY_SOURCES}).</li>
 * </ul>
 * <b>Idle streams.</b> A producer that goes away without a {@code SessionEnd} (a crash, a game quit from its menu)
 * leaves its stream live; without an end for such streams, {@code max_sources} of them would refuse every later
 * stream for the pipeline's life. A stream is <em>idle</em> by either of {@link StreamClock}'s two rules (it states
 * them and says why): a new stream's frame is at least {@code stream_idle_timeout} newer, in {@code timestamp_us},
 * than the stream's newest frame; or the new stream has been refused for that long by its own clock and the stream
 * has sent nothing since the new stream's first refused frame — so streams stamped far ahead, which the first rule
 * never finds idle, do not hold their places for good, and no producer's clock is compared with another's for it.
 * The idlest (last seen longest ago by the second rule, else oldest newest frame by the first) then ends, as a
 * stream ends at a {@code SessionEnd} but without writing its open segments' insights (the table cut them, not the
 * producer: one that comes back goes on in a fresh stream, whose summaries, under ids of their own, cover what came
 * after), counted by the {@code idleEnd} callback, which first emits into it the merge windows its session still
 * holds ({@link MergeStage#onStreamEndedIdle}). The frames' time rather than arrival counts, so that producers
 * sending bursts (an envelope of many frames) or at different rates never end each other in turn, and rather than
 * the wall clock, so that a replay of the journal, which presents the same frames in the same order, ends the same
 * streams at the same frames. A refused frame costs O(1) while no stream can be idle: the table keeps lower bounds
 * of its streams' timings and looks for the idlest (a scan of its cells) only once one of the rules could hold for
 * the bounds (the refused frame's own bookkeeping looks through {@value StreamClock#REFUSED} remembered refused
 * streams, a fixed bound).
 * Iteration is in table order, which depends only on the keys and the order of inserts and removals, so a replay
 * of the same frames iterates identically. {@link #removeAt} may move a later entry into the removed position:
 * a loop that removes while it iterates re-reads that position before it moves on (see {@link #removeAt}).
 */
final class StreamTable
{
    private final int maxLive;
    private final StreamState[] entries;
    private final int mask;
    private final Supplier<StreamState> factory;
    private final ArrayDeque<StreamState> pool;
    private final StreamClock clock;
    private final Consumer<StreamState> idleEnd;
    /** While {@link #idleEnd} is told: frames it emits reach their live streams, but start none (the table is full). */
    private boolean endingIdle;
    private int live;
    /** Lower bounds of the live streams' timings: while a frame is past neither, no stream is idle. */
    private final StreamClock.Bounds bounds = new StreamClock.Bounds();

    /** A table whose idle streams end without telling anyone (tests of the table alone). */
    StreamTable(final int maxLive, final Supplier<StreamState> factory, final long idleUs)
    {
        this(maxLive, factory, idleUs, stream -> { });
    }

    /**
     * @param maxLive  most streams live at once ({@code max_sources}), at least 1.
     * @param factory  makes a stream's state when none is pooled.
     * @param idleUs   {@code stream_idle_timeout}: when a stream is idle, by either of {@link StreamClock}'s rules.
     * @param idleEnd  told of an idle stream just before the table ends it to make room (counts it, and emits the
     *                 merge windows held for it, which reach it through {@link #findOrCreate} while it is still
     *                 live; a frame of a stream not live is refused then, the table being full).
     */
    StreamTable(final int maxLive, final Supplier<StreamState> factory, final long idleUs,
        final Consumer<StreamState> idleEnd)
    {
        if (maxLive < 1)
        {
            throw new IllegalArgumentException("maxLive: must be at least 1, got " + maxLive);
        }
        this.maxLive = maxLive;
        final int capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(4, maxLive * 2));
        entries = new StreamState[capacity];
        mask = capacity - 1;
        this.factory = factory;
        this.clock = new StreamClock(idleUs);
        this.idleEnd = idleEnd;
        pool = new ArrayDeque<>(maxLive);
    }

    /** The stream, or null. */
    StreamState find(final long sessionMsb, final long sessionLsb, final int sourceId)
    {
        final int i = probe(sessionMsb, sessionLsb, sourceId);
        return i < 0 ? null : entries[i];
    }

    /**
     * The stream of a frame at {@code timestampUs}, created when new (ending the idlest stream first when
     * {@code max_sources} are live and one is idle); null when {@code max_sources} streams are live and none is idle.
     */
    StreamState findOrCreate(final long sessionMsb, final long sessionLsb, final int sourceId,
        final long producerMsb, final long producerLsb, final long timestampUs)
    {
        int found = probe(sessionMsb, sessionLsb, sourceId);
        if (found >= 0)
        {
            final StreamState s = entries[found];
            clock.onFrame(s.timing, timestampUs);
            return s;
        }
        if (live >= maxLive)
        {
            if (endingIdle)
            {
                return null; // a frame the idle end emitted, of a stream not live: no second end inside the first
            }
            clock.onRefused(sessionMsb, sessionLsb, sourceId, timestampUs);
            if (!clock.mayBeIdle(bounds, timestampUs) || !endIdlest(timestampUs))
            {
                clock.stillRefused();
                return null;
            }
            clock.admitted(sessionMsb, sessionLsb, sourceId);
            found = probe(sessionMsb, sessionLsb, sourceId); // the removal may have shifted the cluster
        }
        final int i = -found - 1;
        final StreamState s = pool.isEmpty() ? factory.get() : pool.pop();
        s.sessionMsb = sessionMsb;
        s.sessionLsb = sessionLsb;
        s.sourceId = sourceId;
        s.producerMsb = producerMsb;
        s.producerLsb = producerLsb;
        clock.join(s.timing, timestampUs);
        bounds.add(s.timing);
        entries[i] = s;
        live++;
        return s;
    }

    /**
     * Ends an idle live stream for a new stream's frame at {@code frameUs} (a scan of the cells; the choice is
     * {@link StreamClock#idlest}'s); true if one ended.
     */
    private boolean endIdlest(final long frameUs)
    {
        clock.beginIdleSearch();
        for (int i = 0; i < entries.length; i++)
        {
            final StreamState s = entries[i];
            if (s != null)
            {
                clock.offer(i, s.timing);
            }
        }
        final int idlest = clock.idlest(bounds, frameUs);
        if (idlest < 0)
        {
            return false;
        }
        endingIdle = true;
        try
        {
            idleEnd.accept(entries[idlest]);
        }
        finally
        {
            endingIdle = false;
        }
        removeAt(idlest);
        return true;
    }

    /** Streams live now. */
    int size()
    {
        return live;
    }

    /** Number of table positions, for iteration with {@link #at}. */
    int capacity()
    {
        return entries.length;
    }

    /** The live stream at table position {@code i}, or null. */
    StreamState at(final int i)
    {
        return entries[i];
    }

    /**
     * Forgets every stream, their segments unended (no summary is written), and the clock's memory: the table is as
     * a new one. What a replay does where the pipeline that wrote the journal started again ({@link ProcessingStage}).
     */
    void discardAll()
    {
        for (int i = 0; i < entries.length; i++)
        {
            final StreamState stream = entries[i];
            if (stream != null)
            {
                entries[i] = null;
                stream.program.reset();
                stream.segments.reset();
                pool.push(stream);
            }
        }
        live = 0;
        clock.reset();
        bounds.clear();
    }

    /** Ends a stream (no-op when it is not in the table): see {@link #removeAt}. */
    void remove(final StreamState stream)
    {
        final int i = probe(stream.sessionMsb, stream.sessionLsb, stream.sourceId);
        if (i >= 0 && entries[i] == stream)
        {
            removeAt(i);
        }
    }

    /**
     * Ends the stream at table position {@code i}: its program and segments are reset and it goes back to the
     * pool. The entries after it in its cluster shift back, so position {@code i} may then hold another stream
     * (one that was after it, never one that was before it in table order, except for one that wrapped around
     * from the start of the table, which an iteration has already seen).
     */
    void removeAt(final int i)
    {
        final StreamState stream = entries[i];
        entries[i] = null;
        live--;
        stream.program.reset();
        stream.segments.reset();
        pool.push(stream);
        shiftBack(i);
    }

    /**
     * Backward-shift deletion (Knuth 6.4, algorithm R): walk the cluster after the gap and move back every entry
     * whose home cell does not lie cyclically in (gap, its position], since a probe from its home would otherwise
     * stop at the gap. Bounded by the cluster length, which is below the table size.
     */
    private void shiftBack(final int removed)
    {
        int gap = removed;
        int i = (removed + 1) & mask;
        StreamState s;
        while ((s = entries[i]) != null)
        {
            final int home = hash(s.sessionMsb, s.sessionLsb, s.sourceId) & mask;
            // Distance from home to i and from the gap to i, both cyclic: move s when its home is at or before
            // the gap in probe order.
            if (((i - home) & mask) >= ((i - gap) & mask))
            {
                entries[gap] = s;
                entries[i] = null;
                gap = i;
            }
            i = (i + 1) & mask;
        }
    }

    /** The stream's cell, or {@code -(empty cell) - 1}: the empty cell that ends its probe, where it would go. */
    private int probe(final long sessionMsb, final long sessionLsb, final int sourceId)
    {
        int i = hash(sessionMsb, sessionLsb, sourceId) & mask;
        StreamState s;
        while ((s = entries[i]) != null) // ends: at least half the cells are empty
        {
            if (s.sourceId == sourceId && s.sessionMsb == sessionMsb && s.sessionLsb == sessionLsb)
            {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -i - 1;
    }

    private static int hash(final long msb, final long lsb, final int sourceId)
    {
        long h = msb * 0x9E3779B97F4A7C15L ^ lsb * 0xC2B2AE3D27D4EB4FL ^ sourceId;
        h ^= h >>> 29;
        return (int)(h ^ (h >>> 32));
    }
}
