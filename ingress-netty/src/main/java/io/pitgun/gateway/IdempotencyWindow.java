package io.pitgun.gateway;

import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

/**
 * The {@code event_id}s seen recently, so that a retried envelope is acknowledged again without being ingested
 * twice. Bounded memory: at most {@code capacity} ids (a power of two) and none older than {@code windowNs}; the
 * oldest id is forgotten first, but never while a request is publishing it (forgotten then, a retry racing it would
 * publish it twice): a new id takes the place of the oldest id no request is publishing, among the oldest
 * {@link #PROBE_SLOTS}, and is refused ({@link #FULL}) only when a request is publishing each of those. The ids in
 * flight so stay, and count against the capacity: the window holds them and the newest of the others. A
 * retry that arrives after its id was forgotten is ingested again: the window is the documented limit of the
 * guarantee ({@code IDEMPOTENCY_ENTRIES}, {@code IDEMPOTENCY_WINDOW_S}). At start the gateway refills it from the
 * journal's tail ({@link IdempotencyWindowLoader}), so the guarantee holds across restarts and crashes.
 * <p>
 * Each remembered id records a digest of its envelope's content, how many of its frames are in (the ring, or the
 * journal for ids restored at start), the ring position of the last one, its journal position once known (read
 * back at start, or learnt when the original was answered: {@link #learnJournalIndex}), and whether a thread is
 * publishing it now. {@link #claim} is the one atomic step that decides what a request does with an envelope:
 * <pre>
 *   absent ──claim──▶ owned (NEW, 0 of n) ──release(k)──▶ k of n in ──claim──▶ owned (RESUME, from k) ...
 *                                                          n of n in ──claim──▶ DUPLICATE (answer, publish nothing)
 *   owned by another thread ──claim──▶ IN_PROGRESS (answer 503, retry)
 *   other content (digest or frame count) ──claim──▶ CONFLICT (answer 409)
 *   absent, the oldest PROBE_SLOTS ids (those it could replace) all owned ──claim──▶ FULL (answer 503, retry)
 * </pre>
 * So an envelope and its retry arriving on two event loops publish once, and a retry of a partly accepted (or
 * partly journaled, before a crash) envelope publishes only the rest.
 * <pre>
 *   log (ring of capacity entries, the oldest not owned      index (2 x capacity, open addressing)
 *        overwritten: an owned one is passed, its slot kept)
 *   slot: msb lsb digest insertedNs ticket framesDone         cell: the id's hash (high 32 bits), log slot + 1
 *         framesTotal lastPos journalIndex owned                    (low 32 bits); 0 when empty
 * </pre>
 * A probe compares the hash in the cell and reads the log only when it matches: almost every request's id is new,
 * and without the hash each cell passed on the way to an empty one cost two reads of the log (its msb and lsb,
 * cache misses in tables of megabytes) on the event loop.
 * Allocation-free. Every method is one short critical section (synchronized); with one I/O thread it is never
 * contended, with several it is held for a hash probe, not for the publish.
 */
public final class IdempotencyWindow
{
    /** {@link Claim#outcome}: the id was not remembered; the caller owns it and publishes every frame. */
    public static final int NEW = 0;
    /** {@link Claim#outcome}: some frames are in; the caller owns it and publishes from {@link Claim#framesDone}. */
    public static final int RESUME = 1;
    /** {@link Claim#outcome}: every frame is in; acknowledge again, publish nothing. */
    public static final int DUPLICATE = 2;
    /** {@link Claim#outcome}: the id was seen with other content (digest or frame count); publish nothing. */
    public static final int CONFLICT = 3;
    /** {@link Claim#outcome}: another thread is publishing this id now; publish nothing, answer "retry". */
    public static final int IN_PROGRESS = 4;
    /**
     * {@link Claim#outcome}: a new id, but each of the {@link #PROBE_SLOTS} oldest ids remembered, those it could
     * replace, is being published now (a whole capacity of ids came during each of those publishes): publish nothing,
     * answer "retry". Forgetting an id in flight would let its retry claim it as new and publish it twice.
     */
    public static final int FULL = 5;
    /**
     * How many of the oldest slots a new id looks through for one no request is publishing: a bound on the work under
     * the lock. Before, only the oldest was looked at: one request stalled while a capacity of ids passed made every
     * new id on every loop {@link #FULL} until it ended, though the next slot held an id long settled.
     */
    public static final int PROBE_SLOTS = 16;

    /** The answer of {@link #claim}; one per calling thread, reused (no allocation). */
    public static final class Claim
    {
        /**
         * One of {@link #NEW}, {@link #RESUME}, {@link #DUPLICATE}, {@link #CONFLICT}, {@link #IN_PROGRESS},
         * {@link #FULL}.
         */
        public int outcome;
        /**
         * Names the ownership for {@link #release} (NEW and RESUME), or, for a DUPLICATE, the entry whose journal
         * position {@link #learnJournalIndex} may learn.
         */
        public long ticket;
        /** Frames already in. */
        public int framesDone;
        /** Ring position of the last frame in, or -1 (none in this process: restored from the journal). */
        public long lastPosition;
        /**
         * The journal position of the last frame in, what the original answer named as {@code journal_index}, where
         * the window knows it: restored from the journal at start, or learnt when the original was answered
         * ({@link #learnJournalIndex}); else -1.
         */
        public long journalIndex;
        /** The content digest the envelope is remembered by: the one given, or the older one that matched. */
        public long digest;
    }

    private final int mask;
    private final long windowNs;
    private final long[] msbs;
    private final long[] lsbs;
    private final long[] digests;
    private final long[] insertedNs;
    private final long[] tickets;
    private final long[] lastPositions;
    private final long[] journalIndexes;
    private final int[] framesDone;
    private final int[] framesTotal;
    private final boolean[] owned;
    private final long[] index;
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
        digests = new long[capacity];
        insertedNs = new long[capacity];
        tickets = new long[capacity];
        lastPositions = new long[capacity];
        journalIndexes = new long[capacity];
        framesDone = new int[capacity];
        framesTotal = new int[capacity];
        owned = new boolean[capacity];
        index = new long[capacity * 2];
        indexMask = capacity * 2 - 1;
    }

    /** How long an id is remembered at most, in nanoseconds. */
    public long windowNs()
    {
        return windowNs;
    }

    /** Ids remembered at most. */
    public int capacity()
    {
        return mask + 1;
    }

    /**
     * Decides, atomically, what to do with an envelope ({@code frames} frames, content {@code digest}) and fills
     * {@code claim}. After {@link #NEW} or {@link #RESUME} the caller must {@link #release} the ticket, whatever
     * happens while it publishes (finally).
     */
    public void claim(final long msb, final long lsb, final long digest, final int frames, final long nowNs,
        final Claim claim)
    {
        claim(msb, lsb, digest, null, frames, nowNs, claim);
    }

    /**
     * As {@link #claim(long, long, long, int, long, Claim)}; an entry whose digest is not {@code digest} but
     * {@code olderDigest}'s (asked for only then, under the same lock, so that the entry cannot be forgotten in
     * between) is the same envelope: what an entry restored from a journal of an older build holds
     * ({@link EnvelopeDigest#orderedOf}). {@link Claim#digest} says which digest the envelope goes on with.
     */
    public synchronized void claim(final long msb, final long lsb, final long digest, final LongSupplier olderDigest,
        final int frames, final long nowNs, final Claim claim)
    {
        claim.digest = digest;
        final int cell = findCell(msb, lsb);
        if (cell >= 0)
        {
            final int entry = entryAt(cell);
            if (owned[entry])
            {
                // Not expired while owned: the owner is between two instructions of one request.
                claim.outcome = IN_PROGRESS;
                claim.framesDone = framesDone[entry];
                claim.lastPosition = lastPositions[entry];
                claim.journalIndex = journalIndexes[entry];
                return;
            }
            if (nowNs - insertedNs[entry] <= windowNs)
            {
                claim.framesDone = framesDone[entry];
                claim.lastPosition = lastPositions[entry];
                claim.journalIndex = journalIndexes[entry];
                if (digests[entry] != digest && olderDigest != null && digests[entry] == olderDigest.getAsLong())
                {
                    claim.digest = digests[entry];
                }
                if (digests[entry] != claim.digest || framesTotal[entry] != frames)
                {
                    claim.outcome = CONFLICT;
                }
                else if (framesDone[entry] >= frames)
                {
                    claim.outcome = DUPLICATE;
                    claim.ticket = tickets[entry];
                }
                else
                {
                    claim.outcome = RESUME;
                    owned[entry] = true;
                    claim.ticket = tickets[entry];
                }
                return;
            }
            if (!passOwned())
            {
                claim.outcome = FULL;
                return;
            }
            removeCell(cell); // the same id, expired: re-added fresh
        }
        else if (!passOwned())
        {
            claim.outcome = FULL;
            return;
        }
        final int entry = insert(msb, lsb, digest, frames, 0, nowNs);
        owned[entry] = true;
        claim.outcome = NEW;
        claim.ticket = tickets[entry];
        claim.framesDone = 0;
        claim.lastPosition = -1;
        claim.journalIndex = -1;
    }

    /**
     * Ends the ownership that {@link #claim} gave: {@code done} frames of the envelope are now in, the last at ring
     * {@code lastPosition} (-1 if none was published). A ticket whose id was forgotten meanwhile is ignored.
     */
    public synchronized void release(final long ticket, final int done, final long lastPosition)
    {
        final int entry = (int)(ticket & mask);
        if (tickets[entry] != ticket) // its slot was reused: the id was forgotten
        {
            return;
        }
        owned[entry] = false;
        framesDone[entry] = done;
        if (lastPosition >= 0)
        {
            lastPositions[entry] = lastPosition;
            journalIndexes[entry] = -1; // its last frame is now one this process published
        }
    }

    /**
     * Learns the journal position of the last frame of the envelope {@code ticket} names (what {@link #claim} gave
     * the request that published it), now that its frames are journaled: {@code journalIndexOf} maps that frame's
     * ring position to it (the pipeline's, exact while the ring slot is not reused, else -1, which teaches nothing).
     * A later duplicate is then answered with that position even after the ring has wrapped. An id forgotten
     * meanwhile, owned again (a resume publishing more) or already known is left as it is.
     */
    public synchronized void learnJournalIndex(final long ticket, final LongUnaryOperator journalIndexOf)
    {
        final int entry = (int)(ticket & mask);
        if (tickets[entry] != ticket || owned[entry] || lastPositions[entry] < 0 || journalIndexes[entry] >= 0)
        {
            return;
        }
        final long journalIndex = journalIndexOf.applyAsLong(lastPositions[entry]);
        if (journalIndex >= 0)
        {
            journalIndexes[entry] = journalIndex;
        }
    }

    /**
     * Remembers an id found in the journal at start: {@code framesJournaled} of its {@code frames} frames are
     * durable, the last at journal position {@code journalIndex}; none is in this process's ring. Restored oldest
     * first, so the most recent is forgotten last. Nothing is owned at start; were the oldest id owned, the id is not
     * remembered ({@link #FULL}'s rule), and false is returned.
     */
    public synchronized boolean restore(final long msb, final long lsb, final long digest, final int frames,
        final int framesJournaled, final long journalIndex, final long nowNs)
    {
        if (!passOwned())
        {
            return false;
        }
        final int cell = findCell(msb, lsb);
        if (cell >= 0)
        {
            removeCell(cell);
        }
        journalIndexes[insert(msb, lsb, digest, frames, framesJournaled, nowNs)] = journalIndex;
        return true;
    }

    /** Frames in for this id, or -1 when it is not remembered or expired (tests and tools). */
    public synchronized int framesDone(final long msb, final long lsb, final long nowNs)
    {
        final int cell = findCell(msb, lsb);
        if (cell < 0)
        {
            return -1;
        }
        final int entry = entryAt(cell);
        return owned[entry] || nowNs - insertedNs[entry] <= windowNs ? framesDone[entry] : -1;
    }

    /** Ids remembered now (including expired ones not yet overwritten). */
    public synchronized int size()
    {
        return (int)Math.min(inserted, mask + 1L);
    }

    /**
     * Makes the next {@link #insert} overwrite the oldest id no request is publishing, among the oldest
     * {@link #PROBE_SLOTS}: the owned ones before it are passed (their slots and tickets kept, so their release
     * finds them; they become the newest, forgotten a lap later at the earliest). False, changing nothing, when
     * each of those is owned. Until the log has wrapped, the next slot is a fresh one.
     */
    private boolean passOwned()
    {
        if (inserted <= mask)
        {
            return true;
        }
        final int probes = Math.min(PROBE_SLOTS, mask + 1);
        for (int i = 0; i < probes; i++)
        {
            if (!owned[(int)((inserted + i) & mask)])
            {
                inserted += i; // the tickets passed are never given: a ticket names its slot (ticket & mask)
                return true;
            }
        }
        return false;
    }

    /** Takes the next slot; the caller has made sure it is not owned ({@link #passOwned}). */
    private int insert(final long msb, final long lsb, final long digest, final int frames, final int done,
        final long nowNs)
    {
        final long ticket = inserted++;
        final int entry = (int)(ticket & mask);
        if (ticket > mask)
        {
            final int cell = findCell(msbs[entry], lsbs[entry]);
            if (cell >= 0 && entryAt(cell) == entry)
            {
                removeCell(cell);
            }
        }
        msbs[entry] = msb;
        lsbs[entry] = lsb;
        digests[entry] = digest;
        insertedNs[entry] = nowNs;
        tickets[entry] = ticket;
        framesDone[entry] = done;
        framesTotal[entry] = frames;
        lastPositions[entry] = -1;
        journalIndexes[entry] = -1;
        owned[entry] = false;
        final int hash = hash(msb, lsb);
        int cell = hash & indexMask;
        while (index[cell] != 0)
        {
            cell = (cell + 1) & indexMask;
        }
        index[cell] = (long)hash << 32 | entry + 1;
        return entry;
    }

    private int findCell(final long msb, final long lsb)
    {
        final int hash = hash(msb, lsb);
        for (int cell = hash & indexMask; ; cell = (cell + 1) & indexMask)
        {
            final long value = index[cell];
            if (value == 0)
            {
                return -1;
            }
            if ((int)(value >>> 32) == hash)
            {
                final int entry = (int)value - 1;
                if (msbs[entry] == msb && lsbs[entry] == lsb)
                {
                    return cell;
                }
            }
        }
    }

    /** The log slot of an occupied index cell. */
    private int entryAt(final int cell)
    {
        return (int)index[cell] - 1;
    }

    // Backward-shift deletion keeps every remaining key reachable from its home cell without tombstones.
    private void removeCell(final int removed)
    {
        int hole = removed;
        index[hole] = 0;
        for (int cell = (hole + 1) & indexMask; index[cell] != 0; cell = (cell + 1) & indexMask)
        {
            final int home = (int)(index[cell] >>> 32) & indexMask;
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
