package io.pitgun.gateway;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalAppender;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalStampedEntryHandler;
import io.pitgun.journal.JournalTailer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The restore reads back as far as the running gateway's window remembers: past any number of messages without an
 * event id (binary WebSocket frames), and no further than the window's age, told by the entries' monotonic ingest
 * times. It used to stop after 64 messages per window entry and forget ids the window still held.
 */
class IdempotencyWindowLoaderTest
{
    private static final long WINDOW_NS = TimeUnit.SECONDS.toNanos(600);
    private static final int DIGEST = 77;

    @TempDir
    Path dir;

    private final UnsafeBuffer message = new UnsafeBuffer(new byte[32]);

    @Test
    void shouldRememberAnIdBehindManyMessagesWithoutOne()
    {
        final long now = System.nanoTime();
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final JournalAppender appender = journal.appender();
            stamped(appender, 1, now - TimeUnit.SECONDS.toNanos(10));
            for (int entry = 0; entry < 40; entry++) // 1,280 binary frames: 80 per entry of a 16-entry window
            {
                appender.begin();
                for (int i = 0; i < 32; i++)
                {
                    appender.add(message, 0, message.capacity(), now - TimeUnit.SECONDS.toNanos(5));
                }
                appender.commit();
            }
            final IdempotencyWindow window = new IdempotencyWindow(16, WINDOW_NS);
            final IdempotencyWindowLoader.Result result = IdempotencyWindowLoader.load(journal, window,
                IdempotencyWindowLoader.READ_BUDGET_NS, now);
            assertEquals(1, result.idsRestored(), result.toString());
            assertFalse(result.stoppedAtBudget());
            assertEquals(1, window.framesDone(0, 1, now), "the id before the binary frames is remembered");
        }
    }

    @Test
    void shouldStopWhereTheWindowsAgeEndsButNotAtIngestTimesOfAnEarlierBoot()
    {
        final long now = System.nanoTime();
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final JournalAppender appender = journal.appender();
            stamped(appender, 1, now - WINDOW_NS - TimeUnit.SECONDS.toNanos(1)); // older than the window
            stamped(appender, 2, now - WINDOW_NS + TimeUnit.SECONDS.toNanos(1)); // within it
            // Later than now: the clock of a boot that ran longer than this one has (after a reboot): age unknown.
            stamped(appender, 3, now + TimeUnit.HOURS.toNanos(1));
            final IdempotencyWindow window = new IdempotencyWindow(16, WINDOW_NS);
            assertEquals(2, IdempotencyWindowLoader.load(journal, window, IdempotencyWindowLoader.READ_BUDGET_NS, now)
                .idsRestored());
            assertEquals(-1, window.framesDone(0, 1, now), "journaled longer ago than the window: forgotten");
            assertEquals(1, window.framesDone(0, 2, now));
            assertEquals(1, window.framesDone(0, 3, now));
        }
    }

    /**
     * Each id restored keeps the journal position of its last journaled frame, what the original answer named as
     * {@code journal_index}: a duplicate of it is answered with that, not with the journal's last position.
     */
    @Test
    void shouldKeepWhereEachIdsLastJournaledFrameIs()
    {
        final long now = System.nanoTime();
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final JournalAppender appender = journal.appender();
            appender.begin();
            appender.add(message, 0, message.capacity(), now, 0, 5, DIGEST, 0, 3);
            appender.add(message, 0, message.capacity(), now, 0, 5, DIGEST, 1, 3);
            appender.add(message, 0, message.capacity(), now, 0, 6, DIGEST, 0, 1);
            appender.commit();
            appender.begin();
            appender.add(message, 0, message.capacity(), now, 0, 5, DIGEST, 2, 3);
            appender.add(message, 0, message.capacity(), now); // a binary frame, no event, after it
            appender.commit();
            final Map<Long, Long> lastPositionByLsb = new HashMap<>();
            try (JournalTailer tailer = journal.tailer())
            {
                final JournalStampedEntryHandler positions = (index, buffer, offset, length, ingestTimeNs, stamp) ->
                {
                    if (stamp.hasEvent())
                    {
                        lastPositionByLsb.put(stamp.eventIdLsb(), index);
                    }
                };
                while (tailer.readNext(positions))
                {
                    // reads forward to the end
                }
            }
            final IdempotencyWindow window = new IdempotencyWindow(16, WINDOW_NS);
            assertEquals(2, IdempotencyWindowLoader.load(journal, window, IdempotencyWindowLoader.READ_BUDGET_NS, now)
                .idsRestored());
            final IdempotencyWindow.Claim claim = new IdempotencyWindow.Claim();
            window.claim(0, 5, DIGEST, 3, now, claim);
            assertEquals(IdempotencyWindow.DUPLICATE, claim.outcome);
            assertEquals(lastPositionByLsb.get(5L), claim.journalIndex, "its third frame, in the second entry");
            window.claim(0, 6, DIGEST, 1, now, claim);
            assertEquals(IdempotencyWindow.DUPLICATE, claim.outcome);
            assertEquals(lastPositionByLsb.get(6L), claim.journalIndex);
        }
    }

    /** One entry: a one-frame envelope of id (0, lsb). */
    private void stamped(final JournalAppender appender, final long lsb, final long ingestTimeNs)
    {
        appender.begin();
        appender.add(message, 0, message.capacity(), ingestTimeNs, 0, lsb, DIGEST, 0, 1);
        appender.commit();
    }
}
