package io.pitgun.journal;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalRoundTripTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadBackEveryEntryBitExactWithItsIngestTimeAndIndex()
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[4096]);
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        final List<byte[]> written = new ArrayList<>();
        final List<Long> indices = new ArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            assertEquals(Journal.NO_INDEX, journal.firstIndex());
            assertEquals(Journal.NO_INDEX, journal.lastIndex());
            final JournalAppender appender = journal.appender();
            assertEquals(Journal.NO_INDEX, appender.lastAppendedIndex());
            for (int n = 0; n < 1_000; n++)
            {
                // Odd offsets and both heap and off-heap sources: the copy must not depend on alignment.
                final UnsafeBuffer source = n % 2 == 0 ? heap : direct;
                final int offset = n % 7;
                final int length = frames.frame(source, offset, n, n % 17);
                final byte[] copy = new byte[length];
                source.getBytes(offset, copy);
                written.add(copy);
                final long index = appender.append(source, offset, length, 5_000L + n);
                assertEquals(index, appender.lastAppendedIndex());
                if (!indices.isEmpty())
                {
                    assertTrue(index > indices.get(indices.size() - 1), "indices increase");
                }
                indices.add(index);
            }
            assertEquals(indices.get(0), journal.firstIndex());
            assertEquals(indices.get(indices.size() - 1), journal.lastIndex());
            assertEquals(1_000, journal.countEntries(journal.firstIndex(), journal.lastIndex()));
        }

        try (Journal journal = Journal.open(JournalConfig.readOnly(dir)); JournalTailer tailer = journal.tailer())
        {
            final List<byte[]> read = new ArrayList<>();
            final int[] count = {0};
            while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) ->
            {
                assertEquals(indices.get(count[0]), index);
                assertEquals(5_000L + count[0], ingestTimeNs);
                read.add(copy(buffer, offset, length));
                count[0]++;
            }))
            {
                assertEquals(count[0], read.size());
            }
            assertEquals(written.size(), read.size());
            for (int i = 0; i < written.size(); i++)
            {
                assertArrayEquals(written.get(i), read.get(i), "entry " + i);
            }
            assertFalse(tailer.readNext((index, buffer, offset, length, ingestTimeNs) -> { }));
        }
    }

    @Test
    void shouldMoveToAnIndexAndReportTheNextIndex()
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final long[] indices = new long[10];
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            for (int n = 0; n < indices.length; n++)
            {
                indices[n] = journal.appender().append(buffer, 0, frames.frame(buffer, 0, n, 2), n);
            }
            final JournalTailer tailer = journal.tailer();
            assertTrue(tailer.moveToIndex(indices[6]));
            assertEquals(indices[6], tailer.index());
            final long[] seen = new long[1];
            assertTrue(tailer.readNext((index, b, o, l, t) -> seen[0] = t));
            assertEquals(6, seen[0]);
            assertEquals(indices[7], tailer.index());
            assertFalse(tailer.moveToIndex(JournalEntryDescriptor.position(
                JournalEntryDescriptor.entryIndex(indices[9]) + 5, 0)));
        }
    }

    @Test
    void shouldDeliverEveryMessageOfABatchWithConsecutivePositions()
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final JournalAppender appender = journal.appender();
            final long single = appender.append(buffer, 0, frames.frame(buffer, 0, 0, 1), 0);
            appender.begin();
            for (int n = 1; n <= JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY; n++)
            {
                assertFalse(appender.isFull());
                appender.add(buffer, 0, frames.frame(buffer, 0, n, 1 + n % 16), n);
            }
            assertTrue(appender.isFull());
            assertThrows(IllegalStateException.class, () -> appender.add(buffer, 0, 16, 0));
            final long first = appender.commit();
            assertEquals(JournalEntryDescriptor.position(JournalEntryDescriptor.entryIndex(single) + 1, 0), first);
            final long last = first + JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY - 1;
            assertEquals(last, appender.lastAppendedIndex());
            assertEquals(last, journal.lastIndex());
            appender.begin();
            appender.add(buffer, 0, frames.frame(buffer, 0, 99, 1), 99);
            appender.abort(); // never visible
            assertEquals(last, journal.lastIndex());

            final List<Long> positions = new ArrayList<>();
            final UnsafeBuffer expected = new UnsafeBuffer(new byte[1024]);
            try (JournalTailer tailer = journal.tailer())
            {
                while (tailer.readNext((index, b, o, l, t) ->
                {
                    positions.add(index);
                    final int expectedLength = frames.frame(expected, 0, t, t == 0 ? 1 : 1 + (int)(t % 16));
                    assertArrayEquals(copy(expected, 0, expectedLength), copy(b, o, l), "message " + t);
                }))
                {
                    // all of it
                }
                assertEquals(1 + JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY, positions.size());
                assertEquals(single, positions.get(0).longValue());
                for (int n = 1; n < positions.size(); n++)
                {
                    assertEquals(first + n - 1, positions.get(n).longValue());
                }
                // Moving to a message inside a batch delivers it and the rest of its batch.
                final List<Long> rest = new ArrayList<>();
                assertTrue(tailer.moveToIndex(first + 60));
                assertTrue(tailer.readNext((index, b, o, l, t) -> rest.add(t)));
                assertEquals(List.of(61L, 62L, 63L, 64L), rest);
            }
        }
    }

    @Test
    void shouldKeepAppendingAfterReopening()
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final long first;
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            first = journal.appender().append(buffer, 0, frames.frame(buffer, 0, 0, 3), 0);
        }
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final long second = journal.appender().append(buffer, 0, frames.frame(buffer, 0, 1, 3), 1);
            assertTrue(second > first);
            assertEquals(first, journal.firstIndex());
            assertEquals(second, journal.lastIndex());
        }
    }

    @Test
    void shouldHandTheAppenderAndTailerToOtherThreads() throws Exception
    {
        final TestFrames frames = new TestFrames();
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final JournalAppender appender = journal.appender();
            final JournalTailer tailer = journal.tailer();
            final Thread writer = new Thread(() ->
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
                for (int n = 0; n < 100; n++)
                {
                    appender.append(buffer, 0, frames.frame(buffer, 0, n, 4), n);
                }
            });
            writer.start();
            writer.join();
            final int[] count = {0};
            final Thread reader = new Thread(() ->
            {
                while (tailer.readNext((index, b, o, l, t) -> count[0]++))
                {
                    // count them all
                }
            });
            reader.start();
            reader.join();
            assertEquals(100, count[0]);
        }
    }

    @Test
    void shouldRefuseBadLengthsAndReadOnlyAppends()
    {
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> journal.appender().append(buffer, 0, 0, 0));
            assertTrue(ex.getMessage().startsWith("length: 0"), ex.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> journal.appender().append(buffer, 8, 16, 0));
            assertEquals(Journal.NO_INDEX, journal.lastIndex());
        }
        try (Journal journal = Journal.open(JournalConfig.readOnly(dir)))
        {
            assertThrows(IllegalStateException.class, journal::appender);
        }
    }

    @Test
    void shouldNameTheDirectoryWhenNoJournalIsThere()
    {
        final JournalException ex =
            assertThrows(JournalException.class, () -> Journal.open(JournalConfig.readOnly(dir.resolve("nope"))));
        assertTrue(ex.getMessage().contains("nope"), ex.getMessage());
        assertFalse(Files.exists(dir.resolve("nope")));
    }

    @Test
    void shouldRejectUnknownRollCycleNamingTheField()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> JournalConfig.of(dir).withRollCycle("HOURLYISH"));
        assertTrue(ex.getMessage().startsWith("rollCycle: unknown roll cycle 'HOURLYISH'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("FAST_HOURLY"), ex.getMessage());
    }

    static byte[] copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
