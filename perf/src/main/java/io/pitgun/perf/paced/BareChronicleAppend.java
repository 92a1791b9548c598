package io.pitgun.perf.paced;

import io.pitgun.journal.JournalConfig;
import io.pitgun.perf.BenchPipeline;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.HdrHistogram.Histogram;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

/**
 * The baseline: what a user would otherwise write — one thread appends each frame's bytes to a Chronicle Queue as
 * one document, at the paced schedule's intended times, with the journal's roll cycle and nothing else (no
 * pretoucher, no batching). Latency is from the intended time to the append's return. Not thread-safe: Chronicle
 * ties an appender to the thread that made it, so make, run and close it on one thread.
 */
final class BareChronicleAppend implements AutoCloseable
{
    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
    // Off-heap, as the pipeline's slots are: the append copies from native memory in both.
    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
        BitUtil.align(BenchPipeline.FRAME_BYTES, BitUtil.CACHE_LINE_LENGTH), BitUtil.CACHE_LINE_LENGTH));
    private final OpenLoop.FrameSender sender = this::append;
    private long sequence;

    BareChronicleAppend(final Path directory)
    {
        queue = ChronicleQueue.singleBuilder(directory).rollCycle(RollCycles.valueOf(JournalConfig.DEFAULT_ROLL_CYCLE))
            .build();
        appender = queue.createAppender();
    }

    /**
     * Appends {@code frames} frames on {@code schedule}, recording intended → appended into {@code latencyNs} (a
     * warm-up passes one it ignores: {@link OpenLoop#run}). Spins until each intended time; never waits for anything
     * else. Allocation-free.
     *
     * @return the nanoTime at which the last append returned.
     */
    long run(final PacedSchedule schedule, final long startNs, final long frames, final Histogram latencyNs)
    {
        return OpenLoop.run(schedule, startNs, frames, sender, latencyNs);
    }

    private void append(final long k, final long intendedNs)
    {
        BenchPipeline.encodeFrame(frame, 0, sequence++);
        try (DocumentContext document = appender.writingDocument())
        {
            document.wire().bytes().unsafeWrite(frame.addressOffset(), BenchPipeline.FRAME_BYTES);
        }
    }

    @Override
    public void close()
    {
        appender.close();
        queue.close();
    }
}
