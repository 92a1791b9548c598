package io.pitgun.scaleout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HiveTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondHiveInTheSameDirectory() throws Exception
    {
        final HiveConfig config = HiveConfig.of(channel(), dir.resolve("hive")).withRecording(false)
            .withAeronDirectory(dir.resolve("aeron-1"));
        try (Hive hive = Hive.start(config))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> Hive.start(config.withAeronDirectory(dir.resolve("aeron-2"))));
            assertTrue(ex.getMessage().contains("another hive"), ex.getMessage());
        }
        Hive.start(config).close(); // the directory is free again once the first hive closed
    }

    @Test
    void shouldStartOverTheArchiveMarkFileAKilledHiveLeft() throws Exception
    {
        final HiveConfig config = HiveConfig.of(channel(), dir.resolve("hive"))
            .withAeronDirectory(dir.resolve("aeron"));
        final Path markFile = dir.resolve("hive").resolve(HiveConfig.ARCHIVE_DIRECTORY).resolve("archive-mark.dat");
        try (Hive hive = Hive.start(config))
        {
            assertTrue(Files.exists(markFile), "the archive keeps its mark file at " + markFile);
            // What a kill -9 leaves: a copy of the mark file as it was while the archive ran.
            Files.copy(markFile, dir.resolve("mark.copy"));
        }
        Files.createDirectories(markFile.getParent());
        Files.copy(dir.resolve("mark.copy"), markFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (Hive hive = Hive.start(config))
        {
            assertFalse(hive.edges().iterator().hasNext(), "started, no edge yet");
        }
    }

    /**
     * A hive whose data directory has no more free space than Aeron Archive's low-storage threshold (here raised
     * above what this disk has, as a small disk would be below the default 128 MiB) is refused at start in words
     * that name the directory and the way out; before, Aeron's own "low storage threshold=... &lt;= usableSpace=...".
     */
    @Test
    void shouldSayWhyItCannotRecordOnADiskWithTooLittleFreeSpace() throws Exception
    {
        final Path data = Files.createDirectories(dir.resolve("hive"));
        final String property = "aeron.archive.low.storage.space.threshold";
        System.setProperty(property, Long.toString(Files.getFileStore(data).getUsableSpace() + (1L << 30)));
        try
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> Hive.start(
                HiveConfig.of(channel(), data).withAeronDirectory(dir.resolve("aeron"))).close());
            assertTrue(ex.getMessage().startsWith(data.resolve(HiveConfig.ARCHIVE_DIRECTORY) + " has "),
                ex.getMessage());
            assertTrue(ex.getMessage().contains("low-storage threshold); free space there, or run without the raw " +
                "record (--record 0)"), ex.getMessage());
        }
        finally
        {
            System.clearProperty(property);
        }
        Hive.start(HiveConfig.of(channel(), data).withAeronDirectory(dir.resolve("aeron"))).close();
    }

    private static String channel() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return "aeron:udp?endpoint=127.0.0.1:" + socket.getLocalPort();
        }
    }
}
