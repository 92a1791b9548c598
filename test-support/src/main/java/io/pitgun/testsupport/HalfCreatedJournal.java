package io.pitgun.testsupport;

import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.WireType;
import net.openhft.chronicle.wire.Wires;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A journal directory as a process killed while creating its {@code metadata.cq4t} leaves it: Chronicle's first
 * header marked "not complete" by its own {@code writeFirstHeader} and never completed.
 */
public final class HalfCreatedJournal
{
    private HalfCreatedJournal()
    {
    }

    /** The journal's metadata file in {@code journalDirectory}. */
    public static Path metadata(final Path journalDirectory)
    {
        return journalDirectory.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE);
    }

    /**
     * Creates the journal directory if needed, and its metadata file, half-created, where there is none.
     *
     * @throws IllegalStateException if the metadata file already holds a header.
     */
    public static Path leaveMetadataHalfCreated(final Path journalDirectory) throws IOException
    {
        Files.createDirectories(journalDirectory);
        final Path metadata = metadata(journalDirectory);
        final MappedBytes bytes = MappedBytes.mappedBytes(metadata.toFile(), 64 << 10, 0, false);
        try
        {
            if (!WireType.BINARY_LIGHT.apply(bytes).writeFirstHeader())
            {
                throw new IllegalStateException(metadata + ": already holds a header");
            }
        }
        finally
        {
            bytes.releaseLast();
        }
        return metadata;
    }

    /** Whether the metadata file's first header still carries Chronicle's "not complete" mark. */
    public static boolean isHalfCreated(final Path journalDirectory) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(metadata(journalDirectory));
        return (ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt(0) & Wires.NOT_COMPLETE) != 0;
    }
}
