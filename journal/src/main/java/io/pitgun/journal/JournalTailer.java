package io.pitgun.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads a {@link Journal}'s entries in order, starting at the first. Allocation-free per entry: the handler gets a
 * view of the memory-mapped entry, not a copy.
 * <p>
 * <b>Threading:</b> one tailer per reading thread; the Chronicle tailer is created by the first call on the thread
 * that uses it. Tailers never block a writer and may read while another thread or process appends: an entry
 * becomes visible once its appender's {@code append} has returned (Chronicle publishes the document length with
 * an ordered store after the content, and the tailer reads it with a volatile load).
 */
public final class JournalTailer implements AutoCloseable
{
    private final Journal journal;
    private final UnsafeBuffer message = new UnsafeBuffer(0, 0);
    private ExcerptTailer tailer;

    JournalTailer(final Journal journal)
    {
        this.journal = journal;
    }

    /**
     * Delivers the next entry to the handler and returns true, or returns false at the end (no complete entry yet).
     * An entry whose handler throws counts as read: the exception propagates and the tailer has moved past it.
     *
     * @throws JournalException if the entry is too short to hold the ingest time (a damaged file); the tailer has
     *                          then moved past it.
     */
    public boolean readNext(final JournalEntryHandler handler)
    {
        try (DocumentContext document = tailer().readingDocument())
        {
            if (!document.isPresent())
            {
                return false;
            }
            final Bytes<?> bytes = document.wire().bytes();
            final long start = bytes.readPosition();
            final long messageLength = bytes.readRemaining() - JournalEntryDescriptor.MESSAGE_OFFSET;
            final long index = document.index();
            if (messageLength < 0)
            {
                throw new JournalException("entry " + index + " holds " + bytes.readRemaining() +
                    " bytes, fewer than its " + JournalEntryDescriptor.MESSAGE_OFFSET + "-byte ingest time");
            }
            final long ingestTimeNs = bytes.readLong(start + JournalEntryDescriptor.INGEST_TIME_OFFSET);
            final int length = (int)messageLength;
            final long messageStart = start + JournalEntryDescriptor.MESSAGE_OFFSET;
            // The two-argument form makes Chronicle map the whole range, so the view covers the entire message.
            message.wrap(bytes.addressForRead(messageStart, Math.max(length, 1)), length);
            handler.onEntry(index, message, 0, length, ingestTimeNs);
            return true;
        }
    }

    /**
     * Positions the tailer so that the next {@link #readNext} delivers the entry at {@code index}.
     *
     * @return false if there is no such entry (the position is then unspecified: move again or start over).
     */
    public boolean moveToIndex(final long index)
    {
        return tailer().moveToIndex(index);
    }

    /**
     * Index of the next entry to read. After the last entry of a cycle file this is that entry's index + 1, even
     * though the next entry written will have the following cycle's first index.
     */
    public long index()
    {
        return tailer().index();
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
