package io.pitgun.gateway;

/**
 * The {@code event_id}s seen recently, so that a retried envelope is acknowledged again without being ingested
 * twice. Bounded memory: at most {@code capacity} ids (a power of two) and none older than {@code windowNs}; the
 * oldest id is forgotten first. A retry that arrives after its id was forgotten is ingested again: the window is
 * the documented limit of the guarantee ({@code IDEMPOTENCY_ENTRIES}, {@code IDEMPOTENCY_WINDOW_S}).
 * <p>
 * Each remembered id also records how many of its envelope's frames are in the ring and the ring position of the
 * last one, so a retry of an envelope that was only partly accepted (the ring filled up) publishes the rest, and a
 * retry in journaled ack mode is answered once that position is journaled.
 * <pre>
 *   log (ring of capacity entries, oldest overwritten)      index (2 x capacity, open addressing)
 *   slot: msb lsb insertedNs framesDone framesTotal lastPos   cell: log slot + 1, or 0 when empty
 * </pre>
 * Allocation-free. Methods are synchronized: with the default single I/O thread the lock is never contended.
 */
public final class IdempotencyWindow
{
    /** Returned by {@link #find} when the id is not remembered. */
    public static final int ABSENT = -1;

    private final int mask;
    private final long windowNs;
    private final long[] msbs;
    private final long[] lsbs;
    private final long[] insertedNs;
    private final long[] lastPositions;
    private final int[] framesDone;
    private final int[] framesTotal;
    private final int[] index;
    private final int indexMask;
    private long inserted;

    /**
     * @param capacity ids remembered at most, a power of two.
     * @param windowNs how long an id is remembered at most.
     */
    public IdempotencyWindow(final int capacity, final long windowNs)
    {
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two, was " + capacity);
        }
        this.mask = capacity - 1;
        this.windowNs = windowNs;
        msbs = new long[capacity];
        lsbs = new long[capacity];
        insertedNs = new long[capacity];
        lastPositions = new long[capacity];
        framesDone = new int[capacity];
        framesTotal = new int[capacity];
        index = new int[capacity * 2];
        indexMask = capacity * 2 - 1;
    }

    /** The remembered entry for this id, or {@link #ABSENT} (never seen, forgotten, or older than the window). */
    public synchronized int find(final long msb, final long lsb, final long nowNs)
    {
        for (int cell = hash(msb, lsb) & indexMask; ; cell = (cell + 1) & indexMask)
        {
            final int entry = index[cell] - 1;
            if (entry < 0)
            {
                return ABSENT;
            }
            if (msbs[entry] == msb && lsbs[entry] == lsb)
            {
                return nowNs - insertedNs[entry] <= windowNs ? entry : ABSENT;
            }
        }
    }

    /** Remembers a new id whose envelope has {@code frames} frames, none published yet; forgets the oldest if full. */
    public synchronized int add(final long msb, final long lsb, final long nowNs, final int frames)
    {
        final int stale = findCell(msb, lsb);
        if (stale >= 0)
        {
            removeCell(stale); // the same id, expired: re-added fresh
        }
        final int entry = (int)(inserted & mask);
        if (inserted > mask)
        {
            final int cell = findCell(msbs[entry], lsbs[entry]);
            if (cell >= 0 && index[cell] - 1 == entry)
            {
                removeCell(cell);
            }
        }
        inserted++;
        msbs[entry] = msb;
        lsbs[entry] = lsb;
        insertedNs[entry] = nowNs;
        framesDone[entry] = 0;
        framesTotal[entry] = frames;
        lastPositions[entry] = -1;
        int cell = hash(msb, lsb) & indexMask;
        while (index[cell] != 0)
        {
            cell = (cell + 1) & indexMask;
        }
        index[cell] = entry + 1;
        return entry;
    }

    /** Frames of the entry's envelope already in the ring. */
    public synchronized int framesDone(final int entry)
    {
        return framesDone[entry];
    }

    /** Frames the entry's envelope has. */
    public synchronized int framesTotal(final int entry)
    {
        return framesTotal[entry];
    }

    /** Ring position of the entry's last published frame, or -1. */
    public synchronized long lastPosition(final int entry)
    {
        return lastPositions[entry];
    }

    /** Records that {@code done} frames are published, the last at ring {@code position}. */
    public synchronized void progress(final int entry, final int done, final long position)
    {
        framesDone[entry] = done;
        if (position >= 0)
        {
            lastPositions[entry] = position;
        }
    }

    /** Ids remembered now (including expired ones not yet overwritten). */
    public synchronized int size()
    {
        return (int)Math.min(inserted, mask + 1L);
    }

    private int findCell(final long msb, final long lsb)
    {
        for (int cell = hash(msb, lsb) & indexMask; ; cell = (cell + 1) & indexMask)
        {
            final int entry = index[cell] - 1;
            if (entry < 0)
            {
                return -1;
            }
            if (msbs[entry] == msb && lsbs[entry] == lsb)
            {
                return cell;
            }
        }
    }

    // Backward-shift deletion keeps every remaining key reachable from its home cell without tombstones.
    private void removeCell(final int removed)
    {
        int hole = removed;
        index[hole] = 0;
        for (int cell = (hole + 1) & indexMask; index[cell] != 0; cell = (cell + 1) & indexMask)
        {
            final int entry = index[cell] - 1;
            final int home = hash(msbs[entry], lsbs[entry]) & indexMask;
            // Move the entry into the hole unless its home lies cyclically in (hole, cell].
            final boolean homeBetween = hole <= cell ? home > hole && home <= cell : home > hole || home <= cell;
            if (!homeBetween)
            {
                index[hole] = index[cell];
                index[cell] = 0;
                hole = cell;
            }
        }
    }

    private static int hash(final long msb, final long lsb)
    {
        long h = msb * 0x9E3779B97F4A7C15L ^ lsb;
        h ^= h >>> 32;
        h *= 0xC2B2AE3D27D4EB4FL;
        return (int)(h ^ h >>> 29);
    }
}
