package io.pitgun.testsupport;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * A small tmpfs a test mounts to run a process or a writer short of disk space, and fills. Needs root: where it
 * cannot mount, the test is skipped with the reason, except under {@code CI=true}, where it fails (as
 * it does for {@code GatewayDiskFullIntegrationTest} and {@code HiveMetricsTest}).
 */
public final class SmallTmpfs implements AutoCloseable
{
    private final Path mount;

    private SmallTmpfs(final Path mount)
    {
        this.mount = mount;
    }

    /** Mounts a tmpfs of {@code mib} MiB on {@code mount}, a directory made here. */
    public static SmallTmpfs mount(final Path mount, final int mib) throws Exception
    {
        Files.createDirectories(mount);
        final String problem = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + mib + "m", "tmpfs",
            mount.toString()));
        if (problem != null)
        {
            if ("true".equals(System.getenv("CI")))
            {
                fail("CI=true but the test cannot mount its tmpfs: " + problem);
            }
            abort("cannot mount a tmpfs here (needs root): " + problem);
        }
        return new SmallTmpfs(mount);
    }

    /** The mount point. */
    public Path path()
    {
        return mount;
    }

    /** Writes real (not sparse) bytes into {@code file} until the tmpfs has {@code leftBytes} usable, or fewer. */
    public void fillLeaving(final Path file, final long leftBytes) throws IOException
    {
        final long bytes = Files.getFileStore(mount).getUsableSpace() - leftBytes;
        if (bytes <= 0)
        {
            fail("nothing to fill: " + Files.getFileStore(mount).getUsableSpace() + " bytes usable, " + leftBytes +
                " to leave");
        }
        final ByteBuffer block = ByteBuffer.allocate(64 << 10);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"); FileChannel channel = raf.getChannel())
        {
            long written = 0;
            while (written < bytes)
            {
                block.clear().limit((int)Math.min(block.capacity(), bytes - written));
                written += channel.write(block);
            }
        }
    }

    /** Unmounts it; one still busy is detached, so the machine is not left with it. */
    @Override
    public void close() throws Exception
    {
        if (run(List.of("umount", mount.toString())) != null)
        {
            run(List.of("umount", "-l", mount.toString()));
        }
    }

    /** Runs {@code command}; null on success, else what went wrong. */
    private static String run(final List<String> command) throws Exception
    {
        final Process process;
        try
        {
            process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            return String.join(" ", command) + ": " + ex.getMessage();
        }
        if (!process.waitFor(20, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return String.join(" ", command) + ": did not finish within 20 s";
        }
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.exitValue() == 0 ? null : String.join(" ", command) + ": exit " + process.exitValue() + ": " +
            output;
    }
}
