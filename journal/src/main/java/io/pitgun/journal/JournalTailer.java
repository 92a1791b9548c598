package io.pitgun.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.Consumer;

/**
 * Reads a {@link Journal}'s messages in order, starting at the first, one entry (batch) per {@link #readNext}.
 * Allocation-free per message: the handler gets a view of the memory-mapped message, not a copy.
 * <p>
 * <b>Threading:</b> one tailer per reading thread; the Chronicle tailer is created by the first call on the thread
 * that uses it. Tailers never block a writer and may read while another thread or process appends: an entry
 * becomes visible once its appender's {@code commit} has returned (Chronicle publishes the document length with
 * an ordered store after the content, and the tailer reads it with a volatile load).
 */
public final class JournalTailer implements AutoCloseable
{
    private final Journal journal;
    private final UnsafeBuffer message = new UnsafeBuffer(0, 0);
    private final JournalEventStamp stamp = new JournalEventStamp();
    private ExcerptTailer tailer;
    private int skip;
    /** The cycle file the last entry was read from, and its length when last looked at (see {@link #requireWhole}). */
    private MappedFile file;
    private long fileLength;
    private final RollCycle rollCycle;
    /** The cycle and Chronicle index of the last entry read since the last move, to find gaps ({@link #readNext}). */
    private int lastCycle = NO_CYCLE;
    private long lastEntry;
    private boolean backward;
    private long gaps;
    private JournalGap firstGap;
    private JournalGap lastGap;
    /** Told of each gap as it is found (a live reader's count and log), or null. */
    private Consumer<JournalGap> gapListener;

    private static final int NO_CYCLE = Integer.MIN_VALUE;

    JournalTailer(final Journal journal)
    {
        this.journal = journal;
        this.rollCycle = journal.rollCycle();
    }

    /**
     * Delivers the messages of the next entry to the handler, in order, and returns true; or returns false at the
     * end (no complete entry yet). After {@link #moveToIndex} to a message other than an entry's first, the
     * messages before it are skipped. An entry whose handler throws counts as read: the exception propagates and
     * the tailer has moved past the whole entry.
     * <p>
     * Going from one cycle file to another that is not the next cycle's, the read looks for entries missing between
     * them ({@link JournalGap}): one found is counted ({@link #gaps()}, {@link #firstGap()}), not thrown, and the
     * entry is delivered as any other. A reader that promises every entry checks {@link #gaps()}.
     *
     * @throws JournalException naming the position if the entry's count or lengths do not fit its size (a damaged
     *                          file); the tailer has then moved past it.
     * @throws JournalNewerFormatException if the entry's record format is newer than this build reads (written by
     *                                     a newer build); the tailer has then moved past it.
     * @throws JournalDamagedException if the entry's record runs past the end of its cycle file (a file cut short):
     *                                 nothing of it is delivered, and what follows it cannot be read.
     */
    public boolean readNext(final JournalEntryHandler handler)
    {
        try (DocumentContext document = tailer().readingDocument())
        {
            if (!document.isPresent())
            {
                return false;
            }
            onCycleOf(document.index());
            final Bytes<?> bytes = document.wire().bytes();
            final long start = bytes.readPosition();
            final long end = bytes.readLimit();
            final long base = JournalEntryDescriptor.position(document.index(), 0);
            final int skip = this.skip;
            this.skip = 0;
            requireWhole(bytes, start, end, base);
            if (end - start < JournalEntryDescriptor.ENTRY_HEADER_LENGTH)
            {
                throw new JournalException("entry at " + base + " holds " + (end - start) +
                    " bytes, fewer than its " + JournalEntryDescriptor.ENTRY_HEADER_LENGTH + "-byte header");
            }
            final int count = bytes.readInt(start + JournalEntryDescriptor.COUNT_OFFSET);
            if (count <= 0 || count > JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY)
            {
                throw new JournalException("entry at " + base + " has message count " + count + ", not in [1, " +
                    JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY + "]");
            }
            final int format = bytes.readInt(start + JournalEntryDescriptor.FORMAT_OFFSET);
            if (format != JournalEntryDescriptor.FORMAT_PLAIN && format != JournalEntryDescriptor.FORMAT_EVENT_IDENTITY)
            {
                final String problem = "entry at " + base + " has record format " + format + ", not " +
                    JournalEntryDescriptor.FORMAT_PLAIN + " or " + JournalEntryDescriptor.FORMAT_EVENT_IDENTITY;
                if (format > JournalEntryDescriptor.FORMAT_EVENT_IDENTITY)
                {
                    throw new JournalNewerFormatException(problem, base, format);
                }
                throw new JournalException(problem);
            }
            final int lengthOffset = JournalEntryDescriptor.lengthOffset(format);
            final int messageOffset = JournalEntryDescriptor.messageOffset(format);
            // Check the whole entry before delivering any of it, so a damaged entry delivers nothing.
            long record = start + JournalEntryDescriptor.ENTRY_HEADER_LENGTH;
            for (int ordinal = 0; ordinal < count; ordinal++)
            {
                final long messageStart = record + messageOffset;
                if (messageStart > end)
                {
                    throw new JournalException("message " + (base + ordinal) + " is cut short: its record header " +
                        "runs past the end of the entry");
                }
                final int length = bytes.readInt(record + lengthOffset);
                if (length <= 0 || length > end - messageStart)
                {
                    throw new JournalException("message " + (base + ordinal) + " has length " + length +
                        ", not in [1, " + (end - messageStart) + "] (the bytes left in its entry)");
                }
                record = messageStart + length;
            }
            if (record != end)
            {
                throw new JournalException("entry at " + base + " holds " + (end - record) + " bytes after its " +
                    count + " messages");
            }
            record = start + JournalEntryDescriptor.ENTRY_HEADER_LENGTH;
            for (int ordinal = 0; ordinal < count; ordinal++)
            {
                final long messageStart = record + messageOffset;
                final int length = bytes.readInt(record + lengthOffset);
                if (ordinal >= skip)
                {
                    // The two-argument form makes Chronicle map the whole range, so the view covers the message.
                    message.wrap(bytes.addressForRead(messageStart, length), length);
                    if (format == JournalEntryDescriptor.FORMAT_PLAIN)
                    {
                        stamp.set(0, 0, 0, 0, 0, format);
                    }
                    else
                    {
                        stamp.set(bytes.readLong(record + JournalEntryDescriptor.EVENT_ID_MSB_OFFSET),
                            bytes.readLong(record + JournalEntryDescriptor.EVENT_ID_LSB_OFFSET),
                            bytes.readLong(record + JournalEntryDescriptor.CONTENT_DIGEST_OFFSET),
                            bytes.readInt(record + JournalEntryDescriptor.FRAME_ORDINAL_OFFSET),
                            bytes.readInt(record + JournalEntryDescriptor.FRAME_COUNT_OFFSET), format);
                    }
                    handler.onEntry(base + ordinal, message, 0, length,
                        bytes.readLong(record + JournalEntryDescriptor.INGEST_TIME_OFFSET), stamp);
                }
                record = messageStart + length;
            }
            return true;
        }
    }

    /**
     * Notes the entry at Chronicle index {@code entry} as read, and when it is in a cycle more than one away from the
     * entry read before it (an hour without entries leaves no file: only then can a file be missing), asks the later
     * file's marker which entry was written before it. Per entry a shift and a compare; the marker is read (a few
     * positional reads) once per such jump.
     */
    private void onCycleOf(final long entry)
    {
        final int cycle = rollCycle.toCycle(entry);
        if (cycle != lastCycle)
        {
            if (lastCycle != NO_CYCLE && Math.abs((long)cycle - lastCycle) > 1)
            {
                final int later = backward ? lastCycle : cycle;
                final long before = backward ? entry : lastEntry;
                final long previous = CycleMarker.previousEntry(journal.cycleFile(later));
                // A marker naming an entry of its own file or a later one is not believed: the build before
                // JournalCycleMarkerRaceTest's fix could write one (another appender's entry), over no gap.
                final int missingCycle = previous == CycleMarker.NONE ? NO_CYCLE : rollCycle.toCycle(previous);
                if (previous != CycleMarker.NONE && previous > before && missingCycle < later)
                {
                    // A marker may name only a cycle, whose file was gone when the writer started (CycleMarker).
                    final boolean lastUnknown = CycleMarker.namesLastEntryUnknown(rollCycle, previous);
                    gaps++;
                    lastGap = new JournalGap(JournalEntryDescriptor.position(before, 0),
                        JournalEntryDescriptor.position(lastUnknown ? rollCycle.toIndex(missingCycle, 0) : previous, 0),
                        journal.cycleFile(missingCycle).getFileName().toString(),
                        journal.cycleFile(later).getFileName().toString(), !lastUnknown);
                    if (firstGap == null)
                    {
                        firstGap = lastGap;
                    }
                    if (gapListener != null)
                    {
                        gapListener.accept(lastGap);
                    }
                }
            }
            lastCycle = cycle;
        }
        lastEntry = entry;
    }

    /**
     * Tells {@code listener}, on the reading thread, of each gap ({@link JournalGap}) as it is found: in the
     * {@link #readNext} that delivers the entry after it, before the entry. For a reader that runs on (a live
     * follower): it counts and reports each gap as it reads across it ({@link JournalGapLog}).
     */
    public void onGap(final Consumer<JournalGap> listener)
    {
        this.gapListener = listener;
    }

    /** Gaps found between cycle files so far: entries missing because the files that held them are gone. */
    public long gaps()
    {
        return gaps;
    }

    /** The first gap {@link #gaps()} counts, or null. */
    public JournalGap firstGap()
    {
        return firstGap;
    }

    /** The last gap {@link #gaps()} counts, or null. */
    public JournalGap lastGap()
    {
        return lastGap;
    }

    /**
     * Refuses a record that runs past the end of its cycle file (one cut short, e.g. by {@code truncate}): its bytes
     * in the file's last page would read as zeros, which can still look like a well-formed entry, and those past it
     * fault (see {@link CutCycleFiles}). Chronicle trusts the record's header for its length. The file's length is
     * asked for once per file, and again only when a record seems to pass it: a file being appended to grows.
     */
    private void requireWhole(final Bytes<?> bytes, final long start, final long end, final long base)
    {
        if (!(bytes instanceof MappedBytes mapped))
        {
            return;
        }
        final MappedFile current = mapped.mappedFile();
        if (current != file)
        {
            file = current;
            fileLength = current.actualSize();
        }
        if (end > fileLength)
        {
            fileLength = current.actualSize();
            if (end > fileLength)
            {
                throw new JournalDamagedException("entry at " + base + ": " + CutCycleFiles.cutInside(
                    current.file().getName(), fileLength, start - Integer.BYTES, end));
            }
        }
    }

    /**
     * Positions the tailer so that the next {@link #readNext} delivers the message at {@code index} (a position,
     * {@link JournalEntryDescriptor#position}) and the rest of its entry.
     *
     * @return false if there is no such entry (the position is then unspecified: move again or start over).
     */
    public boolean moveToIndex(final long index)
    {
        skip = JournalEntryDescriptor.ordinal(index);
        lastCycle = NO_CYCLE; // a move is not a read across what it passes
        final boolean found = tailer().moveToIndex(JournalEntryDescriptor.entryIndex(index));
        if (!found)
        {
            skip = 0;
        }
        return found;
    }

    /**
     * Turns the tailer round to read backwards from the end: the next {@link #readNext} delivers the last complete
     * entry, the one after it the entry before, and so on until the first (each entry's messages still in order).
     * For rebuilding state from a journal's recent tail without reading all of it.
     */
    public void readBackwardsFromEnd()
    {
        skip = 0;
        lastCycle = NO_CYCLE;
        backward = true;
        tailer().direction(TailerDirection.BACKWARD).toEnd();
    }

    /**
     * Position of the first message of the next entry to read. After the last entry of a cycle file this is the
     * position of that entry's index + 1, even though the next entry written will have the following cycle's first
     * index.
     */
    public long index()
    {
        return JournalEntryDescriptor.position(tailer().index(), 0);
    }

    /** Releases the tailer's hold on the queue files. Call from the reading thread; the journal closes leftovers. */
    @Override
    public void close()
    {
        if (tailer != null)
        {
            tailer.close();
            tailer = null;
        }
        journal.forget(this);
    }

    private ExcerptTailer tailer()
    {
        ExcerptTailer tailer = this.tailer;
        if (tailer == null)
        {
            tailer = journal.newChronicleTailer();
            this.tailer = tailer;
        }
        return tailer;
    }
}
