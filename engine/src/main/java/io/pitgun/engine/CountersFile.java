package io.pitgun.engine;

import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.pitgun.engine.CountersFileDescriptor.HEADER_LENGTH;

/**
 * A memory-mapped counters file ({@link CountersFileDescriptor} draws it): the writer {@link #create}s it and
 * allocates counters from {@link #manager()}; other processes {@link #openReader} it and read the same values live.
 *
 * <p>The mapping is never unmapped explicitly: a stage thread abandoned at close may still increment a counter,
 * and writing to unmapped memory would crash the JVM. The garbage collector unmaps it once nothing refers to it.
 */
public final class CountersFile
{
    private final Path path;
    private final CountersManager manager;

    private CountersFile(final Path path, final CountersManager manager)
    {
        this.path = path;
        this.manager = manager;
    }

    /**
     * Creates (replacing any earlier one) and maps a counters file with room for {@code maxCounters}. An earlier file
     * is unlinked, not truncated, so that a process still mapping it keeps a valid mapping.
     */
    public static CountersFile create(final Path file, final int maxCounters)
    {
        final int metadataLength = CountersFileDescriptor.metadataLength(maxCounters);
        final int valuesLength = CountersFileDescriptor.valuesLength(maxCounters);
        final int fileLength = CountersFileDescriptor.fileLength(maxCounters);
        final MappedByteBuffer mapped;
        try
        {
            if (file.getParent() != null)
            {
                Files.createDirectories(file.getParent());
            }
            Files.deleteIfExists(file);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                // Written before it is mapped: a file system without room says so here ("No space left on device"),
                // where mapping a sparse file would defer it to a SIGBUS on the first store into a page.
                allocate(channel, fileLength);
                mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, fileLength);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot create the counters file: " + ex.getMessage(), ex);
        }
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        header.putInt(CountersFileDescriptor.MAGIC_OFFSET, CountersFileDescriptor.MAGIC);
        header.putInt(CountersFileDescriptor.METADATA_LENGTH_OFFSET, metadataLength);
        header.putInt(CountersFileDescriptor.VALUES_LENGTH_OFFSET, valuesLength);
        header.putLong(CountersFileDescriptor.PID_OFFSET, ProcessHandle.current().pid());
        header.putLong(CountersFileDescriptor.START_TIME_MS_OFFSET, System.currentTimeMillis());
        // Release: a reader that sees the version sees the rest of the header.
        header.putIntRelease(CountersFileDescriptor.VERSION_OFFSET, CountersFileDescriptor.LAYOUT_VERSION);
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength),
            new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength));
        return new CountersFile(file, manager);
    }

    private static void allocate(final FileChannel channel, final int length) throws IOException
    {
        final ByteBuffer zeros = ByteBuffer.allocate(length); // once per start, a few hundred KB
        while (zeros.hasRemaining())
        {
            channel.write(zeros, zeros.position());
        }
    }

    /**
     * Maps an existing counters file for reading (the writer may be running or gone).
     *
     * @throws IllegalStateException if the file is not a counters file of this layout, or not complete yet.
     */
    public static CountersReader openReader(final Path file)
    {
        final MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot open the counters file: " + ex.getMessage(), ex);
        }
        if (mapped.capacity() < HEADER_LENGTH)
        {
            throw new IllegalStateException(file + ": not a Pitgun counters file (too short)");
        }
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        if (!CountersFileDescriptor.isReadable(header))
        {
            throw new IllegalStateException(file + ": not a Pitgun counters file of layout version " +
                CountersFileDescriptor.LAYOUT_VERSION + " (or still being created)");
        }
        final int metadataLength = header.getInt(CountersFileDescriptor.METADATA_LENGTH_OFFSET);
        final int valuesLength = header.getInt(CountersFileDescriptor.VALUES_LENGTH_OFFSET);
        if ((long)HEADER_LENGTH + metadataLength + valuesLength > mapped.capacity())
        {
            throw new IllegalStateException(file + ": counters file shorter than its header says");
        }
        return new CountersReader(new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength),
            new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength));
    }

    /** Who wrote a counters file: its process id and start time. */
    public record Writer(long pid, long startTimeMs)
    {
        /** True while that process runs. */
        public boolean isRunning()
        {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /**
     * Reads the header of a counters file: which process writes (or wrote) it.
     *
     * @throws IllegalStateException if the file is not a counters file of this layout, or not complete yet.
     */
    public static Writer writerOf(final Path file)
    {
        final ByteBuffer bytes = ByteBuffer.allocate(HEADER_LENGTH);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            int read = 0;
            while (bytes.hasRemaining() && read >= 0)
            {
                read = channel.read(bytes);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot open the counters file: " + ex.getMessage(), ex);
        }
        final UnsafeBuffer header = new UnsafeBuffer(bytes.array());
        if (bytes.hasRemaining() || !CountersFileDescriptor.isReadable(header))
        {
            throw new IllegalStateException(file + ": not a Pitgun counters file of layout version " +
                CountersFileDescriptor.LAYOUT_VERSION + " (or still being created)");
        }
        return new Writer(header.getLong(CountersFileDescriptor.PID_OFFSET),
            header.getLong(CountersFileDescriptor.START_TIME_MS_OFFSET));
    }

    /**
     * Counters of the same layout in process memory, for a pipeline or gateway that has no data directory (an
     * embedded pipeline, a replay, a unit test).
     */
    public static CountersManager inMemoryManager(final int maxCounters)
    {
        final AtomicBuffer metadata = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            CountersFileDescriptor.metadataLength(maxCounters), CountersReader.COUNTER_LENGTH));
        final AtomicBuffer values = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            CountersFileDescriptor.valuesLength(maxCounters), CountersReader.COUNTER_LENGTH));
        return new CountersManager(metadata, values);
    }

    /** The file. */
    public Path path()
    {
        return path;
    }

    /** Allocates counters in the file; not thread-safe, so allocate while starting. */
    public CountersManager manager()
    {
        return manager;
    }
}
