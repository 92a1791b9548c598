package io.pitgun.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Appending and reading allocate nothing per entry after warm-up: counted with the JVM's per-thread allocation
 * counter, which does not depend on timing (JournalAppendBenchmark with -prof gc is the measurement).
 */
class JournalAllocationTest
{
    private static final int WARM_UP = 100_000;
    private static final int ROUNDS = 50_000;

    @TempDir
    Path dir;

    private long sum;

    @Test
    void shouldNotAllocatePerEntryWhenAppendingAndReading()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        final long threadId = Thread.currentThread().getId();

        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        final int length = new TestFrames().frame(frame, 0, 42, 16);
        final JournalEntryHandler handler = (index, buffer, offset, entryLength, ingestTimeNs) ->
            sum += buffer.getLong(offset + entryLength - 16) + ingestTimeNs;

        try (Journal journal = Journal.open(JournalConfig.of(dir)); JournalTailer tailer = journal.tailer())
        {
            final JournalAppender appender = journal.appender();
            for (int i = 0; i < WARM_UP; i++)
            {
                appender.append(frame, 0, length, i);
            }
            while (tailer.readNext(handler))
            {
                // warm the read path over everything appended so far
            }

            final long beforeAppends = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < ROUNDS; i++)
            {
                appender.append(frame, 0, length, i);
            }
            final long appendBytes = threads.getThreadAllocatedBytes(threadId) - beforeAppends;

            final long beforeReads = threads.getThreadAllocatedBytes(threadId);
            int read = 0;
            while (tailer.readNext(handler))
            {
                read++;
            }
            final long readBytes = threads.getThreadAllocatedBytes(threadId) - beforeReads;

            // Batches, as the engine writes them under load: the same bytes in entries of 50 messages.
            final long beforeBatches = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < ROUNDS; i += 50)
            {
                appender.begin();
                for (int k = 0; k < 50; k++)
                {
                    appender.add(frame, 0, length, i + k);
                }
                appender.commit();
            }
            final long batchBytes = threads.getThreadAllocatedBytes(threadId) - beforeBatches;
            final long beforeBatchReads = threads.getThreadAllocatedBytes(threadId);
            int messages = 0;
            while (tailer.readNext(handler))
            {
                messages += 50;
            }
            final long batchReadBytes = threads.getThreadAllocatedBytes(threadId) - beforeBatchReads;

            assertEquals(ROUNDS, read);
            assertEquals(ROUNDS, messages);
            assertTrue(batchBytes < 16_384, "appending " + ROUNDS + " messages in batches allocated " + batchBytes +
                " bytes");
            assertTrue(batchReadBytes < 16_384, "reading them allocated " + batchReadBytes + " bytes");
            // A probe showed a few one-off allocations of 0.1-6 KB while Chronicle's code warms up (none after ~45,000
            // appends) and none per entry. One 16-byte object per entry would be 800 KB here.
            assertTrue(appendBytes < 16_384, "appending " + ROUNDS + " entries allocated " + appendBytes + " bytes");
            assertTrue(readBytes < 16_384, "reading " + ROUNDS + " entries allocated " + readBytes + " bytes");
        }
        assertTrue(sum != 0);
    }
}
