package io.pitgun.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a cycle file says about the entry written before its first: the writer puts a Chronicle metadata record right
 * after the first entry of every cycle file, holding the Chronicle index of the journal's entry before it. A cycle
 * with no entry leaves no file, so without it a reader that goes from one cycle file to a later one cannot tell an
 * hour without data from a file deleted in the middle of the journal (a silent gap in a replay that promises every
 * frame). Readers skip metadata records, so the marker changes no index and no reader that does not look for it.
 * <pre>
 *   Chronicle metadata record: header (length 12, metadata bit) | magic int32 | previous entry's index int64
 * </pre>
 * Cycle files written by a build before the marker have none: across them a gap cannot be told.
 * <p>
 * A writer started after the journal's last cycle file was deleted finds its last entry in an earlier file and does
 * not know the last entry of the file deleted; its next file's marker names that cycle's last possible index instead
 * ({@link #lastEntryUnknown}), which no entry has (a cycle that full cannot roll), and readers say the deleted file's
 * entries are missing from its first on.
 */
final class CycleMarker
{
    /** No entry before: the journal's first cycle file (no marker is written), or no marker found. */
    static final long NONE = -1;

    /** "PGPE" (previous entry), little endian: Chronicle's own metadata records start with a wire type byte. */
    private static final int MAGIC = 0x45504750;
    private static final int CONTENT_LENGTH = Integer.BYTES + Long.BYTES;
    private static final int LENGTH_MASK = (1 << 30) - 1;
    private static final int METADATA = 0x4000_0000;
    /** Records looked at after the file's first entry: the marker follows it unless another writer came between. */
    private static final int RECORDS_AFTER_FIRST_ENTRY = 16;

    private CycleMarker()
    {
    }

    /** What a marker names when the entry before its file's first was in {@code cycle}, whose file was gone. */
    static long lastEntryUnknown(final RollCycle rollCycle, final int cycle)
    {
        return rollCycle.toIndex(cycle, rollCycle.maxMessagesPerCycle() - 1);
    }

    /** Whether a marker naming {@code previousEntry} says only its cycle ({@link #lastEntryUnknown}). */
    static boolean namesLastEntryUnknown(final RollCycle rollCycle, final long previousEntry)
    {
        return rollCycle.toSequenceNumber(previousEntry) == rollCycle.maxMessagesPerCycle() - 1;
    }

    /**
     * Writes the marker of the cycle file {@code appender} has just written its first entry to: the entry before it
     * is at Chronicle index {@code previousEntry} (not {@link #NONE}: the journal's first file has no marker).
     */
    static void write(final ExcerptAppender appender, final long previousEntry)
    {
        try (DocumentContext document = appender.writingDocument(true))
        {
            final Bytes<?> bytes = document.wire().bytes();
            bytes.writeInt(MAGIC);
            bytes.writeLong(previousEntry);
        }
    }

    /**
     * The Chronicle index of the entry written before the first entry of {@code cycleFile}, as its marker records it,
     * or {@link #NONE} when the file has no marker (or cannot be read: the read that follows reports it). Plain
     * positional reads of the record headers from the file's start, never a mapping: cold, once per gap in the cycles.
     */
    static long previousEntry(final Path cycleFile)
    {
        try (FileChannel channel = FileChannel.open(cycleFile, StandardOpenOption.READ))
        {
            final long size = channel.size();
            final ByteBuffer bytes = ByteBuffer.allocate(Integer.BYTES + CONTENT_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            long position = 0;
            int afterFirstEntry = -1;
            while (afterFirstEntry < RECORDS_AFTER_FIRST_ENTRY && position + bytes.capacity() <= size)
            {
                bytes.clear();
                while (bytes.hasRemaining() && channel.read(bytes, position + bytes.position()) >= 0)
                {
                    // fill
                }
                final int header = bytes.getInt(0);
                final int length = header & LENGTH_MASK;
                if (length == 0)
                {
                    return NONE; // the end of what was written
                }
                final boolean metadata = (header & METADATA) != 0;
                if (afterFirstEntry >= 0 && metadata && length == CONTENT_LENGTH &&
                    bytes.getInt(Integer.BYTES) == MAGIC)
                {
                    return bytes.getLong(2 * Integer.BYTES);
                }
                if (!metadata || afterFirstEntry >= 0)
                {
                    afterFirstEntry++;
                }
                position = (position + Integer.BYTES + length + 3) & ~3L;
            }
        }
        catch (final IOException ex)
        {
            return NONE;
        }
        return NONE;
    }
}
