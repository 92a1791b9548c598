package io.pitgun.engine;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.dsl.ProducerType;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.runtime.FrameProgram;
import io.pitgun.manifest.runtime.FrameValues;
import io.pitgun.testsupport.JournaledFrames;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link JournalingProcessingStage} when processing throws in the middle of a batch: the batch's journal entry is
 * committed, the rest of the batch is still processed (before its slots go back to the producers), the error reaches
 * the pipeline's handler once, and later batches are journaled and processed as usual.
 *
 * <p>The stages are wired here as {@link TelemetryPipeline} wires them (real ring, real journal in a temporary
 * directory, real merge → manifest → segment stages, the pipeline's {@link StageErrors} as the Disruptor's
 * exception handler) because nothing a pipeline's embedder controls makes processing throw: sink failures are
 * absorbed by {@link OutputFanout}, and a compiled {@link FrameProgram} throws for no input. The only stand-in is a
 * program that wraps the manifest's own and throws on one chosen frame. A batch is made deterministic by
 * publishing it whole (single producer: one cursor move) before the consumer thread starts, or while it waits.
 */
class JournalingProcessingStageTest
{
    private static final int RING = 64;
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long SESSION_MSB = 0x5E5510A000000001L;
    private static final long SESSION_LSB = 0x8000000000000001L;
    /** The frame (by its sequence number) whose processing throws. */
    private static final long FAILING_FRAME = 3;

    @TempDir
    Path dir;

    /** An exception, and an Error: the Disruptor carries on after either, so the stage must finish its batch. */
    static Stream<Throwable> failures()
    {
        return Stream.of(new IllegalStateException("processing failed on frame " + FAILING_FRAME),
            new StackOverflowError("processing failed on frame " + FAILING_FRAME));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void shouldJournalTheBatchProcessTheRestOfItAndReportOnceWhenProcessingThrowsMidBatch(final Throwable failure)
    {
        final CompiledManifest manifest = Manifests.compile("fast-only.yaml");
        final SlotDescriptor descriptor = new SlotDescriptor(1024, manifest.derivedChannels().size());
        final SlotRing ring = new SlotRing(RING, descriptor, ProducerType.SINGLE, new BlockingWaitStrategy());
        final RingBuffer<FrameSlot> ringBuffer = ring.ringBuffer();
        final PipelineCounters counters = new PipelineCounters();
        final PipelineLatency latency = new PipelineLatency();
        final List<String> reported = Collections.synchronizedList(new ArrayList<>());
        final StageErrors errors = new StageErrors(counters, (stage, error) -> reported.add(stage));
        final Sequence journaled = new Sequence(-1);
        final List<Long> programSaw = Collections.synchronizedList(new ArrayList<>());
        final Path journalDir = dir.resolve("journal");

        try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
        {
            final OutputFanout fanout = new OutputFanout(new OutputSink[0], counters, errors);
            final SegmentPlan plan = new SegmentPlan(manifest);
            final SegmentStage segment = new SegmentStage(plan,
                new InsightWriter("test", manifest.manifest().name(), "sim.v1", "test", null), fanout, false);
            final StreamTable streams = new StreamTable(4, () -> new StreamState(
                new FailingOnce(manifest.newProgram(), programSaw, failure), new StreamSegments(plan)),
                PipelineConfig.DEFAULT_STREAM_IDLE_TIMEOUT_US);
            final ManifestStage manifestStage = new ManifestStage(manifest, descriptor, streams, segment, fanout,
                counters);
            final MergeStage merge = new MergeStage(false, null, 0, 0, 4, PipelineConfig.DEFAULT_STREAM_IDLE_TIMEOUT_US,
                descriptor.frameCapacity(), manifestStage, counters);
            final ProcessingStage processing = new ProcessingStage(merge, segment, streams, counters, latency,
                ringBuffer);
            final JournalStage journalStage = new JournalStage(journal, ringBuffer, journaled,
                new JournaledListeners(), new JournalIndexHistory(1), counters, latency, errors);
            final BatchEventProcessor<FrameSlot> processor = new BatchEventProcessorBuilder()
                .setMaxBatchSize(JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY)
                .build(ringBuffer, ringBuffer.newBarrier(), new JournalingProcessingStage(ringBuffer, journalStage,
                    processing, errors));
            processor.setExceptionHandler(errors);
            ringBuffer.addGatingSequences(processor.getSequence());

            // Batch one: frames 0..7 published in one move before the consumer starts, so it is one batch.
            publishBatch(ringBuffer, 0, 8);
            final Thread thread = new Thread(processor, "journaling-processing-test");
            thread.start();
            try
            {
                awaitConsumed(processor, 7);
                assertEquals(7, journaled.get(), "the batch's entry was not committed");
                assertEquals(8, counters.get(PipelineCounter.FRAMES_JOURNALED));
                for (long s = 0; s <= 7; s++)
                {
                    assertTrue(ringBuffer.get(s).journalIndex() >= 0, "slot " + s + " has no journal position");
                }
                // Every frame of the batch reached the program, those after the failing one included, once each.
                assertEquals(range(0, 8), List.copyOf(programSaw));
                assertEquals(8, counters.get(PipelineCounter.FRAMES_PROCESSED));
                // Reported once, against the slot that failed (not the batch's last one, which the Disruptor handles).
                assertEquals(List.of("slot " + FAILING_FRAME), List.copyOf(reported), "reported against another slot");
                assertSame(failure, errors.first());
                assertEquals(1, counters.get(PipelineCounter.STAGE_ERRORS));

                // Batch two: the stage carries on.
                publishBatch(ringBuffer, 8, 4);
                awaitConsumed(processor, 11);
                assertEquals(11, journaled.get());
                assertEquals(12, counters.get(PipelineCounter.FRAMES_JOURNALED));
                assertEquals(range(0, 12), List.copyOf(programSaw));
                assertEquals(List.of("slot " + FAILING_FRAME), List.copyOf(reported), "reported again");
                assertEquals(1, counters.get(PipelineCounter.STAGE_ERRORS));
            }
            finally
            {
                processor.halt();
                join(thread);
            }
        }
        finally
        {
            ring.close();
        }
        assertEquals(range(0, 12), JournaledFrames.sequences(journalDir), "the journal lost or repeated a frame");
    }

    /** The manifest's own program, throwing (before running) on the frame whose timestamp marks it as failing. */
    private static final class FailingOnce implements FrameProgram
    {
        private final FrameProgram program;
        private final List<Long> saw;
        private final Throwable failure;

        FailingOnce(final FrameProgram program, final List<Long> saw, final Throwable failure)
        {
            this.program = program;
            this.saw = saw;
            this.failure = failure;
        }

        @Override
        public boolean onFrame(final FrameValues in, final FrameValues out)
        {
            final long frame = in.timestampUs() - SyntheticRun.START_US;
            saw.add(frame);
            if (frame == FAILING_FRAME)
            {
                if (failure instanceof Error)
                {
                    throw (Error)failure;
                }
                throw (RuntimeException)failure;
            }
            return program.onFrame(in, out);
        }

        @Override
        public void reset()
        {
            program.reset();
        }
    }

    /** Publishes frames {@code first..first+count-1} (sequence = timestamp offset = frame number) in one move. */
    private static void publishBatch(final RingBuffer<FrameSlot> ringBuffer, final long first, final int count)
    {
        final long hi = ringBuffer.next(count);
        final long lo = hi - count + 1;
        for (long position = lo; position <= hi; position++)
        {
            final FrameSlot slot = ringBuffer.get(position);
            slot.reset(SlotDescriptor.STATUS_READY);
            final long frame = first + position - lo;
            final MutableDirectBuffer b = slot.buffer();
            final int o = SlotDescriptor.FRAME_OFFSET;
            b.putShort(o, (short)TelemetryFrameEncoder.BLOCK_LENGTH, ORDER);
            b.putShort(o + 2, (short)TelemetryFrameEncoder.TEMPLATE_ID, ORDER);
            b.putShort(o + 4, (short)TelemetryFrameEncoder.SCHEMA_ID, ORDER);
            b.putShort(o + 6, (short)TelemetryFrameEncoder.SCHEMA_VERSION, ORDER);
            b.putLong(o + FrameDescriptor.SESSION_MSB, SESSION_MSB, ORDER);
            b.putLong(o + FrameDescriptor.SESSION_LSB, SESSION_LSB, ORDER);
            b.putLong(o + FrameDescriptor.PRODUCER_MSB, SyntheticRun.producerId().getMostSignificantBits(), ORDER);
            b.putLong(o + FrameDescriptor.PRODUCER_LSB, SyntheticRun.producerId().getLeastSignificantBits(), ORDER);
            b.putLong(o + FrameDescriptor.SEQUENCE, frame, ORDER);
            b.putLong(o + FrameDescriptor.TIMESTAMP_US, SyntheticRun.START_US + frame, ORDER);
            b.putShort(o + FrameDescriptor.SOURCE_ID, (short)0, ORDER);
            b.putShort(o + FrameDescriptor.LAP_NUMBER, (short)FrameDescriptor.NULL_LAP, ORDER);
            b.putByte(o + FrameDescriptor.SECTOR, (byte)FrameDescriptor.NULL_SECTOR);
            b.putByte(o + FrameDescriptor.FLAGS, (byte)0);
            b.putShort(o + FrameDescriptor.GROUP_HEADER, (short)FrameDescriptor.SAMPLE_LENGTH, ORDER);
            b.putShort(o + FrameDescriptor.GROUP_HEADER + 2, (short)0, ORDER);
            slot.frameLength(FrameDescriptor.SAMPLES);
            slot.ingestTimeNs(System.nanoTime());
        }
        ringBuffer.publish(lo, hi);
    }

    private static void awaitConsumed(final BatchEventProcessor<FrameSlot> processor, final long sequence)
    {
        final long deadline = System.nanoTime() + WAIT_NS;
        while (processor.getSequence().get() < sequence)
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("the stage did not get through slot " + sequence + "; it is at " + processor.getSequence().get());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static void join(final Thread thread)
    {
        try
        {
            thread.join(TimeUnit.NANOSECONDS.toMillis(WAIT_NS));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        assertTrue(!thread.isAlive(), "the stage thread did not stop");
    }

    private static List<Long> range(final long first, final int count)
    {
        return LongStream.range(first, first + count).boxed().toList();
    }
}
