package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit file: rotated by size without splitting a line, at most KEEP old files, a full queue counted. */
class AuditFileWriterTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRotateBySizeKeepingTheNewestFilesAndWholeLines() throws Exception
    {
        final Path file = dir.resolve("audit.log");
        final AtomicInteger dropped = new AtomicInteger();
        final List<String> written = new ArrayList<>();
        try (AuditFileWriter writer = new AuditFileWriter(file, 100, 2, 1024, dropped::incrementAndGet))
        {
            writer.start();
            for (int i = 0; i < 20; i++)
            {
                final String line = "{\"n\":" + i + ",\"pad\":\"xxxxxxxxxxxxxxxxxxxx\"}"; // 39 bytes with the newline
                written.add(line);
                writer.offer(line);
            }
        }
        assertEquals(0, dropped.get());
        assertFalse(Files.exists(dir.resolve("audit.log.3")), "only KEEP rotated files");
        // Two lines fit in 100 bytes: the newest 6 lines are in audit.log.2, audit.log.1 and audit.log.
        final List<String> kept = new ArrayList<>();
        kept.addAll(Files.readAllLines(dir.resolve("audit.log.2")));
        kept.addAll(Files.readAllLines(dir.resolve("audit.log.1")));
        kept.addAll(Files.readAllLines(file));
        assertEquals(written.subList(14, 20), kept);
        for (final Path each : List.of(file, dir.resolve("audit.log.1"), dir.resolve("audit.log.2")))
        {
            assertTrue(Files.size(each) <= 100, each + " " + Files.size(each));
        }
    }

    @Test
    void shouldKeepWritingWhenARotationFails() throws Exception
    {
        final Path file = dir.resolve("audit.log");
        // audit.log.1 is a directory with a file in it: moving audit.log there fails, every time.
        Files.createDirectories(dir.resolve("audit.log.1"));
        Files.writeString(dir.resolve("audit.log.1").resolve("in-the-way"), "x");
        final AtomicInteger dropped = new AtomicInteger();
        final List<String> written = new ArrayList<>();
        try (AuditFileWriter writer = new AuditFileWriter(file, 100, 1, 1024, dropped::incrementAndGet))
        {
            writer.start();
            for (int i = 0; i < 10; i++)
            {
                final String line = "{\"n\":" + i + ",\"pad\":\"xxxxxxxxxxxxxxxxxxxx\"}";
                written.add(line);
                writer.offer(line);
            }
        }
        assertEquals(0, dropped.get(), "no line lost to the failed rotations");
        assertEquals(written, Files.readAllLines(file));
    }

    @Test
    void shouldDropAndCountWhatAFullQueueCannotTake() throws Exception
    {
        final Path file = dir.resolve("audit.log");
        final AtomicInteger dropped = new AtomicInteger();
        // Not started: nothing drains the queue of 4 lines until close.
        try (AuditFileWriter writer = new AuditFileWriter(file, 1 << 20, 1, 4, dropped::incrementAndGet))
        {
            for (int i = 0; i < 6; i++)
            {
                writer.offer("line " + i);
            }
            assertEquals(2, dropped.get());
        }
        assertEquals(List.of("line 0", "line 1", "line 2", "line 3"), Files.readAllLines(file));
    }
}
