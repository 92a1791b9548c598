package io.pitgun.journal;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.posix.PosixAPI;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pretoucher populates queue-file pages ahead of the appender while it writes, and what is read back is exactly
 * what was appended: populating a page must never change the journal. Its speed is a benchmark's business
 * (PipelineThroughputBenchmark); here only "it ran" and "nothing changed" are checked.
 */
class JournalPretouchAgentTest
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
            final JournalPretouchAgent pretoucher = appender.pretoucher(1 << 20);
            final List<Throwable> errors = new CopyOnWriteArrayList<>();
            final AgentRunner runner = new AgentRunner(JournalPretouchAgent.idleStrategy(), errors::add, null,
                pretoucher);
            final Thread thread = AgentRunner.startOnThread(runner);
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
                runner.close();
            }
            assertTrue(pretoucher.isStopped(), "onClose ran");
            assertEquals(List.of(), errors.stream().filter(e -> !(e instanceof AgentTerminationException)).toList());
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
    void shouldPopulateInWholeStepsWhileStayingAheadOfTheAppender()
    {
        // A steady appender moves a little between duty cycles. Populating just what it used since the last one
        // reset the runner's back-off, so the agent woke every 50 µs to populate a page or two: the gateway under
        // wrk paid 1.8 µs of this thread's CPU per one-frame request for it (docs/performance.md).
        final long base = 1L << 32; // never dereferenced: the recording native call below only notes its arguments
        final long limit = 64L << 20;
        final long ahead = JournalPretouchAgent.DEFAULT_AHEAD_BYTES;
        final List<long[]> calls = new ArrayList<>();
        final PosixAPI recording = (PosixAPI)Proxy.newProxyInstance(PosixAPI.class.getClassLoader(),
            new Class<?>[] { PosixAPI.class }, (proxy, method, args) ->
            {
                if (method.getName().equals("madvise") && args[2] instanceof Integer)
                {
                    calls.add(new long[] { (Long)args[0] - base, (Long)args[1] });
                    return 0;
                }
                throw new UnsupportedOperationException(method.getName());
            });
        final JournalPretouchAgent pretoucher =
            new JournalPretouchAgent(ahead, JournalPretouchAgent.MADV_POPULATE_WRITE, () -> recording);
        pretoucher.onStart();
        long populatedTo = 4096;
        for (long position = 100; position < limit - (1 << 20); position += 1_000)
        {
            pretoucher.publish(base, 0, limit, position);
            while (pretoucher.doWork() != 0)
            {
                final long[] call = calls.get(calls.size() - 1);
                assertEquals(populatedTo, call[0], "each step starts where the last ended");
                populatedTo += call[1];
                if (populatedTo < limit)
                {
                    assertEquals(JournalPretouchAgent.STEP_BYTES, call[1], "a whole step before the chunk's end");
                }
            }
            assertTrue(populatedTo >= Math.min(limit, position + ahead - JournalPretouchAgent.STEP_BYTES - 4096),
                "at " + position + " populated to " + populatedTo);
        }
        assertEquals(limit, populatedTo, "the rest of the chunk once its end is within reach");
        assertEquals(limit - 4096, pretoucher.populatedBytes());
        assertTrue(calls.size() <= (limit - 4096) / JournalPretouchAgent.STEP_BYTES + 1, calls.size() + " calls");
    }

    @Test
    void shouldHoldTheChunkItTouchesAfterTheAppenderWritesElsewhereAndLetGoWhenReleased() throws IOException
    {
        // Chronicle unmaps a chunk nobody holds; its appender lets go of the one it wrote an entry into whenever it
        // moves to another chunk. touchNextEntry's loads must not find it unmapped.
        final long chunkBytes = 1 << 20;
        final MappedBytes bytes = MappedBytes.mappedBytes(dir.resolve("chunks").toFile(), chunkBytes, 0);
        final JournalPretouchAgent pretoucher = new JournalPretouchAgent(JournalPretouchAgent.MIN_AHEAD_BYTES);
        try
        {
            bytes.writeLong(3 * chunkBytes, 1L); // an entry in the fourth chunk
            final BytesStore<?, ?> entryChunk = bytes.bytesStore();
            bytes.writePosition(3 * chunkBytes + Long.BYTES);
            pretoucher.onAppended(bytes);

            bytes.writeLong(0, 2L); // the appender moves to another chunk: it lets go of the entry's chunk
            assertFalse(entryChunk == bytes.bytesStore(), "the appender moved to another chunk");

            assertTrue(entryChunk.refCount() > 0, "still mapped for touchNextEntry: " + entryChunk.refCount());
            pretoucher.touchNextEntry(); // loads from it: would fault were it unmapped
            pretoucher.releaseChunk();
            assertEquals(0, entryChunk.refCount(), "let go");
            pretoucher.touchNextEntry(); // nothing held, nothing read
        }
        finally
        {
            pretoucher.releaseChunk();
            bytes.releaseLast();
        }
    }

    /**
     * The latency profile's order of calls on a real journal, across chunk boundaries: each commit, then
     * touchNextEntry, while the pretoucher populates ahead on its own thread. Chronicle maps a queue file in chunks of
     * its block size (64 MiB); four chunks of entries here, every one read back as written. This sequence alone does
     * not make Chronicle unmap the chunk touchNextEntry reads (it passes with the chunk hold removed too): the
     * raw-MappedBytes test above is the one that shows the hold is needed.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldTouchTheNextEntryAcrossChunkBoundariesAndReadBackEverything()
    {
        final long chunkBytes = 64L << 20;
        final int frameBytes = 1000;
        final int batch = 64; // about 64 KiB per entry: a chunk every thousand commits
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(frameBytes));
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        long written = 0;
        long messages = 0;
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final JournalAppender appender = journal.appender();
            final JournalPretouchAgent pretoucher = appender.pretoucher(JournalPretouchAgent.DEFAULT_AHEAD_BYTES);
            final AgentRunner runner = new AgentRunner(JournalPretouchAgent.idleStrategy(), errors::add, null,
                pretoucher);
            AgentRunner.startOnThread(runner);
            try
            {
                while (written < 4 * chunkBytes)
                {
                    appender.begin();
                    for (int i = 0; i < batch; i++)
                    {
                        frame.putLong(0, messages);
                        frame.putLong(frameBytes - Long.BYTES, ~messages);
                        appender.add(frame, 0, frameBytes, messages++);
                    }
                    appender.commit();
                    appender.touchNextEntry();
                    written += (long)batch * frameBytes;
                }
            }
            finally
            {
                runner.close();
            }
            assertEquals(List.of(), errors.stream().filter(e -> !(e instanceof AgentTerminationException)).toList());

            final long[] read = { 0 };
            try (JournalTailer tailer = journal.tailer())
            {
                while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) ->
                {
                    final long n = read[0]++;
                    assertEquals(frameBytes, length, "length of message " + n);
                    assertEquals(n, buffer.getLong(offset), "message " + n);
                    assertEquals(~n, buffer.getLong(offset + frameBytes - Long.BYTES), "end of message " + n);
                    assertEquals(n, ingestTimeNs, "ingest time of message " + n);
                }))
                {
                    // every entry is checked by the handler
                }
            }
            assertEquals(messages, read[0]);
        }
    }

    @Test
    void shouldGiveANewPretoucherOnceTheOldOneWasStopped()
    {
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final JournalAppender appender = journal.appender();
            final JournalPretouchAgent first = appender.pretoucher(1 << 20);
            assertTrue(first == appender.pretoucher(1 << 20), "the same one while it runs");
            first.onClose();
            final JournalPretouchAgent second = appender.pretoucher(1 << 20);
            assertFalse(second == first, "a journal that outlives one pipeline serves the next one too");
            assertFalse(second.isStopped());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldSayWhyItTurnsItselfOffWhereTheKernelRejectsTheAdvice() throws InterruptedException
    {
        // An advice no kernel knows takes the same path as a kernel before 5.14 without MADV_POPULATE_WRITE: EINVAL.
        final JournalPretouchAgent pretoucher =
            new JournalPretouchAgent(JournalPretouchAgent.MIN_AHEAD_BYTES, 9_999, PosixAPI::posix);
        final CompletableFuture<String> told = new CompletableFuture<>();
        pretoucher.onDisabled(told::complete);
        final ByteBuffer chunk = ByteBuffer.allocateDirect(2 * JournalPretouchAgent.STEP_BYTES);
        final long address = new UnsafeBuffer(chunk).addressOffset();
        pretoucher.publish(address, 0, chunk.capacity(), 0);
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final AgentRunner runner = new AgentRunner(JournalPretouchAgent.idleStrategy(), errors::add, null, pretoucher);
        final Thread thread = AgentRunner.startOnThread(runner);
        thread.join(); // its duty cycle ends by itself once it has turned itself off
        runner.close();
        assertTrue(errors.stream().allMatch(e -> e instanceof AgentTerminationException),
            "turning itself off is how it ends, not an error: " + errors);
        assumeTrue(pretoucher.failure() == null || !pretoucher.failure().contains("no native"),
            "no native access here: " + pretoucher.failure());
        final String why = told.getNow(null);
        assertTrue(why != null, "the handler was told");
        assertEquals(pretoucher.failure(), why);
        assertTrue(why.contains("errno 22"), why);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldReportAFailingNativeCallToTheErrorHandlerAndCarryOn() throws InterruptedException
    {
        // The duty cycle's native call fails the way it would over a queue file whose directory went away.
        final AtomicInteger calls = new AtomicInteger();
        final PosixAPI failing = (PosixAPI)Proxy.newProxyInstance(PosixAPI.class.getClassLoader(),
            new Class<?>[] { PosixAPI.class }, (proxy, method, args) ->
            {
                if (method.getName().equals("madvise"))
                {
                    calls.incrementAndGet();
                    throw new UncheckedIOException(new IOException("injected: the journal directory went away"));
                }
                throw new UnsupportedOperationException(method.getName());
            });
        final JournalPretouchAgent pretoucher = new JournalPretouchAgent(
            JournalPretouchAgent.MIN_AHEAD_BYTES, JournalPretouchAgent.MADV_POPULATE_WRITE, () -> failing);
        final ByteBuffer chunk = ByteBuffer.allocateDirect(2 * JournalPretouchAgent.STEP_BYTES);
        pretoucher.publish(new UnsafeBuffer(chunk).addressOffset(), 0, chunk.capacity(), 0);
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final AgentRunner runner = new AgentRunner(JournalPretouchAgent.idleStrategy(), errors::add, null, pretoucher);
        AgentRunner.startOnThread(runner);
        try
        {
            while (errors.size() < 2)
            {
                Thread.sleep(1); // bounded by the test timeout
            }
        }
        finally
        {
            runner.close();
        }
        final Throwable first = errors.get(0);
        assertTrue(first instanceof UncheckedIOException && first.getMessage().contains("went away"), first::toString);
        assertTrue(calls.get() >= 2, "the next duty cycle tried again: " + calls.get());
        assertEquals(null, pretoucher.failure(), "a failed call is reported, not a reason to turn off");
        assertTrue(pretoucher.isStopped());
        assertEquals(0, pretoucher.populatedBytes());
    }
}
