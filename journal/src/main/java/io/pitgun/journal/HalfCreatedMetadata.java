package io.pitgun.journal;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.table.SingleTableStore;
import net.openhft.chronicle.wire.Wires;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A journal's {@code metadata.cq4t} that a process killed while creating it left half-written, and its repair.
 * <p>
 * Chronicle creates the file, then, under its table-store file lock, marks its first header "not complete"
 * ({@link Wires#NOT_COMPLETE}), writes the header and completes it. A {@code kill -9} between the mark and the
 * completion leaves the mark, and Chronicle never clears it: every later open, writing or reading, finds a header
 * that is "not ready", takes that for a lock held elsewhere and retries until its 10 s timeout, so the journal can
 * never be opened again (a hive's edge journal stayed shut this way after a kill in {@code ShippingChaosTest}).
 * <p>
 * The complete header is written before anything else, so a file whose first header still carries the mark holds
 * nothing but that partial header. Only the mark counts: a header of 0 or a file shorter than a header is a file
 * being created, which Chronicle waits for itself. The first look takes no lock, so an open of a sound journal
 * costs one read and nothing that could collide with Chronicle's own file locks; a marked header is looked at again
 * under Chronicle's lock, which a live creator holds from the mark to the completion. Still marked there, a writable
 * open clears the file to zeros and Chronicle creates it again as for a new journal; a read-only open, which may not
 * write, is refused at once with a message that says what happened.
 */
final class HalfCreatedMetadata
{
    private static final Logger LOG = LoggerFactory.getLogger(HalfCreatedMetadata.class);

    private HalfCreatedMetadata()
    {
    }

    /** The journal's metadata file in {@code directory}. */
    static Path file(final Path directory)
    {
        return directory.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE);
    }

    /**
     * Before a writable open: clears the metadata file to zeros if a killed creator left its first header marked not
     * complete. Waits, as Chronicle does, while another thread or process holds the file's lock.
     *
     * @return true when the file was cleared.
     */
    static boolean repair(final Path directory)
    {
        final Path file = file(directory);
        if (!isMarked(firstHeader(file)))
        {
            return false;
        }
        final Boolean cleared = SingleTableStore.doWithExclusiveLock(file.toFile(), unused ->
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                final int header = firstHeader(channel);
                if (!isMarked(header))
                {
                    return Boolean.FALSE; // its creator was alive, and has completed it meanwhile
                }
                zero(channel);
                LOG.warn("{}: its first header was left not complete (0x{}) by a process killed while creating " +
                    "it; cleared, so the journal's metadata is created again", file, Integer.toHexString(header));
                return Boolean.TRUE;
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
            }
        }, () -> null);
        return cleared;
    }

    /**
     * Before a read-only open: refuses a metadata file a killed creator left marked not complete, instead of letting
     * Chronicle retry for its timeout.
     *
     * @throws JournalException naming the file when its first header is still marked under Chronicle's lock.
     */
    static void requireComplete(final Path directory)
    {
        final Path file = file(directory);
        if (!isMarked(firstHeader(file)))
        {
            return;
        }
        final Integer header = SingleTableStore.doWithSharedLock(file.toFile(), unused ->
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
            {
                return firstHeader(channel);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
            }
        }, () -> null);
        if (isMarked(header))
        {
            throw new JournalException(file + ": left half-written by a process killed while creating it (first " +
                "header 0x" + Integer.toHexString(header) + " not complete); the journal's next writable open " +
                "repairs it");
        }
    }

    /** Whether a first header carries Chronicle's "not complete" mark ({@code Wires.isNotComplete} holds for 0 too). */
    static boolean isMarked(final int header)
    {
        return (header & Wires.NOT_COMPLETE) != 0;
    }

    /** The file's first header word, or 0 when there is no file or it is shorter than a header. */
    private static int firstHeader(final Path file)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            return firstHeader(channel);
        }
        catch (final NoSuchFileException ex)
        {
            return 0;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
        }
    }

    /** The file's first header word as Chronicle wrote it (native order), or 0 when the file is shorter. */
    private static int firstHeader(final FileChannel channel) throws IOException
    {
        final ByteBuffer word = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder());
        while (word.hasRemaining())
        {
            if (channel.read(word, word.position()) < 0)
            {
                return 0;
            }
        }
        return word.getInt(0);
    }

    private static void zero(final FileChannel channel) throws IOException
    {
        final ByteBuffer zeros = ByteBuffer.allocate(Math.toIntExact(channel.size())); // a cold path; about 128 KiB
        while (zeros.hasRemaining())
        {
            channel.write(zeros, zeros.position());
        }
        channel.force(false);
    }
}
