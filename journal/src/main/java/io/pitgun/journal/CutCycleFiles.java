package io.pitgun.journal;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds a cycle file cut short (e.g. by {@code truncate}, or a copy that stopped): a record whose length runs past the
 * file's end. Chronicle maps its files and trusts their lengths, so
 * a file cut short is a SIGBUS at the first read past the end, which the JVM turns into an {@link InternalError}; this
 * class says afterwards which file and where, and reads with positional reads only, never a mapping, so it cannot
 * fault itself.
 * <p>
 * It walks Chronicle's record headers (a 4-byte little-endian word: length in the low 30 bits, then the metadata and
 * not-complete bits; records 4-byte aligned) from the start of each file to the first empty header; a damaged header
 * before the cut ends the walk there, so the cut is then not found. Cold path: it reads the file up to its last
 * record through a 1 MiB window (the records' bytes too, where records are smaller than the window).
 */
final class CutCycleFiles
{
    private static final int LENGTH_MASK = (1 << 30) - 1;
    private static final int WINDOW_BYTES = 1 << 20;

    private CutCycleFiles()
    {
    }

    /**
     * What a fault reading the journal's mapped files ({@code fault}: an {@link InternalError}, or Chronicle's own
     * exception at a record cut off) means: the cut file and where, when one is found, else the fault's own words.
     */
    static String describeFault(final Path directory, final Throwable fault)
    {
        final String cut = describe(directory);
        return "a fault reading the journal's memory-mapped files (" + fault.getMessage() + "): " +
            (cut != null ? cut : "a cycle file may be shorter than the records it holds");
    }

    /** The first cycle file of {@code directory} cut short, with where, or null when none is found. */
    static String describe(final Path directory)
    {
        for (final Path file : cycleFiles(directory))
        {
            final String cut = describeFile(file);
            if (cut != null)
            {
                return cut;
            }
        }
        return null;
    }

    /**
     * The last cycle file (the one a writer appends to) if it is cut short, with where, else null: what a write
     * fault under a running writer is checked for ({@code JournalAppender}).
     */
    static String describeLast(final Path directory)
    {
        final List<Path> files = cycleFiles(directory);
        return files.isEmpty() ? null : describeFile(files.get(files.size() - 1));
    }

    /**
     * Before a writable open: refuses a last cycle file cut short. Chronicle would not fault there, but grow the file
     * back to its size with zeros, losing the records cut off without a word, and append after them where no in-order
     * read gets (it stops at the first zero header). Checked before Chronicle maps the file, for that reason.
     *
     * @throws JournalException naming the file and where it is cut.
     */
    static void requireWholeLastFile(final Path directory)
    {
        final String cut = describeLast(directory);
        if (cut != null)
        {
            throw new JournalDamagedException("DAMAGED: " + cut + "; frames appended now could not be read: run " +
                "`pitgun journal verify " + directory + "`");
        }
    }

    /**
     * Says that cycle file {@code fileName}, {@code size} bytes long, ends inside the record whose header is at
     * {@code recordStart} and whose bytes run to {@code recordEnd}: the words the walk and {@link JournalTailer} use.
     */
    static String cutInside(final String fileName, final long size, final long recordStart, final long recordEnd)
    {
        return String.format("%s is cut short: it ends at byte %,d, inside the record at byte %,d that runs to " +
            "byte %,d", fileName, size, recordStart, recordEnd);
    }

    /** The cycle files, oldest first (their names are their cycles' dates). */
    static List<Path> cycleFiles(final Path directory)
    {
        try (Stream<Path> list = Files.list(directory))
        {
            return list.filter(file -> file.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX))
                .sorted().toList();
        }
        catch (final IOException ex)
        {
            return List.of();
        }
    }

    /** {@code file} if it is cut short, with where, else null. */
    static String describeFile(final Path file)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            if (size == 0)
            {
                return null; // created, not yet sized or written (a process stopped right there): Chronicle sets it up
            }
            // Headers are read through a window of the file: one read per header would cost a system call per record.
            final ByteBuffer window = ByteBuffer.allocateDirect(WINDOW_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            long windowStart = 0;
            window.limit(0);
            long position = 0;
            while (true)
            {
                if (position + Integer.BYTES > size)
                {
                    return String.format("%s is cut short: it ends at byte %,d, where a record header should be",
                        file.getFileName(), size);
                }
                if (position < windowStart || position + Integer.BYTES > windowStart + window.limit())
                {
                    windowStart = position;
                    window.clear();
                    while (window.hasRemaining() && channel.read(window, windowStart + window.position()) >= 0)
                    {
                        // fill the window, or up to the end of the file
                    }
                    window.flip();
                }
                final int header = window.getInt((int)(position - windowStart));
                final int length = header & LENGTH_MASK;
                if (length == 0)
                {
                    return null; // the end of what was written (or a record being written)
                }
                final long end = position + Integer.BYTES + length;
                if (end > size)
                {
                    return cutInside(file.getFileName().toString(), size, position, end);
                }
                position = (end + 3) & ~3L;
            }
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
