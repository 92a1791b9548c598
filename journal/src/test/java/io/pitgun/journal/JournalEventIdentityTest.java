package io.pitgun.journal;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Each message record keeps its envelope's identity, and a tailer reads entries backwards from the end. */
@Timeout(30)
class JournalEventIdentityTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadBackEachMessagesEventIdentityForwardsAndBackwards()
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final JournalAppender appender = journal.appender();
            for (int entry = 0; entry < 3; entry++)
            {
                appender.begin();
                for (int m = 0; m < 4; m++)
                {
                    final int n = entry * 4 + m;
                    final int length = frames.frame(buffer, 0, n, 3);
                    if (n == 5)
                    {
                        appender.add(buffer, 0, length, n); // no event
                    }
                    else
                    {
                        appender.add(buffer, 0, length, n, 100 + entry, 200 + entry, 300 + entry, m, 4);
                    }
                }
                appender.commit();
            }
            final List<long[]> forwards = read(journal, false);
            assertEquals(12, forwards.size());
            assertArrayEquals(new long[] {0, 100, 200, 300, 0, 4}, forwards.get(0));
            assertArrayEquals(new long[] {5, 0, 0, 0, 0, 0}, forwards.get(5));
            assertArrayEquals(new long[] {11, 102, 202, 302, 3, 4}, forwards.get(11));

            // Backwards: the last entry first, each entry's messages still in order.
            final List<long[]> backwards = read(journal, true);
            final long[] order = new long[backwards.size()];
            for (int i = 0; i < order.length; i++)
            {
                order[i] = backwards.get(i)[0];
            }
            assertArrayEquals(new long[] {8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3}, order);
        }
    }

    @Test
    void shouldGiveAStampedHandlerCalledWithoutAStampTheNoEventStamp()
    {
        final List<JournalEventStamp> stamps = new ArrayList<>();
        final JournalStampedEntryHandler handler = (index, buffer, offset, length, ingestTimeNs, stamp) ->
            stamps.add(stamp);

        handler.onEntry(7, new UnsafeBuffer(new byte[8]), 0, 8, 0L);

        assertEquals(1, stamps.size());
        assertFalse(stamps.get(0).hasEvent());
        assertEquals(0, stamps.get(0).frameCount());
    }

    @Test
    void shouldRecordAnIdentityGivenAsOneBlockLikeTheSameFieldsGivenOneByOne()
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        // The identity block somewhere in a buffer of the caller's, in the record's layout, little endian.
        final UnsafeBuffer identity = new UnsafeBuffer(new byte[16 + JournalEntryDescriptor.IDENTITY_LENGTH]);
        final int at = 16;
        final int base = at - JournalEntryDescriptor.IDENTITY_OFFSET;
        identity.putLong(base + JournalEntryDescriptor.EVENT_ID_MSB_OFFSET, 7, java.nio.ByteOrder.LITTLE_ENDIAN);
        identity.putLong(base + JournalEntryDescriptor.EVENT_ID_LSB_OFFSET, 8, java.nio.ByteOrder.LITTLE_ENDIAN);
        identity.putLong(base + JournalEntryDescriptor.CONTENT_DIGEST_OFFSET, 9, java.nio.ByteOrder.LITTLE_ENDIAN);
        identity.putInt(base + JournalEntryDescriptor.FRAME_ORDINAL_OFFSET, 1, java.nio.ByteOrder.LITTLE_ENDIAN);
        identity.putInt(base + JournalEntryDescriptor.FRAME_COUNT_OFFSET, 2, java.nio.ByteOrder.LITTLE_ENDIAN);
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final JournalAppender appender = journal.appender();
            appender.begin();
            final int length = frames.frame(buffer, 0, 0, 3);
            appender.add(buffer, 0, length, 0, identity, at);
            appender.add(buffer, 0, length, 1, 7, 8, 9, 1, 2);
            appender.commit();

            final List<long[]> seen = read(journal, false);
            assertArrayEquals(new long[] {0, 7, 8, 9, 1, 2}, seen.get(0));
            assertArrayEquals(new long[] {1, 7, 8, 9, 1, 2}, seen.get(1));
        }
    }

    private static List<long[]> read(final Journal journal, final boolean backwards)
    {
        final List<long[]> seen = new ArrayList<>();
        try (JournalTailer tailer = journal.tailer())
        {
            if (backwards)
            {
                tailer.readBackwardsFromEnd();
            }
            final JournalEntryHandler handler = new JournalEntryHandler()
            {
                @Override
                public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
                    final long ingestTimeNs)
                {
                    throw new AssertionError("the tailer delivers the stamp");
                }

                @Override
                public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
                    final long ingestTimeNs, final JournalEventStamp stamp)
                {
                    seen.add(new long[] {ingestTimeNs, stamp.eventIdMsb(), stamp.eventIdLsb(), stamp.contentDigest(),
                        stamp.frameOrdinal(), stamp.frameCount()});
                }
            };
            while (tailer.readNext(handler))
            {
                // every entry
            }
        }
        return seen;
    }
}
