package io.pitgun.scaleout;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where an embedded media driver keeps its files, and how Pitgun launches one. */
public final class AeronDirectories
{
    /** Shared memory: Aeron's log buffers are memory-mapped and belong in RAM when the machine offers it. */
    public static final Path SHARED_MEMORY = Path.of("/dev/shm");

    /**
     * Term length of the publications and images: a message (a batch) may be up to an eighth of it, 2 MiB. The
     * files are sparse, so an idle stream costs no memory.
     */
    public static final int TERM_LENGTH_BYTES = 16 * 1024 * 1024;

    private AeronDirectories()
    {
    }

    /**
     * The default directory of a driver for {@code role} ("edge-ID" or "hive") whose data lives in
     * {@code dataDirectory}: under {@link #SHARED_MEMORY} when it exists (named after the role and the data
     * directory, so several edges and a hive on one machine never share one), else {@code dataDirectory/aeron}.
     */
    public static Path forRole(final Path dataDirectory, final String role)
    {
        if (Files.isDirectory(SHARED_MEMORY) && Files.isWritable(SHARED_MEMORY))
        {
            final String where = Integer.toHexString(dataDirectory.toAbsolutePath().normalize().toString().hashCode());
            return SHARED_MEMORY.resolve("pitgun-" + role + "-" + where);
        }
        return dataDirectory.resolve("aeron");
    }

    /**
     * A driver context for an embedded driver in {@code directory}: one shared thread backing off when idle (two
     * cores are shared with the gateway), the directory wiped at start (a previous process's files are stale) and
     * at close.
     */
    public static MediaDriver.Context driverContext(final Path directory)
    {
        return driverContext(directory, AeronIdleStrategy.BACKOFF);
    }

    /** As {@link #driverContext(Path)}, the driver's thread waiting with {@code idleStrategy} when idle. */
    public static MediaDriver.Context driverContext(final Path directory, final AeronIdleStrategy idleStrategy)
    {
        return new MediaDriver.Context()
            .aeronDirectoryName(directory.toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(idleStrategy.newIdleStrategy())
            .publicationTermBufferLength(TERM_LENGTH_BYTES)
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
    }
}
