package io.pitgun.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;

/**
 * Appends entries to a {@link Journal}. Allocation-free per entry after the first append of each cycle file.
 * <p>
 * <b>Threading:</b> one appender per journal and one thread calling {@link #append}; the Chronicle appender is
 * created by the first {@code append} on the thread that makes it, so the object may be handed from the thread
 * that opened the journal to the one that writes.
 * <p>
 * <b>Durability:</b> when {@code append} returns, the entry is complete in the memory-mapped queue file: a reader
 * in any process sees it, and it survives the writing process being killed (the kernel owns the page cache). It
 * is not yet forced to the storage device, so a power loss may lose recent entries.
 */
public final class JournalAppender
{
    private final Journal journal;
    private ExcerptAppender appender;
    private long lastAppendedIndex = Journal.NO_INDEX;

    JournalAppender(final Journal journal)
    {
        this.journal = journal;
    }

    /**
     * Appends one entry: the SBE message (message header included) in {@code buffer[offset, offset + length)}, plus
     * metadata kept out of derived output (the ingest time, for latency only).
     *
     * @return the entry's index.
     * @throws IllegalArgumentException if {@code length} is not in {@code [1, MAX_MESSAGE_LENGTH]} (nothing is
     *                                  written).
     */
    public long append(final DirectBuffer buffer, final int offset, final int length, final long ingestTimeNs)
    {
        if (length <= 0 || length > JournalEntryDescriptor.MAX_MESSAGE_LENGTH)
        {
            throw new IllegalArgumentException("length: " + length + " is not in [1, " +
                JournalEntryDescriptor.MAX_MESSAGE_LENGTH + "]");
        }
        buffer.boundsCheck(offset, length);
        ExcerptAppender appender = this.appender;
        if (appender == null)
        {
            appender = journal.newChronicleAppender();
            this.appender = appender;
        }
        try (DocumentContext document = appender.writingDocument())
        {
            final Bytes<?> bytes = document.wire().bytes();
            bytes.writeLong(ingestTimeNs);
            final byte[] array = buffer.byteArray();
            if (array != null)
            {
                // addressOffset() of an array-backed Agrona buffer is the Unsafe offset into that array.
                bytes.unsafeWriteObject(array, (int)(buffer.addressOffset() + offset), length);
            }
            else
            {
                bytes.unsafeWrite(buffer.addressOffset() + offset, length);
            }
        }
        final long index = appender.lastIndexAppended();
        lastAppendedIndex = index;
        return index;
    }

    /** Index of the last entry this appender wrote, or {@link Journal#NO_INDEX} before the first. */
    public long lastAppendedIndex()
    {
        return lastAppendedIndex;
    }

    void close()
    {
        if (appender != null)
        {
            appender.close();
            appender = null;
        }
    }
}
