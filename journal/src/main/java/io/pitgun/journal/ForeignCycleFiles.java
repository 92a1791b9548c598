package io.pitgun.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Finds a file in the journal directory named like a cycle file that does not start as one: another file copied in
 * under such a name, or a cycle file whose first bytes were overwritten. Chronicle lists it with the cycle files at a
 * writable open and then fails at the first read of it, saying only {@code Unexpected magic number 3c89c5e7}, naming
 * no file: a gateway exited that way, and from then on every journal tool too.
 * <p>
 * A cycle file starts with Chronicle's header record: a header word with the metadata bit set and a length of a few
 * hundred bytes ({@code SCQStore}). A first word of 0 is a file being created (or of 0 bytes: a process stopped between
 * creating and sizing it), which Chronicle sets up; a "not complete" bit is its creator at work, so it is let be. One
 * 4-byte read per cycle file at an open, none on the hot path.
 * <p>
 * A symbolic link named like a cycle file whose target is gone (the file moved or deleted behind it) is refused the
 * same way: it holds nothing to read, and before, {@code journal stats} failed on it with "cannot list the journal
 * files" while verify, dump, export and replay read past it and exited 0.
 */
final class ForeignCycleFiles
{
    private static final int NOT_COMPLETE = 0x8000_0000;
    private static final int METADATA = 0x4000_0000;
    private static final int LENGTH_MASK = (1 << 30) - 1;
    /** Far above the header record Chronicle writes (about 200 bytes), far below most words that are not one. */
    private static final int MAX_HEADER_LENGTH = 1 << 16;

    private ForeignCycleFiles()
    {
    }

    /**
     * Before an open: refuses a journal directory holding a file named like a cycle file that does not start as one,
     * or a symbolic link so named whose target does not exist.
     *
     * @throws JournalDamagedException naming the file and its first word, or the link and its target.
     */
    static void requireCycleFiles(final Path directory)
    {
        for (final Path file : CutCycleFiles.cycleFiles(directory))
        {
            if (Files.isSymbolicLink(file) && !Files.exists(file))
            {
                throw new JournalDamagedException(String.format("DAMAGED: %s is a symbolic link to %s, which does " +
                    "not exist (the cycle file moved or deleted behind it): move it out of %s, or put the file it " +
                    "names back", file.getFileName(), target(file), directory));
            }
            final int first = firstWord(file);
            if (first != 0 && !startsAsCycleFile(first))
            {
                throw new JournalDamagedException(String.format("DAMAGED: %s is not a cycle file of a journal: its " +
                    "first word is 0x%08x, not the header record a cycle file starts with (another file named like " +
                    "one, or its first bytes overwritten): move it out of %s; what it holds cannot be read",
                    file.getFileName(), first, directory));
            }
        }
    }

    /** Where a symbolic link points, as it is written, for a message. */
    private static String target(final Path link)
    {
        try
        {
            return Files.readSymbolicLink(link).toString();
        }
        catch (final IOException ex)
        {
            return "a file"; // gone since it was listed: the message names the link all the same
        }
    }

    /** A header record's word, complete or still being written (its length not yet known, or not yet complete). */
    private static boolean startsAsCycleFile(final int word)
    {
        return word == NOT_COMPLETE || (word & METADATA) != 0 && (word & LENGTH_MASK) <= MAX_HEADER_LENGTH;
    }

    /** The file's first header word (little endian, as Chronicle writes it), or 0 when it is shorter or unreadable. */
    private static int firstWord(final Path file)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer word = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (word.hasRemaining())
            {
                if (channel.read(word, word.position()) < 0)
                {
                    return 0;
                }
            }
            return word.getInt(0);
        }
        catch (final IOException ex)
        {
            return 0; // a directory or a file that cannot be opened: Chronicle's own open says what it is
        }
    }
}
