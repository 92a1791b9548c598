package io.pitgun.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Keeps, in the journal's directory, the cycle a writable open found missing ({@link Journal}'s missing last cycle)
 * until the next cycle file's marker names it ({@link CycleMarker#lastEntryUnknown}). The writable open rewrites
 * {@code metadata.cq4t} from the files it finds, so before, a writer that closed before it started a new cycle file
 * (a gateway failing between its open and its first write, a hive edge writer, an embedder) lost what the metadata
 * recorded, and the next writer's marker named the entry before the gap as the one before its file: every reader
 * then read across the gap without a word. One small text file ({@value #FILE_NAME}, the cycle number), written at
 * most once per open and deleted once the marker is written; readers never look at it (they list {@code .cq4}
 * files). Cold path.
 */
final class MissingCycleRecord
{
    /** The file's name in the journal's directory. */
    static final String FILE_NAME = "missing-cycle";

    private static final Logger LOG = LoggerFactory.getLogger(MissingCycleRecord.class);

    private MissingCycleRecord()
    {
    }

    /** The cycle recorded in {@code directory}, or {@code none} when there is no record (or one not readable). */
    static int read(final Path directory, final int none)
    {
        final Path file = directory.resolve(FILE_NAME);
        try
        {
            return Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).trim());
        }
        catch (final NoSuchFileException ex)
        {
            return none;
        }
        catch (final IOException | NumberFormatException ex)
        {
            LOG.warn("{}: cannot read the missing cycle it records ({}): a gap it recorded may go unreported", file,
                ex.toString());
            return none;
        }
    }

    /** Records {@code cycle} in {@code directory}, replacing a record there; a failure is logged, not thrown. */
    static void write(final Path directory, final int cycle)
    {
        final Path file = directory.resolve(FILE_NAME);
        try
        {
            final Path written = Files.writeString(directory.resolve(FILE_NAME + ".tmp"), Integer.toString(cycle),
                StandardCharsets.US_ASCII);
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            LOG.warn("{}: cannot record the missing cycle {} ({}): if this writer closes before it starts a new " +
                "cycle file, the gap goes unreported", file, cycle, ex.toString());
        }
    }

    /** Removes the record from {@code directory}, if there is one; a failure is logged, not thrown. */
    static void delete(final Path directory)
    {
        try
        {
            Files.deleteIfExists(directory.resolve(FILE_NAME));
        }
        catch (final IOException ex)
        {
            LOG.warn("{}: cannot delete {} ({}): the next writer may report a gap its marker already names",
                directory, FILE_NAME, ex.toString());
        }
    }
}
