package io.pitgun.journal;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * A journal's {@code metadata.cq4t} that Chronicle cannot read: cut short (a copy that stopped, a {@code truncate}), or
 * empty (0 bytes, or zeros) beside cycle files. Chronicle's open then falls back to a read-only store of its own and
 * logs the exception's stack trace (20 to 100 lines); a writable open of a file cut short is then read-only, and a
 * gateway exited with Chronicle's words {@code Can't append to a read-only chronicle}, naming no file.
 * <p>
 * The file's records have the cycle files' layout, so {@link CutCycleFiles#describeFile} walks them with plain reads.
 * A file half-written by a killed creator is {@link HalfCreatedMetadata}'s, looked at first.
 */
final class DamagedMetadata
{
    /** What an operator does about it, said once for both kinds of damage. */
    private static final String MOVE_IT_ASIDE = "move it aside (the gateway's next start writes it again; the " +
        "journal tools read the cycle files without it)";

    private DamagedMetadata()
    {
    }

    /**
     * Before an open: refuses a {@code metadata.cq4t} cut short (any open), or an empty one beside cycle files (a
     * read-only open: a writable one creates it again, as for a new journal). An empty one (shorter than a header,
     * or its first header 0) is not cut short: it is a live creator's before its mark, which Chronicle waits for
     * itself ({@link HalfCreatedMetadata}); taking it for damage refused opens that raced a journal's creation.
     *
     * @throws JournalDamagedException naming the file, what is wrong and what to do.
     */
    static void requireReadable(final Path directory, final boolean readOnly)
    {
        final Path file = HalfCreatedMetadata.file(directory);
        final String cut = Files.exists(file) && !isEmpty(file) ? CutCycleFiles.describeFile(file) : null;
        if (cut != null)
        {
            throw new JournalDamagedException("DAMAGED: " + cut + ", so Chronicle cannot read the journal's " +
                "settings from it: " + MOVE_IT_ASIDE);
        }
        if (readOnly && isEmpty(file) && hasCycleFiles(directory))
        {
            throw new JournalDamagedException("DAMAGED: " + file.getFileName() + " is empty (no header in its " +
                String.format("%,d", size(file)) + " bytes) beside the cycle files: " + MOVE_IT_ASIDE);
        }
    }

    /**
     * Whether {@code metadata.cq4t} is there but records nothing: 0 bytes, or a first header of 0 (a process stopped
     * between creating and writing it). A writable open creates it again; there is nothing to read from it first.
     */
    static boolean isEmpty(final Path file)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer word = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder());
            while (word.hasRemaining())
            {
                if (channel.read(word, word.position()) < 0)
                {
                    return true;
                }
            }
            return word.getInt(0) == 0;
        }
        catch (final NoSuchFileException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
        }
    }

    private static long size(final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
        }
    }

    private static boolean hasCycleFiles(final Path directory)
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX));
        }
        catch (final IOException ex)
        {
            return false; // the tools' own reads report the directory
        }
    }
}
