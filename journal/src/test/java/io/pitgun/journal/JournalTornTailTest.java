package io.pitgun.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A record a killed writer left incomplete at the end of the last cycle file (its header written, still marked not
 * complete) is what every {@code kill -9} mid-append leaves, not damage: the writable open's read-through check
 * ({@link ReadableTail}) must let the gateway start on it, and what is appended next must be read.
 */
@Timeout(60)
class JournalTornTailTest
{
    private static final int NOT_COMPLETE = 0x8000_0000;
    private static final int LENGTH_MASK = (1 << 30) - 1;

    @TempDir
    Path dir;

    @Test
    void shouldOpenForWritingAJournalWhoseLastRecordAKilledWriterLeftIncomplete() throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final TestFrames frames = new TestFrames();
        long last = Journal.NO_INDEX;
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            for (int n = 0; n < 5; n++)
            {
                last = journal.appender().append(buffer, 0, frames.frame(buffer, 0, n, 2), n);
            }
        }
        markIncompleteRecordAfterTheLast(cycleFile());

        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            assertEquals(last, journal.lastIndex(), "the incomplete record is not an entry");
            final long next = journal.appender().append(buffer, 0, frames.frame(buffer, 0, 5, 2), 5);
            assertTrue(next > last);
            assertEquals(next, journal.lastIndex());
        }
        try (Journal journal = Journal.open(JournalConfig.readOnly(dir)))
        {
            final JournalScan.Outcome outcome = JournalScan.run(journal, Journal.NO_INDEX, Journal.NO_INDEX,
                new JournalScanHandler()
                {
                    @Override
                    public void onEntry(final long index, final org.agrona.DirectBuffer b, final int offset,
                        final int length, final long ingestTimeNs)
                    {
                    }

                    @Override
                    public void onBadMessage(final long index, final String problem)
                    {
                    }
                }, ProgressListener.NONE);
            assertTrue(!outcome.failed(), String.valueOf(outcome.failure()));
            assertEquals(6, outcome.entries(), "the five before and the one after");
        }
    }

    private Path cycleFile() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    /** Writes, where the next record would start, the header of one being written: not complete, 64 bytes long. */
    private static void markIncompleteRecordAfterTheLast(final Path cycleFile) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(cycleFile)).order(ByteOrder.LITTLE_ENDIAN);
        int position = 0;
        while (position + Integer.BYTES <= bytes.limit())
        {
            final int length = bytes.getInt(position) & LENGTH_MASK;
            if (length == 0)
            {
                break;
            }
            position = (position + Integer.BYTES + length + 3) & ~3;
        }
        try (FileChannel channel = FileChannel.open(cycleFile, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, NOT_COMPLETE | 64), position);
        }
    }
}
