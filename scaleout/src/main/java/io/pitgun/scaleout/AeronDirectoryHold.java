package io.pitgun.scaleout;

import io.pitgun.engine.DataDirectoryLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's hold on an embedded media driver's directory: a lock on the file next to it ({@code NAME.lock}), so
 * that a second driver pointed at the same directory (two edges given one {@code SHIP_AERON_DIR}) is refused at start
 * rather than wiping the running driver's files ({@link AeronDirectories#driverContext} deletes the directory at
 * start, and Aeron then finds no driver to refuse). The lock goes with the process however it ends, so a restart
 * after {@code kill -9} is not refused. The file is next to the directory, not in it, because the driver deletes the
 * directory's contents.
 */
final class AeronDirectoryHold implements AutoCloseable
{
    private final DataDirectoryLock lock;

    private AeronDirectoryHold(final DataDirectoryLock lock)
    {
        this.lock = lock;
    }

    /**
     * @param role what runs the driver, for the message ("edge", "hive").
     * @throws IllegalStateException when another process (or another driver in this one) holds the directory, or
     *                               when its lock file cannot be made (the parent missing and not creatable, or not
     *                               writable): each said as what it is.
     */
    static AeronDirectoryHold acquire(final Path aeronDirectory, final String role)
    {
        final Path absolute = aeronDirectory.toAbsolutePath().normalize();
        try
        {
            return new AeronDirectoryHold(
                DataDirectoryLock.acquire(absolute.getParent(), absolute.getFileName() + ".lock", role));
        }
        catch (final DataDirectoryLock.HeldException ex)
        {
            throw new IllegalStateException("the Aeron directory " + absolute + " is in use by another media " +
                "driver (" + ex.getMessage() + "): give each edge and hive its own (SHIP_AERON_DIR, pitgun hive " +
                "--aeron-dir), or leave it to the default, named after the data directory", ex);
        }
        catch (final IllegalStateException ex)
        {
            // Not in use: the lock file next to it could not be made (before, this too was said to be "in use").
            throw new IllegalStateException("the Aeron directory " + absolute + " cannot be used: its lock file " +
                "cannot be made in its parent " + absolute.getParent() + " (" + ex.getMessage() + "): the parent " +
                "must be a writable directory, or one that can be created (SHIP_AERON_DIR, pitgun hive --aeron-dir)" +
                ", or leave it to the default, named after the data directory", ex);
        }
    }

    /**
     * Deletes the lock file, then releases it: the driver deleted its directory at close, and a lock file per data
     * directory ever run would otherwise gather in {@code /dev/shm}. (A process that opened the file before the
     * deletion could still lock the unlinked file while a third creates a new one: three drivers starting on one
     * directory within microseconds of a stop, which one hold per data directory already rules out by default.)
     */
    @Override
    public void close()
    {
        try
        {
            Files.deleteIfExists(lock.file());
        }
        catch (final IOException ex)
        {
            // Left behind: an empty file, harmless; the next start locks it again.
        }
        lock.close();
    }
}
