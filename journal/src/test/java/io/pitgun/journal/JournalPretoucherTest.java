package io.pitgun.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pretoucher populates queue-file pages ahead of the appender while it writes, and what is read back is exactly
 * what was appended: populating a page must never change the journal. Its speed is a benchmark's business
 * (PipelineThroughputBenchmark); here only "it ran" and "nothing changed" are checked.
 */
class JournalPretoucherTest
{
    private static final int FRAMES = 40_000;
    private static final int BATCH = 32;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldPopulateAheadOfTheAppenderWithoutChangingWhatIsRead() throws InterruptedException
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final JournalAppender appender = journal.appender();
            final JournalPretoucher pretoucher = appender.pretoucher(1 << 20);
            final Thread thread = new Thread(pretoucher, "test-pretouch");
            thread.start();
            try
            {
                for (int n = 0; n < FRAMES; n += BATCH)
                {
                    appender.begin();
                    for (int i = n; i < n + BATCH; i++)
                    {
                        appender.add(frame, 0, frames.frame(frame, 0, i, 16), i);
                    }
                    appender.commit();
                    if (n % 4_096 == 0)
                    {
                        Thread.yield(); // give the pretoucher a chance on a one-core runner
                    }
                }
                // It works behind the appender's back: wait (bounded by the test timeout) until it has done some.
                while (pretoucher.populatedBytes() == 0 && pretoucher.failure() == null)
                {
                    appender.begin();
                    appender.add(frame, 0, frames.frame(frame, 0, FRAMES, 16), FRAMES);
                    appender.commit();
                    Thread.sleep(1);
                }
            }
            finally
            {
                pretoucher.stop();
                thread.join();
            }
            assumeTrue(pretoucher.failure() == null, "no MADV_POPULATE_WRITE here: " + pretoucher.failure());
            assertTrue(pretoucher.populatedBytes() >= 4096, "populated " + pretoucher.populatedBytes() + " bytes");

            final UnsafeBuffer expected = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
            final long[] read = { 0 };
            try (JournalTailer tailer = journal.tailer())
            {
                while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) ->
                {
                    final long n = read[0]++;
                    final int expectedLength = frames.frame(expected, 0, Math.min(n, FRAMES), 16);
                    assertEquals(expectedLength, length, "length of message " + n);
                    for (int i = 0; i < length; i++)
                    {
                        if (expected.getByte(i) != buffer.getByte(offset + i))
                        {
                            throw new AssertionError("message " + n + " differs at byte " + i);
                        }
                    }
                    assertEquals(Math.min(n, FRAMES), ingestTimeNs, "ingest time of message " + n);
                }))
                {
                    // every entry is checked by the handler
                }
            }
            assertTrue(read[0] >= FRAMES, "read " + read[0] + " of at least " + FRAMES + " messages");
            assertFalse(thread.isAlive());
        }
    }

    @Test
    void shouldGiveANewPretoucherOnceTheOldOneWasStopped()
    {
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final JournalAppender appender = journal.appender();
            final JournalPretoucher first = appender.pretoucher(1 << 20);
            assertTrue(first == appender.pretoucher(1 << 20), "the same one while it runs");
            first.stop();
            final JournalPretoucher second = appender.pretoucher(1 << 20);
            assertFalse(second == first, "a journal that outlives one pipeline serves the next one too");
            assertFalse(second.isStopped());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldSayWhyItTurnsItselfOffWhereTheKernelRejectsTheAdvice() throws InterruptedException
    {
        // An advice no kernel knows takes the same path as a kernel before 5.14 without MADV_POPULATE_WRITE: EINVAL.
        final JournalPretoucher pretoucher = new JournalPretoucher(JournalPretoucher.STEP_BYTES, 9_999);
        final java.util.concurrent.CompletableFuture<String> told = new java.util.concurrent.CompletableFuture<>();
        pretoucher.onDisabled(told::complete);
        final ByteBuffer chunk = ByteBuffer.allocateDirect(2 * JournalPretoucher.STEP_BYTES);
        final long address = new UnsafeBuffer(chunk).addressOffset();
        pretoucher.publish(address, 0, chunk.capacity(), 0);
        final Thread thread = new Thread(pretoucher, "test-pretouch-unsupported");
        thread.start();
        thread.join(); // it returns by itself once it has turned itself off
        assumeTrue(pretoucher.failure() == null || !pretoucher.failure().contains("no native"),
            "no native access here: " + pretoucher.failure());
        final String why = told.getNow(null);
        assertTrue(why != null, "the handler was told");
        assertEquals(pretoucher.failure(), why);
        assertTrue(why.contains("errno 22"), why);
    }
}
