package io.pitgun.perf;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.ProducerType;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.FrameSlot;
import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.LatencyStage;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineCounter;
import io.pitgun.engine.SlotDescriptor;
import io.pitgun.engine.SlotRing;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.engine.WaitStrategyKind;
import io.pitgun.manifest.ManifestException;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Frames per second through the engine, two ways in one run, with the same slot size and wait strategy:
 * <ul>
 *   <li>{@code pipeline}: the embedded API — a {@link FrameWriter} encodes a 6-sample frame straight into a slot and
 *   publishes it; the journal stage appends it to Chronicle Queue (one entry per batch of up to 64 frames); the
 *   processing stage (on the same consumer thread by default) runs a 10-formula compiled
 *   manifest, writes the derived frame into the slot's output area and hands it to the sink stage (the fan-out
 *   with no subscriber attached);</li>
 *   <li>{@code bareDisruptor}: the ceiling — the same 6-sample frame written into the same off-heap slots of a bare
 *   Disruptor ring, 1 producer → 1 consumer that reads the frame's bytes once and does nothing else.</li>
 * </ul>
 * One op is one frame published; a full ring makes the producer wait, so ops/s is
 * the sustained throughput. Run
 * with {@code -prof gc} for bytes allocated per frame. At tear-down the pipeline prints its HdrHistogram latencies
 * (publish → journaled, publish → processed), which under saturation are mostly time spent queued in the ring.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineThroughputBenchmark
{
    static final int WARM_UP_FRAMES = 100_000;

    /** Bytes of the 6-sample frame both methods publish ({@link BenchPipeline#FRAME_BYTES}). */
    public static final int FRAME_BYTES = BenchPipeline.FRAME_BYTES;

    /** The embedded pipeline with a journal in a temporary directory. */
    @State(Scope.Benchmark)
    public static class Pipeline
    {
        /**
         * {@code shared}: journal and processing on one consumer thread (the default layout); {@code separate}: the
         * journal on its own thread ({@code journal.separate_thread: true}); {@code none}: no journal stage, the
         * processing stage's own ceiling (not the measured configuration).
         */
        @Param({ "shared", "separate", "none" })
        public String journal;

        /** The wait strategy of the pipeline's consumers; the bare ring runs with the same one. */
        @Param({ "SLEEPING" })
        public WaitStrategyKind waitStrategy;

        Path directory;
        TelemetryPipeline pipeline;
        FrameWriter writer;
        long sequence;

        /**
         * One pipeline for the whole trial, so that its start-up (ring, tables, journal files, threads) is not
         * counted in any iteration's bytes/op. Its journal grows by gigabytes over the trial: the page cache takes
         * fresh memory for it all along, which is what a long-running journal does too (the pretoucher keeps those
         * page faults off the consuming thread).
         */
        @Setup(Level.Trial)
        public void setUp() throws IOException, ManifestException
        {
            directory = Files.createTempDirectory("pitgun-bench-journal");
            pipeline = BenchPipeline.open(journal, directory, waitStrategy);
            writer = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 0);
            // Start-up work of the stage threads (the first Chronicle append maps the cycle file and allocates) is
            // done here, not inside the first warm-up iteration.
            final long warm = sequence + WARM_UP_FRAMES;
            while (sequence < warm)
            {
                publish(this);
            }
            while (pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED) < WARM_UP_FRAMES)
            {
                Thread.onSpinWait();
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            pipeline.close();
            final Histogram journaledNs = pipeline.latency().snapshot(LatencyStage.PUBLISH_TO_JOURNALED);
            final Histogram processedNs = pipeline.latency().snapshot(LatencyStage.PUBLISH_TO_PROCESSED);
            System.out.println();
            System.out.println("pipeline: " + pipeline.counters());
            print("publish -> journaled", journaledNs);
            print("publish -> processed", processedNs);
            // bin/bench names a directory (inherited by this forked JVM) to turn these into docs/performance.md.
            final String out = System.getenv("PITGUN_BENCH_OUT");
            if (out != null && !out.isEmpty())
            {
                Files.writeString(Path.of(out, "pipeline-latency.txt"),
                    line("publish_to_journaled", journaledNs) + line("publish_to_processed", processedNs),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
            if (pipeline.counters().dropped() != 0 || pipeline.firstError().isPresent())
            {
                throw new IllegalStateException("the pipeline dropped frames or failed: " + pipeline.counters());
            }
            BenchPipeline.delete(directory);
        }

        private static void print(final String what, final Histogram h)
        {
            System.out.printf("%s (ns): p50 %d, p90 %d, p99 %d, p99.9 %d, max %d, count %d%n", what,
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue(), h.getTotalCount());
        }

        /** One line of {@code pipeline-latency.txt} (io.pitgun.perf.report.PipelineLatencyTable reads it), ns. */
        private String line(final String stage, final Histogram h)
        {
            return String.format(java.util.Locale.ROOT, "journal=%s stage=%s count=%d p50=%d p90=%d p99=%d p99.9=%d max=%d%n",
                journal, stage, h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
        }
    }

    /** A bare Disruptor over the same slots: one producer, one consumer. */
    @State(Scope.Benchmark)
    public static class Bare
    {
        /** The same wait strategy as the pipeline's. */
        @Param({ "SLEEPING" })
        public WaitStrategyKind waitStrategy;

        SlotRing ring;
        RingBuffer<FrameSlot> ringBuffer;
        BatchEventProcessor<FrameSlot> consumer;
        Thread thread;
        long sequence;

        @Setup(Level.Trial)
        public void setUp()
        {
            final PipelineConfig config = PipelineConfig.builder().ackMode(AckMode.ACCEPTED)
                .waitStrategy(waitStrategy).build();
            ring = new SlotRing(config.channelCapacity(), new SlotDescriptor(config.maxFrameBytes(), 10),
                ProducerType.SINGLE, config.waitStrategy().newWaitStrategy());
            ringBuffer = ring.ringBuffer();
            consumer = new BatchEventProcessorBuilder().build(ringBuffer, ringBuffer.newBarrier(),
                new FrameReader());
            ringBuffer.addGatingSequences(consumer.getSequence());
            thread = new Thread(consumer, "bench-bare-consumer");
            thread.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException
        {
            while (consumer.getSequence().get() < ringBuffer.getCursor())
            {
                Thread.onSpinWait();
            }
            consumer.halt();
            thread.join();
            ring.close();
        }
    }

    /**
     * The bare consumer's whole work: read every byte of the frame once (folded into a checksum), the least any
     * stage that journals or decodes a frame does — it is what moves the frame from the producer's core to the
     * consumer's. Reading one field only would leave most of each frame behind in the producer's cache.
     */
    static final class FrameReader implements EventHandler<FrameSlot>
    {
        // The running sum sits mid-array, a cache line away from any other object: written per event, a plain field
        // could share a line with what the producer touches, and then where a fork happened to allocate it decided
        // whether the ring ran at its speed or at a third of it (false sharing).
        private final long[] checksum = new long[32];

        @Override
        public void onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch)
        {
            final UnsafeBuffer buffer = slot.buffer();
            final int end = SlotDescriptor.FRAME_OFFSET + slot.frameLength();
            long sum = checksum[16];
            int i = SlotDescriptor.FRAME_OFFSET;
            for (; i + Long.BYTES <= end; i += Long.BYTES)
            {
                sum += buffer.getLong(i, ByteOrder.LITTLE_ENDIAN);
            }
            for (; i < end; i++)
            {
                sum += buffer.getByte(i);
            }
            checksum[16] = sum;
        }
    }

    @Benchmark
    public long pipeline(final Pipeline state)
    {
        return publish(state);
    }

    static long publish(final Pipeline state)
    {
        return BenchPipeline.writeFrame(state.writer, state.sequence++).commit();
    }

    @Benchmark
    public long bareDisruptor(final Bare state)
    {
        final long i = state.sequence++;
        final RingBuffer<FrameSlot> ringBuffer = state.ringBuffer;
        final long position = ringBuffer.next();
        final UnsafeBuffer b = ringBuffer.get(position).buffer();
        // The same bytes the FrameWriter writes: header, fixed fields, six samples.
        BenchPipeline.encodeFrame(b, SlotDescriptor.FRAME_OFFSET, i);
        b.putInt(SlotDescriptor.FRAME_LENGTH_OFFSET, FRAME_BYTES);
        b.putLong(SlotDescriptor.INGEST_TIME_OFFSET, System.nanoTime());
        ringBuffer.publish(position);
        return position;
    }
}
