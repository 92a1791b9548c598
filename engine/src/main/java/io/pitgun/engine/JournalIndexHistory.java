package io.pitgun.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The journal positions of the messages the journal stage appended last, by ring sequence, for some time after their
 * ring slots are reused: a durable answer names its last frame's journal position, and under load the event loop
 * may read it only once other producers have claimed more than a ring's worth of slots after it (a 1,000-frame
 * envelope takes a quarter of the default ring at once). The slot ({@link FrameSlot#journalIndex()}) answers while
 * it is not reused; this for the last {@link #capacityFor} journaled messages after that.
 *
 * <p>One writer, the thread that journals (the journal stage's, or the producer's with {@code journal.thread:
 * producer}); any number of readers; no allocation after construction. Each entry is a sequence tag and a position,
 * side by side, read and written as a sequence lock:
 * <pre>
 *   writer: tag = -1 ─▶ store-store fence ─▶ position ─▶ tag = sequence (release)
 *   reader: tag (acquire) == sequence ─▶ position ─▶ load-load fence ─▶ tag == sequence ? position : -1
 * </pre>
 * A reader that read a position the writer was replacing sees the tag changed on its second read.
 */
final class JournalIndexHistory
{
    /** Entries at least, whatever the ring's size: covers 65 envelopes of 1,000 frames on a 64-slot ring. */
    static final int MIN_ENTRIES = 1 << 16;
    /** Entries per ring slot, up to {@link #MAX_ENTRIES}. */
    static final int ENTRIES_PER_SLOT = 16;
    /** Entries at most (16 MiB). */
    static final int MAX_ENTRIES = 1 << 20;

    private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long NONE = -1;

    /** Tag at {@code 2 * i}, position at {@code 2 * i + 1}. */
    private final long[] entries;
    private final int mask;

    /** @param capacity entries, a power of two: {@link #capacityFor} the ring, or 1 for a pipeline without journal. */
    JournalIndexHistory(final int capacity)
    {
        entries = new long[2 * capacity];
        Arrays.fill(entries, NONE);
        mask = capacity - 1;
    }

    /** How many journaled messages it remembers for a ring of {@code ringSize} slots: a power of two. */
    static int capacityFor(final int ringSize)
    {
        final long wanted = Math.max(MIN_ENTRIES, (long)ringSize * ENTRIES_PER_SLOT);
        return (int)Math.max(ringSize, Math.min(MAX_ENTRIES, wanted));
    }

    /** Records that the message at ring {@code sequence} is at journal {@code position}. The writer's thread only. */
    void record(final long sequence, final long position)
    {
        final int at = ((int)sequence & mask) << 1;
        entries[at] = NONE;
        VarHandle.storeStoreFence();
        entries[at + 1] = position;
        ENTRY.setRelease(entries, at, sequence);
    }

    /** The journal position recorded for ring {@code sequence}, or -1 if none is (any more). Any thread. */
    long positionOf(final long sequence)
    {
        final int at = ((int)sequence & mask) << 1;
        if ((long)ENTRY.getAcquire(entries, at) != sequence)
        {
            return NONE;
        }
        final long position = (long)ENTRY.getOpaque(entries, at + 1);
        VarHandle.loadLoadFence();
        return (long)ENTRY.getOpaque(entries, at) == sequence ? position : NONE;
    }
}
