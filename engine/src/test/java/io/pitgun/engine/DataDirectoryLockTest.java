package io.pitgun.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One holder per data directory: in this process, released by close, and against another process. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DataDirectoryLockTest
{
    @TempDir
    Path dir;

    /**
     * The journal keeps every channel, restricted ones too: a data directory created under the usual umask (022) let
     * every local user read it. One that already exists is the operator's to protect and keeps its permissions.
     */
    @Test
    void shouldCreateAMissingDirectoryForItsUserAloneAndLeaveAnExistingOneAsItIs() throws IOException
    {
        final Path created = dir.resolve("parent").resolve("data");
        DataDirectoryLock.acquire(created, "gateway.lock", "gateway").close();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(created)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(created.getParent())));

        final Path existing = Files.createDirectory(dir.resolve("existing"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-x---"));
        DataDirectoryLock.acquire(existing, "gateway.lock", "gateway").close();
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)));
    }

    @Test
    void shouldRefuseASecondHolderInThisProcessUntilTheFirstCloses() throws IOException
    {
        final Path data = dir.resolve("data");
        final DataDirectoryLock first = DataDirectoryLock.acquire(data, "gateway.lock", "gateway");
        assertEquals(data.toRealPath().resolve("gateway.lock"), first.file());
        assertTrue(Files.exists(first.file()));

        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> DataDirectoryLock.acquire(data, "gateway.lock", "gateway"));
        assertEquals(data + ": another gateway is running here, in this process (" + first.file() + " is locked)",
            refused.getMessage());
        // Another file in the same directory is another holder's (a hive beside a gateway).
        DataDirectoryLock.acquire(data, "hive.lock", "hive").close();

        first.close();
        first.close(); // idempotent
        DataDirectoryLock.acquire(data, "gateway.lock", "gateway").close();
    }

    @Test
    void shouldKeepALockHeldUntilExitWhateverCloses()
    {
        final Path data = dir.resolve("data");
        final DataDirectoryLock held = DataDirectoryLock.acquire(data, "gateway.lock", "gateway");
        held.holdUntilExit();
        held.close();
        assertThrows(IllegalStateException.class, () -> DataDirectoryLock.acquire(data, "gateway.lock", "gateway"));
    }

    /**
     * Refusing a second holder in this process must not release the first's lock for other processes: on Linux,
     * closing any descriptor of the file would (the refused attempt once opened and closed it).
     */
    @Test
    void shouldStillHoldAgainstAnotherProcessAfterRefusingASecondHolderHere() throws Exception
    {
        final Path data = dir.resolve("data");
        try (DataDirectoryLock held = DataDirectoryLock.acquire(data, "gateway.lock", "gateway"))
        {
            assertEquals("refused", tryInAnotherProcess(data));
            assertThrows(IllegalStateException.class, () -> DataDirectoryLock.acquire(data, "gateway.lock", "gateway"));
            assertEquals("refused", tryInAnotherProcess(data), "the refused attempt released " + held.file());
        }
        assertEquals("acquired", tryInAnotherProcess(data));
    }

    private static String tryInAnotherProcess(final Path data) throws IOException, InterruptedException
    {
        final Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), Probe.class.getName(), data.toString())
            .redirectErrorStream(true).start();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the probe did not exit");
        return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    /** The other process: tries the lock once and says what happened. */
    public static final class Probe
    {
        public static void main(final String[] args)
        {
            try (DataDirectoryLock ignored = DataDirectoryLock.acquire(Path.of(args[0]), "gateway.lock", "gateway"))
            {
                System.out.println("acquired");
            }
            catch (final IllegalStateException ex)
            {
                System.out.println(ex.getMessage().contains("another gateway is running here (") ? "refused" :
                    ex.getMessage());
            }
        }
    }
}
