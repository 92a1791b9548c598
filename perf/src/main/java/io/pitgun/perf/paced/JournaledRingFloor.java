package io.pitgun.perf.paced;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.ProducerType;
import io.pitgun.engine.FrameSlot;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineLatency;
import io.pitgun.engine.SlotDescriptor;
import io.pitgun.engine.SlotRing;
import io.pitgun.engine.WaitStrategyKind;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.perf.PipelineThroughputBenchmark;
import io.pitgun.perf.PretouchedQueue;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The second baseline: the floor of any design that journals on another thread than the producer's. A hand-built
 * Disruptor ring (one producer, busy-spin) over the pipeline's slots, whose one consumer appends each batch to a
 * Chronicle queue as one document — {@link PipelineThroughputBenchmark.ChronicleAppendingHandler}, the journaled
 * baseline of {@code PipelineThroughput}, staged — with the pipeline's pretoucher on a thread of its own
 * ({@link PretouchedQueue}). The
 * producer carries each frame's intended time in the slot's ingest time; the consumer records intended → the end of
 * the append that made the frame durable (one clock read per document), so the figure is coordinated-omission
 * corrected like the pipeline's own publish → journaled.
 *
 * <p>Its consumer spins only while a run is under way ({@link #run} starts and stops it), so it takes no core from
 * the other measurements. Not thread-safe: one thread calls {@link #run} and {@link #close}.
 */
final class JournaledRingFloor implements AutoCloseable
{
    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private final PretouchedQueue journal;
    private final SlotRing ring;
    private final RingBuffer<FrameSlot> ringBuffer;
    private final StampingHandler handler;
    private final OpenLoop.FrameSender sender = this::publish;
    /** Intended → published on the producer's side, which this floor does not report: the loop records it anyway. */
    private final Histogram sentNs = new Histogram(1, PipelineLatency.HIGHEST_TRACKABLE_NS, 3);
    private long sequence;

    JournaledRingFloor(final Path directory)
    {
        final PipelineConfig config = PipelineConfig.builder().journalDirectory(directory).build();
        journal = new PretouchedQueue(directory);
        ring = new SlotRing(config.channelCapacity(), new SlotDescriptor(config.maxFrameBytes(), 10),
            ProducerType.SINGLE, WaitStrategyKind.BUSY_SPIN.newWaitStrategy());
        ringBuffer = ring.ringBuffer();
        handler = new StampingHandler(new PipelineThroughputBenchmark.ChronicleAppendingHandler(journal.queue(),
            journal.pretoucher(), true, ring.descriptor().frameCapacity()));
    }

    /**
     * Publishes {@code frames} frames on {@code schedule} from {@code startNs} (the producer's loop is
     * {@link OpenLoop}'s), then waits (bounded) until the consumer has journaled them all.
     *
     * @param latencyNs where intended → journaled goes; never null (a warm-up passes one it ignores: {@link
     *                  OpenLoop#run}).
     * @param threads   makes the consumer's thread (it is named here).
     * @return the nanoTime after the last publish.
     */
    long run(final PacedSchedule schedule, final long startNs, final long frames, final Histogram latencyNs,
        final ThreadFactory threads)
    {
        handler.latencyNs = latencyNs;
        final BatchEventProcessor<FrameSlot> consumer = new BatchEventProcessorBuilder().build(ringBuffer,
            ringBuffer.newBarrier(), handler);
        // From the ring's cursor: a fresh processor would otherwise start at slot 0 of a ring earlier runs filled.
        consumer.getSequence().set(ringBuffer.getCursor());
        ringBuffer.addGatingSequences(consumer.getSequence());
        final Thread thread = threads.newThread(consumer);
        thread.setName("paced-ring-floor-consumer");
        thread.start();
        try
        {
            final long end = OpenLoop.run(schedule, startNs, frames, sender, sentNs);
            final long deadline = System.nanoTime() + DRAIN_TIMEOUT_NS;
            // The consumer's sequence is published after its batch's onEvent calls (a release), so once it reaches
            // the cursor the histogram's writes are visible here.
            while (consumer.getSequence().get() < ringBuffer.getCursor())
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException("the journaled ring's consumer did not catch up in 60 s");
                }
                Thread.onSpinWait();
            }
            return end;
        }
        finally
        {
            consumer.halt();
            join(thread);
            ringBuffer.removeGatingSequence(consumer.getSequence());
        }
    }

    private void publish(final long k, final long intendedNs)
    {
        final long position = ringBuffer.next();
        PipelineThroughputBenchmark.writeJournaledSlot(ringBuffer.get(position).buffer(), sequence++, intendedNs);
        ringBuffer.publish(position);
    }

    private static void join(final Thread thread)
    {
        try
        {
            thread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close()
    {
        journal.close(); // the consumer has stopped (each run joins it)
        ring.close();
    }

    /**
     * The consumer: the baseline handler's work, then, once a document closed, intended → now for each frame it held.
     */
    private static final class StampingHandler implements EventHandler<FrameSlot>
    {
        private final PipelineThroughputBenchmark.ChronicleAppendingHandler appending;
        /** Intended times of the frames of the open document; a document holds at most this many. */
        private final long[] pendingIntendedNs = new long[JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY];
        private int pending;
        /** Set by the producer's thread before the consumer thread starts (Thread.start orders it); never null. */
        Histogram latencyNs;

        StampingHandler(final PipelineThroughputBenchmark.ChronicleAppendingHandler appending)
        {
            this.appending = appending;
        }

        @Override
        public void onStart()
        {
            appending.onStart();
        }

        @Override
        public void onShutdown()
        {
            appending.onShutdown();
        }

        @Override
        public void onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch)
        {
            pendingIntendedNs[pending++] = slot.ingestTimeNs();
            appending.onEvent(slot, sequence, endOfBatch);
            if (appending.pendingRecords() == 0)
            {
                final long now = System.nanoTime();
                final Histogram h = latencyNs;
                final long highest = h.getHighestTrackableValue();
                for (int i = 0; i < pending; i++)
                {
                    h.recordValue(Math.min(highest, Math.max(1, now - pendingIntendedNs[i])));
                }
                pending = 0;
            }
        }
    }
}
