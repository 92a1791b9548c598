package io.pitgun.engine;

import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameStructure;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalTailer;
import io.pitgun.manifest.ManifestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stress test of the acknowledgement protocol with real threads on a small ring that wraps thousands of times:
 * producers publish with {@code tryClaim} (counting every refusal), readers ask {@code isJournaled} and
 * {@code journalIndexOf} for frames other threads published, and a watcher checks that the journaled sequence
 * never goes back. After close every journal index a reader was given must hold exactly the frame published at
 * that ring position, and the counters must add up exactly (no lost update between producers).
 *
 * <p>This is the end-to-end half, through the public API; the memory-model half (the orderings each step relies
 * on) is in the jcstress tests of {@code concurrency-tests}. Frames per producer: {@value #DEFAULT_FRAMES} by
 * default (a few seconds); {@code -Dpitgun.stress.frames=2000000} for a long run.
 */
class AckProtocolStressTest
{
    private static final int DEFAULT_FRAMES = 10_000;
    private static final int FRAMES = Integer.getInteger("pitgun.stress.frames", DEFAULT_FRAMES);
    private static final int PRODUCERS = 2;
    private static final int READERS = 2;
    private static final int MAX_CHECKS_PER_READER = 200_000;
    private static final UUID SESSION = UUID.fromString("53702b3e-3e56-41a2-8834-9169ee5e991e");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldNeverAcknowledgeAWrongJournalIndexWithSeveralProducers() throws Exception
    {
        run(ProducerMode.MULTI, PRODUCERS);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldNeverAcknowledgeAWrongJournalIndexWithOneProducer() throws Exception
    {
        run(ProducerMode.SINGLE, 1);
    }

    private void run(final ProducerMode mode, final int producers) throws ManifestException, InterruptedException
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().journalDirectory(dir).channelCapacity(64).producerMode(mode)
                .ackMode(AckMode.JOURNALED).build())
            .build();
        final long[][] positions = new long[producers][FRAMES];
        final AtomicIntegerArray published = new AtomicIntegerArray(producers);
        final long[] refused = new long[producers];
        final List<long[]> checks = new ArrayList<>(); // per reader: producer, sequence, journal index triples
        final AtomicBoolean producing = new AtomicBoolean(true);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        final int[] checked = new int[READERS];
        try
        {
            for (int p = 0; p < producers; p++)
            {
                final int producer = p;
                threads.add(new Thread(guard(failure, () ->
                {
                    final SlotClaim claim = pipeline.newSlotClaim();
                    final FrameWriter writer = pipeline.newFrameWriter(SESSION, new UUID(1, producer), producer);
                    await(start);
                    for (int s = 0; s < FRAMES; s++)
                    {
                        // Alternate the two claim paths producers use (embedded writer, gateway's slot claim).
                        while (!(s % 2 == 0 ? writer.tryBegin(s, 1_000L * s) : claim.tryClaim()))
                        {
                            refused[producer]++;
                            Thread.yield();
                        }
                        final long position;
                        if (s % 2 == 0)
                        {
                            position = writer.putDouble(SyntheticRun.SPEED, 100).commit();
                        }
                        else
                        {
                            final int length = PipelineLifecycleTest.encodeFrame(claim.buffer(), claim.offset(), 1, s);
                            claim.buffer().putLong(claim.offset() + FrameDescriptor.PRODUCER_MSB, 1, ORDER);
                            claim.buffer().putLong(claim.offset() + FrameDescriptor.PRODUCER_LSB, producer, ORDER);
                            claim.buffer().putShort(claim.offset() + FrameDescriptor.SOURCE_ID, (short)producer, ORDER);
                            position = claim.commit(length);
                        }
                        positions[producer][s] = position;
                        published.lazySet(producer, s + 1); // release: the position above is visible to readers
                    }
                }), "stress-producer-" + p));
            }
            for (int r = 0; r < READERS; r++)
            {
                final int reader = r;
                final long[] triples = new long[3 * MAX_CHECKS_PER_READER];
                checks.add(triples);
                threads.add(new Thread(guard(failure, () ->
                {
                    final SplittableRandom random = new SplittableRandom(reader);
                    await(start);
                    int n = 0;
                    while (producing.get() && n < MAX_CHECKS_PER_READER)
                    {
                        final int producer = random.nextInt(producers);
                        final int count = published.get(producer);
                        if (count == 0)
                        {
                            Thread.onSpinWait();
                            continue;
                        }
                        // Mostly the newest frames: their slots are the ones being reused.
                        final int s = Math.max(0, count - 1 - random.nextInt(Math.min(count, 200)));
                        final long position = positions[producer][s];
                        if (pipeline.isJournaled(position))
                        {
                            final long index = pipeline.journalIndexOf(position);
                            if (index >= 0)
                            {
                                triples[3 * n] = producer;
                                triples[3 * n + 1] = s;
                                triples[3 * n + 2] = index;
                                n++;
                            }
                        }
                    }
                    checked[reader] = n;
                }), "stress-reader-" + r));
            }
            threads.add(new Thread(guard(failure, () ->
            {
                await(start);
                long last = -1;
                while (producing.get())
                {
                    final long now = pipeline.journaledSequence();
                    if (now < last)
                    {
                        throw new AssertionError("journaled sequence went back from " + last + " to " + now);
                    }
                    last = now;
                    Thread.onSpinWait();
                }
            }), "stress-watcher"));
            threads.forEach(Thread::start);
            start.countDown();
            for (int p = 0; p < producers; p++)
            {
                threads.get(p).join();
            }
            producing.set(false);
            for (final Thread thread : threads)
            {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        finally
        {
            producing.set(false);
            pipeline.close();
        }
        if (failure.get() != null)
        {
            throw new AssertionError("a stress thread failed", failure.get());
        }

        final Map<Long, Long> frameAtIndex = journaledFrames(dir);
        int verified = 0;
        for (int r = 0; r < READERS; r++)
        {
            final long[] triples = checks.get(r);
            for (int i = 0; i < checked[r]; i++)
            {
                final long producer = triples[3 * i];
                final long sequence = triples[3 * i + 1];
                final long index = triples[3 * i + 2];
                assertEquals(producer << 32 | sequence, frameAtIndex.get(index),
                    "journalIndexOf answered index " + index + " for producer " + producer + " frame " + sequence);
                verified++;
            }
        }
        assertTrue(verified > 0, "the readers checked nothing");
        long totalRefused = 0;
        for (final long r : refused)
        {
            totalRefused += r;
        }
        final long frames = (long)producers * FRAMES;
        assertEquals(frames, pipeline.counters().get(PipelineCounter.FRAMES_ACCEPTED));
        assertEquals(frames, pipeline.counters().get(PipelineCounter.FRAMES_JOURNALED));
        assertEquals(frames, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
        assertEquals(totalRefused, pipeline.counters().get(PipelineCounter.DROPPED_RING_FULL),
            "every refused tryClaim counted once");
    }

    /** Journal index → producer << 32 | sequence, for every TelemetryFrame in the journal. */
    private static Map<Long, Long> journaledFrames(final Path journalDir)
    {
        final Map<Long, Long> frames = new HashMap<>();
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir));
             JournalTailer tailer = journal.tailer())
        {
            while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) ->
            {
                final long result = FrameStructure.checkExactly(buffer, offset, length);
                if (FrameStructure.isReadable(result) &&
                    FrameStructure.templateId(result) == TelemetryFrameDecoder.TEMPLATE_ID)
                {
                    frames.put(index, buffer.getLong(offset + FrameDescriptor.PRODUCER_LSB, ORDER) << 32 |
                        buffer.getLong(offset + FrameDescriptor.SEQUENCE, ORDER));
                }
            }))
            {
                // every entry
            }
        }
        return frames;
    }

    private static Runnable guard(final AtomicReference<Throwable> failure, final Runnable body)
    {
        return () ->
        {
            try
            {
                body.run();
            }
            catch (final Throwable ex)
            {
                failure.compareAndSet(null, ex);
            }
        };
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
