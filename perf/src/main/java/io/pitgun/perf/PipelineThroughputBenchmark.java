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
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalPretouchAgent;
import io.pitgun.manifest.ManifestException;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
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
import java.nio.ByteBuffer;
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
 *   Disruptor ring, 1 producer → 1 consumer that reads the frame's bytes once and does nothing else;</li>
 *   <li>{@code bareJournaledDisruptor}: the journaled ceiling a user could build from the same libraries — the same
 *   frame in the same slots of a bare Disruptor ring, 1 producer → 1 consumer that appends it to a Chronicle queue
 *   the way the journal stage does (one document per Disruptor batch, bounded like
 *   {@link JournalEntryDescriptor#MAX_MESSAGES_PER_ENTRY} / {@link JournalEntryDescriptor#MAX_ENTRY_BYTES}, the same
 *   record bytes per message), with the pipeline's roll cycle and the same pretoucher, and does nothing else.</li>
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

    /** The embedded pipeline with a journal in a temporary directory. */
    @State(Scope.Benchmark)
    public static class Pipeline
    {
        /**
         * {@code shared}: journal and processing on one consumer thread (the default layout); {@code separate}: the
         * journal on its own thread ({@code journal.thread: separate}); {@code none}: no journal stage, the
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

    /**
     * The journaled baseline: a bare Disruptor over the same slots whose one consumer appends each batch to a
     * Chronicle queue of its own ({@link ChronicleAppendingHandler}), with the pipeline's default roll cycle and
     * Chronicle's default block size (what the pipeline's journal opens with), and the pipeline's pretoucher
     * ({@link JournalPretouchAgent}, the same distance ahead, the same idle strategy) on a thread of its own
     * ({@link PretouchedQueue}): the fair comparison, since without one the baseline's consumer would take every fresh
     * page's fault itself.
     */
    @State(Scope.Benchmark)
    public static class BareJournaled
    {
        /** The same wait strategy as the pipeline's. */
        @Param({ "SLEEPING" })
        public WaitStrategyKind waitStrategy;

        /**
         * How the consumer writes a batch's records, the two ways a user would: {@code staged} into an off-heap
         * buffer, copied into the document in one piece at the end of the batch (what the journal stage does);
         * {@code direct} straight into the mapped document, record by record. The ceiling is the faster of the two
         * (the generated summary compares against the better one).
         */
        @Param({ "staged", "direct" })
        public String write;

        Path directory;
        PretouchedQueue journal;
        SlotRing ring;
        RingBuffer<FrameSlot> ringBuffer;
        BatchEventProcessor<FrameSlot> consumer;
        Thread thread;
        long sequence;

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            directory = Files.createTempDirectory("pitgun-bench-bare-journal");
            final PipelineConfig config = PipelineConfig.builder().journalDirectory(directory)
                .ackMode(AckMode.JOURNALED).waitStrategy(waitStrategy).build();
            journal = new PretouchedQueue(directory);
            ring = new SlotRing(config.channelCapacity(), new SlotDescriptor(config.maxFrameBytes(), 10),
                ProducerType.SINGLE, config.waitStrategy().newWaitStrategy());
            ringBuffer = ring.ringBuffer();
            consumer = new BatchEventProcessorBuilder().build(ringBuffer, ringBuffer.newBarrier(),
                new ChronicleAppendingHandler(journal.queue(), journal.pretoucher(), "staged".equals(write),
                    ring.descriptor().frameCapacity()));
            ringBuffer.addGatingSequences(consumer.getSequence());
            thread = new Thread(consumer, "bench-bare-journaled-consumer");
            thread.start();
            // As for the pipeline: the first append maps the cycle file, so warm it outside any iteration.
            final long warm = sequence + WARM_UP_FRAMES;
            while (sequence < warm)
            {
                publishBareJournaled(this);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            while (consumer.getSequence().get() < ringBuffer.getCursor())
            {
                Thread.onSpinWait();
            }
            consumer.halt();
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            journal.close(); // the consumer has stopped
            final JournalPretouchAgent pretoucher = journal.pretoucher();
            System.out.println();
            System.out.println("bareJournaledDisruptor: " + pretoucher.populatedBytes() + " bytes pretouched" +
                (pretoucher.failure() == null ? "" : ", pretoucher off: " + pretoucher.failure()));
            ring.close();
            BenchPipeline.delete(directory);
        }
    }

    /**
     * The journaled baseline's whole work, written the way a user of Chronicle Queue would: per Disruptor batch one
     * document (closed on the batch's last frame, or when it holds
     * {@link JournalEntryDescriptor#MAX_MESSAGES_PER_ENTRY} messages or {@link JournalEntryDescriptor#MAX_ENTRY_BYTES}
     * bytes), each frame's record — its header (ingest time, event identity, length) stored field by field, its
     * bytes copied from the slot once — either staged in an off-heap buffer that goes into the document with one
     * copy per batch, or written straight into the mapped document (one {@code writeSkip} per record, Chronicle's
     * own pattern for raw writes: per-field {@code writeLong} calls check the chunk on every field). The entry's
     * layout is {@link JournalEntryDescriptor}'s, so the journal it writes is the one Pitgun writes, byte for byte.
     */
    public static final class ChronicleAppendingHandler implements EventHandler<FrameSlot>
    {
        private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN; // JournalEntryDescriptor's

        private final SingleChronicleQueue queue;
        private final JournalPretouchAgent pretoucher;
        private final boolean staged;
        /** The staged batch, or a view of the record being written in the mapped document. */
        private final UnsafeBuffer record;
        private ExcerptAppender appender;
        private DocumentContext document;
        private Bytes<?> bytes;
        private long entryStart;
        private int entryLength;
        private int count;

        /**
         * @param staged        stage the batch and copy it once, or write each record into the document.
         * @param frameCapacity the largest frame a slot holds (sizes the staging buffer: a batch is committed once it
         *                      reaches {@link JournalEntryDescriptor#MAX_ENTRY_BYTES}, so one more record fits).
         */
        public ChronicleAppendingHandler(final SingleChronicleQueue queue, final JournalPretouchAgent pretoucher,
            final boolean staged, final int frameCapacity)
        {
            this.queue = queue;
            this.pretoucher = pretoucher;
            this.staged = staged;
            this.record = staged ? new UnsafeBuffer(ByteBuffer.allocateDirect(JournalEntryDescriptor.MAX_ENTRY_BYTES +
                JournalEntryDescriptor.MESSAGE_OFFSET + frameCapacity)) : new UnsafeBuffer(0, 0);
        }

        @Override
        public void onStart()
        {
            appender = queue.createAppender(); // Chronicle's appenders belong to the thread that made them
        }

        @Override
        public void onShutdown()
        {
            appender.close();
        }

        @Override
        public void onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch)
        {
            if (count == 0)
            {
                entryLength = JournalEntryDescriptor.ENTRY_HEADER_LENGTH;
                if (!staged)
                {
                    document = appender.writingDocument();
                    bytes = document.wire().bytes();
                    entryStart = bytes.writePosition();
                    bytes.writeSkip(JournalEntryDescriptor.ENTRY_HEADER_LENGTH);
                }
            }
            final int length = slot.frameLength();
            final int recordLength = JournalEntryDescriptor.MESSAGE_OFFSET + length;
            final UnsafeBuffer record = this.record;
            final int at;
            if (staged)
            {
                at = entryLength;
            }
            else
            {
                final Bytes<?> bytes = this.bytes;
                bytes.writeSkip(recordLength);
                record.wrap(bytes.addressForWrite(bytes.writePosition() - recordLength), recordLength);
                at = 0;
            }
            record.putLong(at + JournalEntryDescriptor.INGEST_TIME_OFFSET, slot.ingestTimeNs(), ORDER);
            record.putLong(at + JournalEntryDescriptor.EVENT_ID_MSB_OFFSET, slot.eventIdMsb(), ORDER);
            record.putLong(at + JournalEntryDescriptor.EVENT_ID_LSB_OFFSET, slot.eventIdLsb(), ORDER);
            record.putLong(at + JournalEntryDescriptor.CONTENT_DIGEST_OFFSET, slot.contentDigest(), ORDER);
            record.putInt(at + JournalEntryDescriptor.FRAME_ORDINAL_OFFSET, slot.frameOrdinal(), ORDER);
            record.putInt(at + JournalEntryDescriptor.FRAME_COUNT_OFFSET, slot.frameCount(), ORDER);
            record.putInt(at + JournalEntryDescriptor.LENGTH_OFFSET, length, ORDER);
            record.putBytes(at + JournalEntryDescriptor.MESSAGE_OFFSET, slot.buffer(), SlotDescriptor.FRAME_OFFSET,
                length);
            entryLength += recordLength;
            count++;
            if (endOfBatch || count == JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY ||
                entryLength >= JournalEntryDescriptor.MAX_ENTRY_BYTES)
            {
                commit();
            }
        }

        /**
         * Records taken since the last document closed: 0 right after an {@link #onEvent} that committed its batch
         * (the paced benchmark's journaled-ring floor stamps the batch's frames durable then).
         */
        public int pendingRecords()
        {
            return count;
        }

        private void commit()
        {
            if (staged)
            {
                record.putInt(JournalEntryDescriptor.COUNT_OFFSET, count, ORDER);
                record.putInt(JournalEntryDescriptor.FORMAT_OFFSET, JournalEntryDescriptor.FORMAT_EVENT_IDENTITY,
                    ORDER);
                document = appender.writingDocument();
                bytes = document.wire().bytes();
                bytes.unsafeWrite(record.addressOffset(), entryLength);
            }
            else
            {
                bytes.writeInt(entryStart + JournalEntryDescriptor.COUNT_OFFSET, count);
                bytes.writeInt(entryStart + JournalEntryDescriptor.FORMAT_OFFSET,
                    JournalEntryDescriptor.FORMAT_EVENT_IDENTITY);
            }
            pretoucher.onAppended(bytes);
            document.close();
            document = null;
            bytes = null;
            count = 0;
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
        writeFrame(ringBuffer.get(position).buffer(), i);
        ringBuffer.publish(position);
        return position;
    }

    @Benchmark
    public long bareJournaledDisruptor(final BareJournaled state)
    {
        return publishBareJournaled(state);
    }

    static long publishBareJournaled(final BareJournaled state)
    {
        final long i = state.sequence++;
        final RingBuffer<FrameSlot> ringBuffer = state.ringBuffer;
        final long position = ringBuffer.next();
        writeJournaledSlot(ringBuffer.get(position).buffer(), i, System.nanoTime());
        ringBuffer.publish(position);
        return position;
    }

    /**
     * Writes what {@link ChronicleAppendingHandler} journals into a slot: the frame of {@link #writeFrame}, its
     * ingest time and the event identity "no event", as the embedded FrameWriter's slots carry.
     */
    public static void writeJournaledSlot(final UnsafeBuffer b, final long i, final long ingestTimeNs)
    {
        writeFrame(b, i, ingestTimeNs);
        b.putLong(SlotDescriptor.EVENT_ID_MSB_OFFSET, 0);
        b.putLong(SlotDescriptor.EVENT_ID_LSB_OFFSET, 0);
        b.putLong(SlotDescriptor.CONTENT_DIGEST_OFFSET, 0);
        b.putInt(SlotDescriptor.FRAME_ORDINAL_OFFSET, 0);
        b.putInt(SlotDescriptor.FRAME_COUNT_OFFSET, 0);
    }

    /** The same bytes the FrameWriter writes (header, fixed fields, six samples), its length and ingest time. */
    static void writeFrame(final UnsafeBuffer b, final long i)
    {
        writeFrame(b, i, System.nanoTime());
    }

    private static void writeFrame(final UnsafeBuffer b, final long i, final long ingestTimeNs)
    {
        BenchPipeline.encodeFrame(b, SlotDescriptor.FRAME_OFFSET, i);
        b.putInt(SlotDescriptor.FRAME_LENGTH_OFFSET, BenchPipeline.FRAME_BYTES);
        b.putLong(SlotDescriptor.INGEST_TIME_OFFSET, ingestTimeNs);
    }
}
