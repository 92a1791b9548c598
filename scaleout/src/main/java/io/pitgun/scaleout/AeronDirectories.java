package io.pitgun.scaleout;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
     * The default directory of a driver for {@code role} ("edge" or "hive") whose data lives in
     * {@code dataDirectory}: under {@link #SHARED_MEMORY} when it exists (named after the role and 64 bits of a
     * SHA-256 of the data directory's path, so several edges and a hive on one machine never share one), else
     * {@code dataDirectory/aeron}. A 32-bit {@code String.hashCode} named it before: data directories {@code Aa} and
     * {@code BB} shared one driver directory, and one of the two edges stopped shipping.
     */
    public static Path forRole(final Path dataDirectory, final String role)
    {
        if (Files.isDirectory(SHARED_MEMORY) && Files.isWritable(SHARED_MEMORY))
        {
            final byte[] digest = sha256(dataDirectory.toAbsolutePath().normalize().toString());
            return SHARED_MEMORY.resolve("pitgun-" + role + "-" + HexFormat.of().formatHex(digest, 0, Long.BYTES));
        }
        return dataDirectory.resolve("aeron");
    }

    private static byte[] sha256(final String text)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-256", ex);
        }
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
