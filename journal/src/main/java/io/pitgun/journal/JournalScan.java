package io.pitgun.journal;

import org.agrona.DirectBuffer;

import java.io.UncheckedIOException;

/**
 * The read loop the journal tools share: delivers the messages whose position is in {@code [fromIndex, toIndex]} in
 * order, reports progress, and turns a failure inside Chronicle (a damaged file) into an outcome naming the index
 * instead of an exception. A message the tool itself fails on is reported to it as bad
 * ({@link JournalScanHandler#onBadMessage}) and the scan goes on: one message never hides the ones after it.
 */
public final class JournalScan implements JournalEntryHandler
{
    /** How the scan ended. {@code failedIndex} is {@link Journal#NO_INDEX} when every entry could be read. */
    public record Outcome(long entries, long failedIndex, String failure)
    {
        /** True if an unreadable entry ended the scan ({@code failure} says why). */
        public boolean failed()
        {
            return failure != null;
        }
    }

    private static final int PROGRESS_EVERY = 1024;

    private final long fromIndex;
    private final long toIndex;
    private JournalScanHandler handler;
    private boolean pastEnd;
    private long delivered;

    private JournalScan(final long fromIndex, final long toIndex)
    {
        this.fromIndex = fromIndex;
        this.toIndex = toIndex;
    }

    /**
     * Scans {@code journal}. {@code fromIndex}/{@code toIndex} of {@link Journal#NO_INDEX} mean the first/last
     * entry.
     */
    public static Outcome run(
        final Journal journal, final long fromIndex, final long toIndex, final JournalScanHandler handler,
        final ProgressListener progress)
    {
        final long first = journal.firstIndex();
        final long last = journal.lastIndex();
        final long from = fromIndex == Journal.NO_INDEX ? first : Math.max(fromIndex, first);
        final long to = toIndex == Journal.NO_INDEX ? last : Math.min(toIndex, last);
        final JournalScan scan = new JournalScan(from, to);
        scan.handler = handler;
        final long total = journal.countEntries(from, to);
        try (JournalTailer tailer = journal.tailer())
        {
            if (first == Journal.NO_INDEX || from > to)
            {
                return new Outcome(0, Journal.NO_INDEX, null);
            }
            try
            {
                if (!tailer.moveToIndex(from))
                {
                    // `from` names no entry (e.g. falls between cycle files): read from the start, skipping up to it.
                    tailer.moveToIndex(first);
                }
            }
            catch (final RuntimeException ex)
            {
                progress.onDone();
                return new Outcome(0, from, "cannot find the entry: " + describe(ex));
            }
            long entries = 0;
            while (!scan.pastEnd)
            {
                final long next = tailer.index();
                final boolean read;
                try
                {
                    read = tailer.readNext(scan);
                }
                catch (final UncheckedIOException ex)
                {
                    throw ex; // the tool's output failed, not the journal
                }
                catch (final RuntimeException | InternalError ex)
                {
                    // InternalError is how the JVM reports a fault reading a mapped file, e.g. when a damaged length
                    // sends Chronicle past the end of a cycle file.
                    progress.onDone();
                    return new Outcome(scan.delivered, next, "cannot read the entry: " + describe(ex));
                }
                if (!read)
                {
                    break;
                }
                // Progress counts entries (batches), as the total does; the outcome counts messages.
                entries++;
                if ((entries & (PROGRESS_EVERY - 1)) == 0)
                {
                    progress.onProgress(entries, total);
                }
            }
            progress.onProgress(entries, total);
            progress.onDone();
            return new Outcome(scan.delivered, Journal.NO_INDEX, null);
        }
    }

    @Override
    public void onEntry(
        final long index, final DirectBuffer buffer, final int offset, final int length, final long ingestTimeNs)
    {
        onEntry(index, buffer, offset, length, ingestTimeNs, JournalEventStamp.NONE);
    }

    /** Forwards the message with its event identity (a handler that does not read it ignores it). */
    @Override
    public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
        final long ingestTimeNs, final JournalEventStamp stamp)
    {
        if (index > toIndex)
        {
            pastEnd = true;
            return;
        }
        if (index < fromIndex)
        {
            return;
        }
        delivered++;
        try
        {
            handler.onEntry(index, buffer, offset, length, ingestTimeNs, stamp);
        }
        catch (final UncheckedIOException ex)
        {
            throw ex; // the tool's output failed, not the message
        }
        catch (final RuntimeException ex)
        {
            handler.onBadMessage(index, "cannot decode the message: " + describe(ex));
        }
    }

    private static String describe(final Throwable ex)
    {
        final String message = ex.getMessage();
        return message == null ? ex.getClass().getSimpleName() : message;
    }
}
