package io.pitgun.journal;

import net.openhft.chronicle.queue.RollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A roll to the next cycle file that cannot open it (here a directory is in its place; in the field, no file
 * descriptor left at the top of the hour, or no permission): the commit is refused with a {@link JournalException}
 * naming the cause, nothing is reported written, and no later commit reports an entry it did not write. Before,
 * Chronicle's undeclared {@code FileNotFoundException} went past every runtime-exception handler, its appender was
 * left closed, and every later commit returned the last good entry's index without writing: a black-box pass got
 * 16,638 frames acknowledged 202 and never journaled.
 */
class JournalRollFailureTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseACommitThatCannotOpenItsCycleFileAndNeverReportAnEntryItDidNotWrite() throws Exception
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        final Path journalDir = dir.resolve("journal");
        try (Journal journal = Journal.open(JournalConfig.of(journalDir).withMinFreeBytes(0)))
        {
            // The cycle file the first entry goes to cannot be created: a directory stands where it would be (this
            // hour's, and the next in case the hour turns meanwhile). Opening a cycle file at a roll fails the same
            // way.
            final long thisHour = Instant.now().getEpochSecond() / 3600;
            final List<Path> blocked = new ArrayList<>();
            for (long hour = thisHour; hour <= thisHour + 1; hour++)
            {
                blocked.add(Files.createDirectory(journalDir.resolve(cycleFileName(hour * 3600))));
            }
            final JournalAppender appender = journal.appender();
            appender.begin();
            appender.add(frame, 0, frames.frame(frame, 0, 0, 4), 0);
            final JournalException refused = assertThrows(JournalException.class, appender::tryCommit,
                "the commit reported written");
            assertTrue(refused.getMessage().contains("could not open a file to write the next entry") &&
                refused.getMessage().contains("Is a directory") &&
                refused.getMessage().contains("the batch was not written"), refused.getMessage());
            assertEquals(0, appender.batchCount(), "the batch is closed, unwritten");

            // Chronicle keeps its write lock after such a failure: later commits are refused at once, even once
            // the file could be created, and none reports an entry it did not write.
            for (final Path directory : blocked)
            {
                Files.delete(directory);
            }
            for (int i = 1; i <= 3; i++)
            {
                appender.begin();
                appender.add(frame, 0, frames.frame(frame, 0, i, 4), i);
                // At once, as damage: Chronicle's own wait for its lock would end in a timeout exception after 15 s.
                final JournalDamagedException damaged = assertThrows(JournalDamagedException.class,
                    appender::tryCommit, "commit " + i + " reported written");
                assertTrue(damaged.getMessage().contains("nothing more can be appended until it restarts"),
                    damaged.getMessage());
            }
            assertEquals(Journal.NO_INDEX, appender.lastAppendedIndex(), "no entry reported written");
        }
    }

    /**
     * A journal whose metadata.cq4t lists no cycle file while one is there (Chronicle resets the listing when it fails
     * to list the directory, as at a roll with no file descriptor left) is refused by a read-only open, naming the
     * files. Before, the journal tools read it as empty: {@code journal stats} "entries 0 ... damaged none", exit 0,
     * for a journal of 9,855 frames. A writable open lists the files again.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseToReadAsEmptyAJournalWhoseListingWasResetAndReadItOnceAWriterListedItAgain() throws Exception
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        final Path journalDir = dir.resolve("journal");
        try (Journal journal = Journal.open(JournalConfig.of(journalDir).withMinFreeBytes(0)))
        {
            final JournalAppender appender = journal.appender();
            for (int i = 0; i < 5; i++)
            {
                appender.append(frame, 0, frames.frame(frame, 0, i, 4), i);
            }
        }
        try (net.openhft.chronicle.queue.impl.TableStore<?> store = net.openhft.chronicle.queue.impl.table
            .SingleTableBuilder.binary(journalDir.resolve("metadata.cq4t"),
                net.openhft.chronicle.queue.impl.table.Metadata.NoMeta.INSTANCE).readOnly(false).build())
        {
            // What Chronicle's listing holds when it knows of no cycle (its UNSET values).
            store.acquireValueFor("listing.highestCycle").setValue(Integer.MIN_VALUE);
            store.acquireValueFor("listing.lowestCycle").setValue(Integer.MAX_VALUE);
        }

        final JournalException refused = assertThrows(JournalException.class,
            () -> Journal.open(JournalConfig.readOnly(journalDir)).close());
        assertTrue(refused.getMessage().contains("its metadata.cq4t lists no cycle file, but 1 are there"),
            refused.getMessage());

        Journal.open(JournalConfig.of(journalDir).withMinFreeBytes(0)).close(); // a writer lists the files again
        try (Journal readOnly = Journal.open(JournalConfig.readOnly(journalDir)); JournalTailer tailer = readOnly.tailer())
        {
            int entries = 0;
            while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) -> { }))
            {
                entries++;
            }
            assertEquals(5, entries);
        }
    }

    private static String cycleFileName(final long epochSecond)
    {
        return DateTimeFormatter.ofPattern(RollCycles.FAST_HOURLY.format()).withZone(ZoneOffset.UTC)
            .format(Instant.ofEpochSecond(epochSecond)) + ".cq4";
    }
}
