package io.pitgun.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The audit file: rotated by size without splitting a line, at most KEEP old files, a full queue counted; a file that
 * cannot be rotated keeps its cap, and failures are logged at a bounded rate.
 */
class AuditFileWriterTest
{
    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedLog log = new CapturedLog(AuditFileWriter.class);

    @Test
    void shouldRotateBySizeKeepingTheNewestFilesAndWholeLines() throws Exception
    {
        final Path file = dir.resolve("audit.log");
        final Drops dropped = new Drops();
        final List<String> written = new ArrayList<>();
        try (AuditFileWriter writer = new AuditFileWriter(file, 100, 2, 1024, dropped))
        {
            writer.start();
            for (int i = 0; i < 20; i++)
            {
                final String line = "{\"n\":" + i + ",\"pad\":\"xxxxxxxxxxxxxxxxxxxx\"}"; // 39 bytes with the newline
                written.add(line);
                writer.offer(line);
            }
        }
        assertEquals(0, dropped.total());
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
    void shouldKeepItsSizeCapAndLogBoundedWhenARotationFails() throws Exception
    {
        final Path file = dir.resolve("audit.log");
        // audit.log.1 is a directory with a file in it: moving audit.log there fails, every time (as root too).
        Files.createDirectories(dir.resolve("audit.log.1"));
        Files.writeString(dir.resolve("audit.log.1").resolve("in-the-way"), "x");
        final Drops dropped = new Drops();
        final List<String> written = new ArrayList<>();
        try (AuditFileWriter writer = new AuditFileWriter(file, 100, 1, 4096, dropped))
        {
            writer.start();
            for (int i = 0; i < 2_000; i++)
            {
                final String line = "{\"n\":" + i + ",\"pad\":\"xxxxxxxxxxxxxxxxxxx\"}"; // 39 bytes with the newline
                written.add(line);
                writer.offer(line);
            }
        }
        // Before: the file grew past its cap with every line, and each line logged an ERROR.
        assertTrue(Files.size(file) <= 100, "the cap holds: " + Files.size(file));
        assertEquals(written.subList(0, 2), Files.readAllLines(file));
        assertEquals(1_998, dropped.of(AuditDrop.SIZE_CAP), "every line that did not fit is counted");
        assertEquals(1_998, dropped.total(), "as past the size cap");
        final List<String> errors = log.at(Level.ERROR).stream()
            .map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(errors.size() <= 3, "bounded: " + errors.size() + " lines, the first " +
            errors.subList(0, Math.min(3, errors.size())));
        assertTrue(errors.get(0).contains("cannot rotate"), errors.get(0));
        assertTrue(errors.get(errors.size() - 1).contains("1997 more lines dropped") ||
            errors.get(errors.size() - 1).contains("1998 more lines dropped"), errors.toString());
    }

    @Test
    void shouldLogAFullDiskAtABoundedRate() throws Exception
    {
        // A file system with no space left: /dev/full answers every write ENOSPC. Reached by a link, so that a
        // rotation (there is none at this cap) could only ever move the link.
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "no /dev/full here");
        final Path file = Files.createSymbolicLink(dir.resolve("audit.log"), Path.of("/dev/full"));
        final Drops dropped = new Drops();
        try (AuditFileWriter writer = new AuditFileWriter(file, 1L << 40, 1, 4096, dropped))
        {
            writer.start();
            for (int i = 0; i < 20_000; i++)
            {
                writer.offer("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(100) + "\"}");
            }
        }
        // Every line, none written: each counted, the last buffered ones too when close gives them up (before, the
        // stream's buffer went uncounted: 17 of 300 lines written on a full tmpfs, 7 counted).
        assertEquals(20_000, dropped.total(), "lines lost are counted: " + dropped);
        // Those the writer took as failed writes; the rest, offered faster than it fails, as the full queue's.
        assertTrue(dropped.of(AuditDrop.WRITE_FAILED) > 0, "by reason: " + dropped);
        assertEquals(0, dropped.of(AuditDrop.SIZE_CAP), "by reason: " + dropped);
        final long errors = log.at(Level.ERROR).stream().count();
        // Before: one ERROR per line lost.
        assertTrue(errors <= 6, errors + " ERROR lines");
    }

    @Test
    void shouldDropAndCountWhatAFullQueueCannotTake() throws Exception
    {
        final Path file = dir.resolve("audit.log");
        final Drops dropped = new Drops();
        // Not started: nothing drains the queue of 4 lines until close.
        try (AuditFileWriter writer = new AuditFileWriter(file, 1 << 20, 1, 4, dropped))
        {
            for (int i = 0; i < 6; i++)
            {
                writer.offer("line " + i);
            }
            assertEquals(2, dropped.of(AuditDrop.QUEUE_FULL));
            assertEquals(2, dropped.total(), "as the queue's");
        }
        assertEquals(List.of("line 0", "line 1", "line 2", "line 3"), Files.readAllLines(file));
    }

    /** The lines a writer dropped, by reason; read once the writer is closed (its thread joined), or by its caller. */
    private static final class Drops implements Consumer<AuditDrop>
    {
        private final AtomicIntegerArray byReason = new AtomicIntegerArray(AuditDrop.values().length);

        @Override
        public void accept(final AuditDrop reason)
        {
            byReason.incrementAndGet(reason.ordinal());
        }

        int of(final AuditDrop reason)
        {
            return byReason.get(reason.ordinal());
        }

        int total()
        {
            int total = 0;
            for (final AuditDrop reason : AuditDrop.values())
            {
                total += of(reason);
            }
            return total;
        }

        @Override
        public String toString()
        {
            return byReason.toString();
        }
    }
}
