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
    /**
     * How the scan ended. {@code failedIndex} is {@link Journal#NO_INDEX} when every entry could be read;
     * {@code firstIndex}/{@code lastIndex} are the journal's as the scan found them ({@link Journal#NO_INDEX} when
     * empty), so that a caller need not ask a journal whose files may have faulted again.
     */
    public record Outcome(long entries, long failedIndex, String failure, long firstIndex, long lastIndex)
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
    /** Position of the last message read in order, in the range or not: where an in-order read got to. */
    private long lastRead = Journal.NO_INDEX;

    private JournalScan(final long fromIndex, final long toIndex)
    {
        this.fromIndex = fromIndex;
        this.toIndex = toIndex;
    }

    /**
     * The entries in {@code [from, to]} for the progress's total, or 0 (unknown: no total) when Chronicle cannot count
     * them: its count opens the cycle file of each end, and one of them may be gone (a file deleted from the middle of
     * the journal, with {@code --from} or {@code --to} inside it), where it threw {@code 'file not found' for the
     * upperCycle} and the tool stopped before reading anything. The read that follows reports the gap.
     */
    private static long countOrUnknown(final Journal journal, final long from, final long to)
    {
        try
        {
            return journal.countEntries(from, to);
        }
        catch (final IllegalStateException ex)
        {
            return 0;
        }
    }

    /**
     * Scans {@code journal}. {@code fromIndex}/{@code toIndex} of {@link Journal#NO_INDEX} mean the first/last
     * entry.
     * <p>
     * Besides an entry Chronicle cannot read, the scan fails when reading in order ends before the range's last
     * index: Chronicle's last index comes from the cycle file's own index and write position, but an in-order read
     * stops at a damaged (zeroed) record header and skips one marked as metadata, so without this check the entries
     * after such a header would be left out without a word. The outcome then names the last index read in order
     * and the last the journal claims. A scan to the journal's end fails at once, reading nothing, when the cycle file
     * the journal's metadata records as its last is missing ({@link Journal#missingLastCycleFile}). A scan whose range
     * ends before the journal's last entry checks only that it read up to its range's end. When the journal's last
     * index cannot be found ({@link Journal#lastIndex} faulted: a cycle file cut short), the scan reads in order up
     * to the damage, delivers every whole entry before it and fails there; its outcome's {@code lastIndex} is then
     * the last index read. Entries missing between two cycle files read ({@link JournalGap}: a file deleted from the
     * middle) are reported to the handler as a bad message at the last one missing, and the scan goes on.
     *
     * @throws JournalException saying the journal is DAMAGED when reading its first index faulted: nothing was read.
     */
    public static Outcome run(
        final Journal journal, final long fromIndex, final long toIndex, final JournalScanHandler handler,
        final ProgressListener progress)
    {
        if (toIndex == Journal.NO_INDEX)
        {
            // Before Chronicle looks for the last entry in a file that is not there (its own assertions fail there).
            final Journal.MissingCycleFile missing = journal.missingLastCycleFile();
            if (missing != null)
            {
                progress.onDone();
                return new Outcome(0, missing.firstIndex(), missing.describe(), Journal.NO_INDEX, Journal.NO_INDEX);
            }
        }
        final long first = journal.firstIndex();
        final Journal.LastIndex lastIndex = journal.lastIndexOrDamage(Long.MAX_VALUE);
        final long last = lastIndex.index();
        final JournalDamagedException lastUnknown = lastIndex.unknown();
        final long from = fromIndex == Journal.NO_INDEX ? first : Math.max(fromIndex, first);
        final long to = toIndex == Journal.NO_INDEX ? last : Math.min(toIndex, last);
        final JournalScan scan = new JournalScan(from, to);
        scan.handler = handler;
        // Chronicle counts by the same search for the end as the last index; unknown, the progress has no total.
        final long total = lastUnknown != null ? 0 : countOrUnknown(journal, from, to);
        try (JournalTailer tailer = journal.tailer())
        {
            if (first == Journal.NO_INDEX && lastUnknown != null)
            {
                progress.onDone();
                return new Outcome(0, Journal.NO_INDEX, lastUnknown.getMessage(), first, Journal.NO_INDEX);
            }
            if (first == Journal.NO_INDEX || from > to)
            {
                return new Outcome(0, Journal.NO_INDEX, null, first, scan.lastKnown(last));
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
                return new Outcome(0, from, "cannot find the entry: " + describe(ex), first,
                    scan.lastKnown(last));
            }
            catch (final InternalError ex)
            {
                progress.onDone();
                return new Outcome(0, from, journal.damageOf(ex).getMessage(), first, scan.lastKnown(last));
            }
            long entries = 0;
            long gapsSeen = 0;
            while (!scan.pastEnd)
            {
                final long next = tailer.index();
                if (next > to)
                {
                    // The range ended with the entry before: the next one is not read (it may be the damage).
                    scan.pastEnd = true;
                    break;
                }
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
                    // Chronicle's own exception at a record cut off, or how the JVM reports a fault reading a mapped
                    // file (an InternalError), e.g. when a damaged length or a file cut short sends Chronicle past
                    // its end. The mapping is not to be read again: stop here.
                    progress.onDone();
                    final JournalDamagedException damage = journal.damageOf(ex);
                    return new Outcome(scan.delivered, next, "cannot read the entry: " +
                        describe(damage != null ? damage : ex), first, scan.lastKnown(last));
                }
                if (tailer.gaps() != gapsSeen)
                {
                    gapsSeen = tailer.gaps();
                    reportGap(tailer.lastGap(), from, handler);
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
            if (lastUnknown != null && !scan.pastEnd)
            {
                // The read ended (at a zeroed header) without reaching the damage that hid the journal's end.
                return new Outcome(scan.delivered, tailer.index(), lastUnknown.getMessage(), first, scan.lastRead);
            }
            if (!scan.pastEnd && stoppedShort(scan.lastRead, to))
            {
                return new Outcome(scan.delivered, scan.lastRead == Journal.NO_INDEX ? from :
                    JournalEntryDescriptor.position(JournalEntryDescriptor.entryIndex(scan.lastRead) + 1, 0),
                    shortRead(scan.lastRead, to), first, scan.lastKnown(last));
            }
            return new Outcome(scan.delivered, Journal.NO_INDEX, null, first, scan.lastKnown(last));
        }
    }

    /**
     * Reports entries missing between two cycle files ({@link JournalGap}) inside the scan's range as a bad message
     * at the last one missing: every tool then counts it as damage (exit 1) and goes on reading the entries after.
     */
    private static void reportGap(final JournalGap gap, final long from, final JournalScanHandler handler)
    {
        if (gap.missingUpTo() >= from)
        {
            handler.onBadMessage(gap.missingUpTo(), gap.describe());
        }
    }

    /**
     * Whether reading in order, which got to {@code lastRead} ({@link Journal#NO_INDEX}: no entry), stopped before
     * the entry of {@code claimedLast}, the last index the journal claims (or the range's end).
     */
    public static boolean stoppedShort(final long lastRead, final long claimedLast)
    {
        return lastRead == Journal.NO_INDEX ||
            JournalEntryDescriptor.entryIndex(lastRead) < JournalEntryDescriptor.entryIndex(claimedLast);
    }

    /**
     * Says that reading in order stopped after {@code lastRead} ({@link Journal#NO_INDEX}: before any entry) though
     * the journal claims entries up to {@code claimedLast}: the words every journal tool reports this with.
     */
    public static String shortRead(final long lastRead, final long claimedLast)
    {
        return "reading in order " + (lastRead == Journal.NO_INDEX ? "finds no entry" :
            "stops after index " + lastRead) + ", but the journal claims entries up to index " + claimedLast +
            ": a damaged record header hides the entries after the last one read (or made the read skip one); " +
            "they were not read";
    }

    /** The journal's last index as the outcome reports it: {@code last}, or when that is unknown, the last read. */
    private long lastKnown(final long last)
    {
        return last == Long.MAX_VALUE ? lastRead : last;
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
        lastRead = index;
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
