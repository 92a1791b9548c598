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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A journal's {@code metadata.cq4t} that a process killed while creating it left half-written, and its repair.
 * <p>
 * Chronicle creates the file by marking its first header "not complete", writing the header, then completing it,
 * all under its table-store file lock. A {@code kill -9} between the first and last step leaves the mark, and
 * Chronicle never clears it: every later open, writing or reading, finds a header that is "not ready", takes
 * that for a lock held elsewhere and retries until its 10 s timeout, so the journal can never be opened again
 * (a hive's edge journal stayed shut this way after a kill in {@code ShippingChaosTest}).
 * <p>
 * A complete header is written before anything else, so a file whose first header is still not complete holds
 * nothing but that partial header. Under the same lock, where a live creator would be holding it, a writable open
 * clears such a file to zeros, and Chronicle creates it again as for a new journal; a read-only open, which may
 * not write, is refused at once with a message that says what happened.
 */
final class HalfCreatedMetadata
{
    private static final Logger LOG = LoggerFactory.getLogger(HalfCreatedMetadata.class);
    /** Zeros written over the file a block at a time (a cold path). */
    private static final int ZERO_BLOCK = 64 * 1024;

    private HalfCreatedMetadata()
    {
    }

    /** The journal's metadata file in {@code directory}. */
    static Path file(final Path directory)
    {
        return directory.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE);
    }

    /**
     * Before a writable open: clears the metadata file to zeros if a killed creator left its first header not
     * complete. Waits, as Chronicle does, while another thread or process holds the file's lock.
     *
     * @return true when the file was cleared.
     */
    static boolean repair(final Path directory)
    {
        final Path file = file(directory);
        if (!Files.exists(file))
        {
            return false;
        }
        final Boolean cleared = SingleTableStore.doWithExclusiveLock(file.toFile(), unused ->
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                final int header = firstHeader(channel);
                if (!Wires.isNotComplete(header))
                {
                    return Boolean.FALSE;
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
     * Before a read-only open: refuses a metadata file a killed creator left not complete, instead of letting
     * Chronicle retry for its timeout.
     *
     * @throws JournalException naming the file when its first header is not complete.
     */
    static void requireComplete(final Path directory)
    {
        final Path file = file(directory);
        if (!Files.exists(file))
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
        if (Wires.isNotComplete(header))
        {
            throw new JournalException(file + ": left half-written by a process killed while creating it (first " +
                "header 0x" + Integer.toHexString(header) + " not complete); the journal's next writable open " +
                "repairs it");
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
        final ByteBuffer zeros = ByteBuffer.allocate(ZERO_BLOCK);
        final long size = channel.size();
        for (long position = 0; position < size; position += ZERO_BLOCK)
        {
            zeros.clear().limit((int)Math.min(ZERO_BLOCK, size - position));
            while (zeros.hasRemaining())
            {
                channel.write(zeros, position + zeros.position());
            }
        }
        channel.force(false);
    }
}
