package io.pitgun.perf;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.ProducerType;
import io.pitgun.engine.FrameSlot;
import io.pitgun.engine.SlotDescriptor;
import io.pitgun.engine.SlotRing;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalEventStamp;
import io.pitgun.journal.JournalTailer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The journaled baseline writes the journal Pitgun writes, staged or direct: what its handler appends to a
 * {@link PretouchedQueue} (its pretoucher running), Pitgun's own tailer reads back message by message (bytes, ingest
 * time, event identity, positions of one entry per Disruptor batch).
 */
class JournaledBaselineTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void shouldWriteEntriesPitgunsTailerReadsBackOnePerBatch(final boolean staged)
    {
        final List<byte[]> written = new ArrayList<>();
        final List<Long> ingestTimes = new ArrayList<>();
        // The queue every journaling baseline opens, its pretoucher running while the handler appends.
        try (PretouchedQueue queue = new PretouchedQueue(dir);
            SlotRing ring = new SlotRing(8, new SlotDescriptor(1024, 0), ProducerType.SINGLE,
                new BlockingWaitStrategy()))
        {
            final PipelineThroughputBenchmark.ChronicleAppendingHandler handler =
                new PipelineThroughputBenchmark.ChronicleAppendingHandler(queue.queue(),
                    queue.pretoucher(), staged, ring.descriptor().frameCapacity());
            final RingBuffer<FrameSlot> ringBuffer = ring.ringBuffer();
            handler.onStart();
            for (int i = 0; i < 4; i++)
            {
                final UnsafeBuffer b = ringBuffer.get(i).buffer();
                PipelineThroughputBenchmark.writeFrame(b, i);
                b.putLong(SlotDescriptor.EVENT_ID_MSB_OFFSET, i == 1 ? 11 : 0);
                b.putLong(SlotDescriptor.EVENT_ID_LSB_OFFSET, i == 1 ? 12 : 0);
                b.putLong(SlotDescriptor.CONTENT_DIGEST_OFFSET, i == 1 ? 13 : 0);
                b.putInt(SlotDescriptor.FRAME_ORDINAL_OFFSET, i == 1 ? 2 : 0);
                b.putInt(SlotDescriptor.FRAME_COUNT_OFFSET, i == 1 ? 3 : 0);
                final byte[] frame = new byte[BenchPipeline.FRAME_BYTES];
                b.getBytes(SlotDescriptor.FRAME_OFFSET, frame);
                written.add(frame);
                ingestTimes.add(b.getLong(SlotDescriptor.INGEST_TIME_OFFSET));
            }
            // Two Disruptor batches: frames 0..2, then frame 3.
            handler.onEvent(ringBuffer.get(0), 0, false);
            handler.onEvent(ringBuffer.get(1), 1, false);
            handler.onEvent(ringBuffer.get(2), 2, true);
            handler.onEvent(ringBuffer.get(3), 3, true);
            handler.onShutdown();
        }

        final List<byte[]> read = new ArrayList<>();
        final List<Long> readIngestTimes = new ArrayList<>();
        final List<Integer> ordinals = new ArrayList<>();
        final List<String> stamps = new ArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.readOnly(dir));
            JournalTailer tailer = journal.tailer())
        {
            while (tailer.readNext(new io.pitgun.journal.JournalEntryHandler()
            {
                @Override
                public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
                    final long ingestTimeNs)
                {
                    throw new AssertionError("the stamped overload is the one called");
                }

                @Override
                public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
                    final long ingestTimeNs, final JournalEventStamp stamp)
                {
                    final byte[] frame = new byte[length];
                    buffer.getBytes(offset, frame);
                    read.add(frame);
                    readIngestTimes.add(ingestTimeNs);
                    ordinals.add(JournalEntryDescriptor.ordinal(index));
                    stamps.add(stamp.hasEvent() ? stamp.eventIdMsb() + "/" + stamp.eventIdLsb() + "/" +
                        stamp.contentDigest() + "/" + stamp.frameOrdinal() + "/" + stamp.frameCount() : "none");
                }
            }))
            {
                // reads one entry per call
            }
        }

        assertEquals(written.size(), read.size());
        for (int i = 0; i < written.size(); i++)
        {
            assertArrayEquals(written.get(i), read.get(i), "frame " + i);
        }
        assertEquals(ingestTimes, readIngestTimes);
        assertEquals(List.of(0, 1, 2, 0), ordinals);
        assertEquals(List.of("none", "11/12/13/2/3", "none", "none"), stamps);
    }
}
