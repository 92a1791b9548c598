package io.pitgun.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Reads the journal's last index on its own thread ({@value #THREAD_NAME}), never on an event loop: a journaled
 * answer whose last frame's position the pipeline no longer knows (its ring slot reused, and older than the journal
 * index history) names that index as an upper bound of its own, and
 * finding it opens a tailer and reads the journal's last entry (file I/O, page faults). The last read is kept
 * ({@link #cachedIndex}), so one read serves every answer whose frame was journaled before it began; an event loop
 * asks for at most one read at a time ({@link JournalIndexResolver}), so the bounded queue only refuses after
 * {@link #close}.
 * <pre>
 *   reader thread:  covered = journaledSequence() ─▶ index = lastIndex() ─▶ latest = (covered, index)  (volatile)
 *   any thread:     latest.covered &gt;= position ? latest.index : not read   (the frame was journaled before the
 *                   read began, so the journal's last index then is at least the frame's own)
 * </pre>
 */
final class JournalTailReader implements AutoCloseable
{
    /** The reader thread's name. */
    static final String THREAD_NAME = "pitgun-gateway-journal-read";
    /** {@link #cachedIndex} when no read covers the position yet. */
    static final long NOT_READ = Long.MIN_VALUE;

    private static final Logger LOG = LoggerFactory.getLogger(JournalTailReader.class);

    /** What a read found: the journal's last index, read after the journaled sequence was {@code covered}. */
    private record Snapshot(long covered, long index)
    {
    }

    private final LongSupplier journaledSequence;
    private final LongSupplier lastIndex;
    private final ThreadPoolExecutor executor;
    private volatile Snapshot latest;
    private volatile long reads;

    /**
     * @param journaledSequence the pipeline's journaled ring sequence.
     * @param lastIndex         reads the journal's last index (slow: file I/O), -1 when it is empty.
     * @param queueCapacity     reads that may wait: at least one per event loop.
     */
    JournalTailReader(final LongSupplier journaledSequence, final LongSupplier lastIndex, final int queueCapacity)
    {
        this.journaledSequence = journaledSequence;
        this.lastIndex = lastIndex;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queueCapacity), runnable ->
            {
                final Thread thread = new Thread(runnable, THREAD_NAME);
                thread.setDaemon(true);
                return thread;
            });
    }

    /**
     * An upper bound of the journal index of the frame at ring {@code position} (journaled) from the last read, or
     * {@link #NOT_READ} when that read began before the frame was journaled. Lock-free and allocation-free.
     */
    long cachedIndex(final long position)
    {
        final Snapshot snapshot = latest;
        return snapshot != null && snapshot.covered >= position ? snapshot.index : NOT_READ;
    }

    /**
     * Reads the journal's last index on the reader thread, then runs {@code onRead} on {@code loop} (also when the
     * read failed: then the positions it covers get -1, no index).
     *
     * @return false when the read cannot be queued (after {@link #close}); {@code onRead} will not run.
     */
    boolean read(final Executor loop, final Runnable onRead)
    {
        try
        {
            executor.execute(() ->
            {
                refresh();
                try
                {
                    loop.execute(onRead);
                }
                catch (final RejectedExecutionException ex)
                {
                    LOG.debug("event loop stopped before a journal read completed"); // shutdown: nobody waits
                }
            });
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            return false;
        }
    }

    /** Reads done so far (tests and diagnostics). */
    long reads()
    {
        return reads;
    }

    private void refresh()
    {
        final long covered = journaledSequence.getAsLong();
        long index = -1;
        try
        {
            index = lastIndex.getAsLong();
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("cannot read the journal's last index ({}); answers name no journal_index", ex.toString());
        }
        latest = new Snapshot(covered, index);
        reads++; // one writer thread
    }

    /** Stops the reader thread; reads queued before still run. */
    @Override
    public void close()
    {
        executor.shutdown();
    }
}
