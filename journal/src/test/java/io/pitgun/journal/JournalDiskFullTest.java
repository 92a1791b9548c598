package io.pitgun.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The appender never writes an entry the file system might not back: below the headroom it writes nothing, keeps
 * the batch, and writes it once space returns; the journal reads back exactly what was committed.
 */
class JournalDiskFullTest
{
    private static final long HEADROOM = 1L << 20;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldKeepTheBatchWhileShortOfSpaceAndWriteItWhenSpaceReturns()
    {
        final AtomicLong usable = new AtomicLong(100L << 20);
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        final List<Long> committed = new ArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.of(dir).withMinFreeBytes(HEADROOM), usable::get))
        {
            final JournalAppender appender = journal.appender();
            committed.add(appender.append(frame, 0, frames.frame(frame, 0, 0, 4), 0));

            usable.set(HEADROOM - 1); // the disk fills (another writer, or this journal)
            journal.spaceGuard().invalidate(); // as if the refresh interval had passed
            assertTrue(journal.spaceGuard().isShort());
            appender.begin();
            appender.add(frame, 0, frames.frame(frame, 0, 1, 4), 1);
            appender.add(frame, 0, frames.frame(frame, 0, 2, 4), 2);
            assertEquals(JournalAppender.NO_ROOM, appender.tryCommit());
            assertEquals(2, appender.batchCount(), "the batch is kept for the retry");
            final JournalFullException below = assertThrows(JournalFullException.class, appender::commit);
            assertTrue(below.getMessage().contains((HEADROOM - 1) + " bytes usable, below the headroom of " +
                HEADROOM + " bytes; the batch was not written"), below.getMessage());
            assertEquals(1, count(journal), "nothing of the refused batch is visible");

            usable.set(HEADROOM + 1); // at the headroom, with no room for the batch above it
            journal.spaceGuard().invalidate();
            final JournalFullException tooFew = assertThrows(JournalFullException.class, appender::commit);
            assertTrue(tooFew.getMessage().contains((HEADROOM + 1) + " bytes usable, too few for what is to be " +
                "written above the headroom of " + HEADROOM + " bytes"), tooFew.getMessage());

            usable.set(100L << 20); // space freed
            journal.spaceGuard().invalidate();
            final long first = appender.tryCommit();
            assertTrue(first >= 0, "written once space returned: " + first);
            committed.add(first);
            committed.add(appender.append(frame, 0, frames.frame(frame, 0, 3, 4), 3));
            assertEquals(4, count(journal));
        }
        try (Journal journal = Journal.open(JournalConfig.readOnly(dir)))
        {
            final JournalVerifier.Result verified = JournalVerifier.verify(journal, ProgressListener.NONE);
            assertTrue(verified.ok(), verified.toString());
            assertEquals(4, verified.entriesChecked());
        }
    }

    @Test
    void shouldEstimateSpaceDownAfterAppendsUntilTheNextMeasurement()
    {
        final AtomicLong usable = new AtomicLong(HEADROOM + 1000);
        final AtomicLong measurements = new AtomicLong();
        final JournalSpaceGuard guard = new JournalSpaceGuard(() ->
        {
            measurements.incrementAndGet();
            return usable.get();
        }, HEADROOM);
        assertTrue(guard.hasRoomFor(1000));
        guard.onAppended(300);
        usable.addAndGet(-300); // the file system loses what is appended
        assertEquals(HEADROOM + 700, guard.usableBytes(), "the estimate counts what was appended since");
        assertTrue(guard.hasRoomFor(600));
        assertEquals(1, measurements.get(), "the estimate had room: not measured again");
        guard.onAppended(300);
        usable.addAndGet(-300);
        assertTrue(!guard.hasRoomFor(600), "measured: no room");
        assertEquals(2, measurements.get(), "measured before saying no");
        assertTrue(!guard.hasRoomFor(600));
        assertEquals(2, measurements.get(), "nothing appended since the measurement: it stands until due");
        guard.invalidate();
        usable.set(HEADROOM - 1);
        assertTrue(guard.isShort());
        usable.set(10 * HEADROOM);
        guard.invalidate();
        assertTrue(!guard.isShort());
        assertEquals(1, guard.shortEpisodes());
    }

    /**
     * Appends into pages the pretoucher had already allocated do not take space again, but the estimate subtracts
     * them: near the headroom it said "short" for up to an interval while the file system had room, so the gateway
     * refused requests with 507 {@code journal_full} and reported {@code pitgun_journal_full} 0 a moment later. A
     * refusal now rests on a measurement.
     */
    @Test
    void shouldMeasureAgainBeforeRefusingWhenTheEstimateCountsAppendsTheFileSystemDidNotLose()
    {
        final AtomicLong measurements = new AtomicLong();
        final JournalSpaceGuard guard = new JournalSpaceGuard(() ->
        {
            measurements.incrementAndGet();
            return HEADROOM + 1000;
        }, HEADROOM);
        guard.onAppended(900); // into allocated pages: the file system still has HEADROOM + 1000
        assertTrue(guard.hasRoomFor(600), "measured again: room for 600");
        assertEquals(2, measurements.get());
        guard.onAppended(1100);
        assertTrue(!guard.isShort(), "measured again: above the headroom");
        assertEquals(3, measurements.get());
        assertEquals(0, guard.shortEpisodes(), "never short as measured");
    }

    /**
     * Measurements of several threads may end out of order: an older one published last brought back the appends the
     * newer one had already seen counted, and the estimate said short again.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldKeepTheNewerMeasurementWhenAnOlderOneEndsLater() throws Exception
    {
        final AtomicLong calls = new AtomicLong();
        final CountDownLatch olderInStatvfs = new CountDownLatch(1);
        final CountDownLatch releaseOlder = new CountDownLatch(1);
        final JournalSpaceGuard guard = new JournalSpaceGuard(() ->
        {
            if (calls.incrementAndGet() == 2)
            {
                olderInStatvfs.countDown();
                try
                {
                    releaseOlder.await();
                }
                catch (final InterruptedException ex)
                {
                    throw new java.io.InterruptedIOException(ex.toString());
                }
            }
            return HEADROOM + 500; // appends go into pages already allocated: the file system keeps this
        }, HEADROOM);
        guard.invalidate();
        final Thread older = new Thread(guard::isShort, "older-measurement");
        older.start();
        olderInStatvfs.await(); // it took the total appended (0) and now waits in its statvfs
        guard.onAppended(1000);
        assertTrue(guard.hasRoomFor(0), "a newer measurement, with the 1000 bytes in it");
        assertEquals(3, calls.get());
        releaseOlder.countDown();
        older.join();
        assertEquals(HEADROOM + 500, guard.usableBytes(), "the older measurement does not replace the newer one");
    }

    @Test
    void shouldSubtractOnlyWhatWasAppendedSinceTheLastMeasurement()
    {
        // The estimate is the measurement less the bytes appended after it (a running total the appender alone
        // writes): a new measurement replaces it, and the bytes appended before it are not subtracted again.
        final AtomicLong usable = new AtomicLong(10 * HEADROOM);
        final JournalSpaceGuard guard = new JournalSpaceGuard(usable::get, HEADROOM);
        guard.onAppended(100);
        guard.onAppended(23);
        assertEquals(10 * HEADROOM - 123, guard.usableBytes());
        guard.invalidate();
        assertTrue(!guard.isShort()); // measures again
        assertEquals(10 * HEADROOM, guard.usableBytes(), "a measurement replaces the estimate");
        guard.onAppended(50);
        assertEquals(10 * HEADROOM - 50, guard.usableBytes());
    }

    @Test
    void shouldNotMeasureForAnAppenderMeasuredAheadWhileTheEstimateHasRoomButMeasureWhenItHasNone()
    {
        final AtomicLong usable = new AtomicLong(10 * HEADROOM);
        final AtomicLong measurements = new AtomicLong();
        final JournalSpaceGuard guard = new JournalSpaceGuard(() ->
        {
            measurements.incrementAndGet();
            return usable.get();
        }, HEADROOM);
        guard.invalidate(); // due: hasRoomFor would measure now
        assertTrue(guard.hasRoomForMeasuredAhead(1000));
        assertEquals(1, measurements.get(), "the estimate had room: no clock, no measurement");

        guard.onAppended(9 * HEADROOM); // the estimate (HEADROOM) has no room for 1000 more
        guard.invalidate();
        assertTrue(guard.hasRoomForMeasuredAhead(1000), "measured again: the file system still has 10 headrooms");
        assertEquals(2, measurements.get());
    }

    @Test
    void shouldLetAnotherThreadMeasureAheadSoThatTheAppenderFindsTheEstimateFresh()
    {
        // The pretoucher calls refreshAhead() each duty cycle: the appender (with journal.thread: producer, the
        // application's own thread) then never pays the statvfs and its allocations.
        final AtomicLong measurements = new AtomicLong();
        final JournalSpaceGuard guard = new JournalSpaceGuard(() ->
        {
            measurements.incrementAndGet();
            return 10 * HEADROOM;
        }, HEADROOM);
        assertEquals(1, measurements.get(), "measured when made");
        guard.refreshAhead();
        assertEquals(1, measurements.get(), "fresh: not measured again");
        guard.invalidate(); // as if a whole interval had passed
        guard.refreshAhead();
        assertEquals(2, measurements.get(), "due within half an interval: measured ahead");
        assertTrue(guard.hasRoomFor(1000));
        assertEquals(2, measurements.get(), "the appender's check found it fresh");
    }

    @Test
    void shouldTreatAFailedMeasurementAsNoSpace()
    {
        final JournalSpaceGuard guard = new JournalSpaceGuard(() ->
        {
            throw new java.io.IOException("statvfs failed");
        }, HEADROOM);
        assertTrue(guard.isShort());
        assertTrue(guard.measureFailure().contains("statvfs failed"));
        assertTrue(new JournalSpaceGuard(() -> 0, 0).hasRoomFor(Long.MAX_VALUE / 2), "headroom 0: no check");
    }

    private static long count(final Journal journal)
    {
        final long[] n = { 0 };
        try (JournalTailer tailer = journal.tailer())
        {
            while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) -> n[0]++))
            {
                // counts messages
            }
        }
        return n[0];
    }

    @Test
    void shouldSayTheSpaceCannotBeMeasuredRatherThanThatItIsShortWhenTheDirectoryIsGone()
    {
        // Before: a deleted journal directory read as "0 bytes usable, below the headroom", and the gateway told the
        // operator that ingestion would resume once space was freed.
        final JournalSpaceGuard guard = new JournalSpaceGuard(() ->
        {
            throw new java.nio.file.NoSuchFileException("/data/journal");
        }, HEADROOM);
        assertFalse(guard.hasRoomFor(1), "a failed measurement counts as no space");
        final String shortage = guard.shortage();
        assertTrue(shortage.contains("NoSuchFileException: /data/journal") && shortage.contains("deleted") &&
            shortage.contains("freeing space will not"), shortage);
    }
}
