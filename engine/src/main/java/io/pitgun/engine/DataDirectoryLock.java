package io.pitgun.engine;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A process's hold on its data directory: an exclusive lock on a file in it, so that one gateway (or one hive) uses
 * a directory at a time. The operating system releases the lock when the process dies, however it dies, so a
 * {@code kill -9} never leaves the directory held. {@link #close()} releases it.
 * <p>
 * Another process's hold is refused at once ({@link FileChannel#tryLock()}). A hold in this process is refused
 * before the file is even opened: on Linux, closing any descriptor of a file drops every lock the process has on it,
 * so opening and closing the file to find the lock taken would hand the running holder's lock to other processes.
 */
public final class DataDirectoryLock implements AutoCloseable
{
    /**
     * A data directory this class creates is its user's alone ({@code rwx------}): the journal in it keeps every
     * channel, restricted ones included, and a directory created under the usual umask (022) would let every local
     * user read them. A directory that already exists keeps the permissions its operator gave it.
     */
    private static final FileAttribute<?> OWNER_ONLY =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    /** The lock files this process holds, by real path. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean heldUntilExit;

    private DataDirectoryLock(final Path file, final FileChannel channel)
    {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Thrown when another process, or this one, holds the lock: the one failure that means the directory is in use,
     * as opposed to one that cannot be created or locked at all (its parent missing and not creatable, not writable).
     */
    public static final class HeldException extends IllegalStateException
    {
        HeldException(final String message)
        {
            super(message);
        }
    }

    /**
     * Creates the directory if needed, readable by this process's user only (and its missing parents likewise), and
     * locks {@code fileName} in it.
     *
     * @param role what holds it, for the messages ("gateway", "hive").
     * @throws HeldException         naming the directory and the file when another process, or this one, holds it.
     * @throws IllegalStateException naming the directory and the file when it cannot be created or locked.
     */
    public static DataDirectoryLock acquire(final Path dataDirectory, final String fileName, final String role)
    {
        final Path file;
        try
        {
            createOwnerOnly(dataDirectory);
            file = dataDirectory.toRealPath().resolve(fileName);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(dataDirectory + ": cannot lock " + fileName + " in it: " + ex, ex);
        }
        if (!HELD.add(file))
        {
            throw new HeldException(dataDirectory + ": another " + role + " is running here, in this " +
                "process (" + file + " is locked)");
        }
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() == null)
            {
                throw new HeldException(dataDirectory + ": another " + role + " is running here (" + file +
                    " is locked)");
            }
            return new DataDirectoryLock(file, channel);
        }
        catch (final IOException | OverlappingFileLockException ex)
        {
            // Overlapping: this process locked the file some other way than through this class.
            CloseHelper.quietClose(channel);
            HELD.remove(file);
            throw new IllegalStateException(dataDirectory + ": cannot lock " + file + ": " + ex, ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(channel);
            HELD.remove(file);
            throw ex;
        }
    }

    private static void createOwnerOnly(final Path directory) throws IOException
    {
        if (Files.isDirectory(directory))
        {
            return;
        }
        if (directory.getFileSystem().supportedFileAttributeViews().contains("posix"))
        {
            Files.createDirectories(directory, OWNER_ONLY);
        }
        else
        {
            Files.createDirectories(directory);
        }
    }

    /** The locked file (its real path). */
    public Path file()
    {
        return file;
    }

    /**
     * Keeps the lock until the process exits: {@link #close()} does nothing from here on. For a holder that had to
     * leave what the directory protects in use (a journal left open to an abandoned thread).
     */
    public void holdUntilExit()
    {
        heldUntilExit = true;
    }

    /** Releases the lock (closing its channel), unless {@linkplain #holdUntilExit() held until exit}; the file
     *  stays. Idempotent. */
    @Override
    public void close()
    {
        if (!heldUntilExit && released.compareAndSet(false, true))
        {
            CloseHelper.quietClose(channel);
            HELD.remove(file);
        }
    }
}
