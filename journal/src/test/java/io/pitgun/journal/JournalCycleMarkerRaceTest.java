package io.pitgun.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The marker of a new cycle file ({@link CycleMarker}) records the journal's last entry written as an appender's
 * commit reads it, after Chronicle's write lock is released. The provenance appender
 * ({@link Journal#appendProvenance}, another thread) can commit an entry in between: read then, the marker named
 * an entry after the file's first, and every reader going into the file from one more than a cycle before reported
 * entries missing that were all there (a false gap). Deterministic here: the other appender's entry is recorded
 * ({@link Journal#onEntryWritten}, what its commit does) just before the commit of the file's first entry reads it.
 */
class JournalCycleMarkerRaceTest
{
    private static final DateTimeFormatter HOURLY = DateTimeFormatter.ofPattern("yyyyMMdd-HH'F.cq4'");

    @TempDir
    Path dir;

    @Test
    void shouldNeverMarkACycleFileWithAnEntryAfterItsFirst() throws IOException
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        final Path journalDir = dir.resolve("journal");
        try (Journal journal = Journal.open(JournalConfig.of(journalDir).withMinFreeBytes(0)))
        {
            append(journal, frame, frames.frame(frame, 0, 0, 4));
        }
        moveCycleFileBack(journalDir, 2); // the hour between has no file: no entry is missing

        try (Journal journal = Journal.open(JournalConfig.of(journalDir).withMinFreeBytes(0)))
        {
            final int thisCycle = journal.rollCycle().current(System::currentTimeMillis, 0);
            // An entry of the other appender after the one about to be the file's first (the cycle after this one,
            // so that it is after it even if the hour turns now).
            journal.onEntryWritten(journal.rollCycle().toIndex(thisCycle + 1, 1));
            append(journal, frame, frames.frame(frame, 0, 1, 4));
        }

        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir));
             JournalTailer tailer = journal.tailer())
        {
            int entries = 0;
            while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) ->
            {
            }))
            {
                entries++;
            }
            assertEquals(2, entries);
            assertEquals(0, tailer.gaps(), tailer.gaps() == 0 ? "" : tailer.firstGap().describe());
        }
    }

    private static void append(final Journal journal, final UnsafeBuffer frame, final int length)
    {
        final JournalAppender appender = journal.appender();
        appender.begin();
        appender.add(frame, 0, length, 0);
        appender.commit();
    }

    /** Renames the journal's cycle file to the hour {@code hours} before (Chronicle takes a file's cycle from it). */
    private static void moveCycleFileBack(final Path journalDir, final int hours) throws IOException
    {
        final Path current;
        try (Stream<Path> files = Files.list(journalDir))
        {
            current = files.filter(file -> file.toString().endsWith(".cq4")).max(Path::compareTo).orElseThrow();
        }
        final Instant hour = LocalDateTime.parse(current.getFileName().toString(), HOURLY).toInstant(ZoneOffset.UTC);
        Files.move(current, journalDir.resolve(HOURLY.withZone(ZoneOffset.UTC).format(hour.minus(
            Duration.ofHours(hours)))));
        Files.delete(journalDir.resolve("metadata.cq4t")); // it records the file under its old name
    }
}
