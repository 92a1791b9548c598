package io.pitgun.perf.shipping;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalEventStamp;
import io.pitgun.journal.JournalStampedEntryHandler;
import io.pitgun.journal.JournalTailer;
import io.pitgun.scaleout.ShippingDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole benchmark, small: real hive, shippers, drivers and bare publishers over loopback, one run per point. */
class ShippingThroughputMainSmokeTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void shouldShipEveryFrameAndWriteTheBlock() throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final String block = ShippingThroughputMain.run(ShippingThroughputMain.Options.parse(new String[]
            {"--frames", "20000", "--runs", "1", "--edges", "1,2"}),
            new PrintStream(log, true, StandardCharsets.UTF_8));

        assertTrue(block.startsWith("Settings: profile quick; 20,000 frames per edge"), block);
        assertTrue(block.contains("\n| 1 | "), block);
        assertTrue(block.contains("\n| 2 | "), block);
        assertTrue(block.contains("at every edge count: **"), block);
        assertEquals(2, log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(", run 1: shipping "))
            .count(), log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldBuildTheBareBatchesFromTheJournalsFrames()
    {
        // The bare publishers must send what the shipper sends: the prepared journal's frames, byte for byte, in
        // order, in batches of the shipper's size.
        final int frames = 2_345;
        final List<byte[]> journaled = new ArrayList<>();
        try (Journal journal = ShippingThroughputMain.prepareJournal(dir.resolve("journal"), frames, 0);
             JournalTailer tailer = journal.tailer())
        {
            final JournalStampedEntryHandler handler = new JournalStampedEntryHandler()
            {
                @Override
                public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
                    final long ingestTimeNs, final JournalEventStamp stamp)
                {
                    assertEquals(journaled.size() % ShippingThroughputMain.FRAMES_PER_ENVELOPE, stamp.frameOrdinal());
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(offset, bytes);
                    journaled.add(bytes);
                }
            };
            while (tailer.readNext(handler))
            {
                // read on
            }
        }
        final List<UnsafeBuffer> batches = ShippingThroughputMain.bareBatches(frames);
        assertEquals(3, batches.size());
        int i = 0;
        for (final UnsafeBuffer batch : batches)
        {
            final int count = batch.getInt(ShippingDescriptor.FRAME_COUNT_OFFSET, ByteOrder.LITTLE_ENDIAN);
            int record = ShippingDescriptor.framesOffset(
                batch.getInt(ShippingDescriptor.REPLY_CHANNEL_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN));
            for (int k = 0; k < count; k++, i++)
            {
                final int length = batch.getInt(record + ShippingDescriptor.FRAME_LENGTH_OFFSET,
                    ByteOrder.LITTLE_ENDIAN);
                final byte[] bytes = new byte[length];
                batch.getBytes(record + ShippingDescriptor.FRAME_MESSAGE_OFFSET, bytes);
                assertArrayEquals(journaled.get(i), bytes, "frame " + i);
                record += ShippingDescriptor.FRAME_MESSAGE_OFFSET + length;
            }
            assertEquals(batch.capacity(), record, "the batch ends with its last frame");
        }
        assertEquals(frames, i);
    }
}
