package io.pitgun.scaleout;

import io.pitgun.journal.Journal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the hive's per-edge writer does with batches whose lengths, read from the network, cannot be right. */
class HiveEdgeWriterTest
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    @TempDir
    Path dir;

    @Test
    void shouldIgnoreAndCountABatchWhoseReplyChannelLengthPointsOutsideIt()
    {
        final UUID edge = UUID.randomUUID();
        // A datagram in the middle of a larger buffer, as in a term: a negative length would otherwise place the
        // first frame before the datagram, a huge one after it.
        final UnsafeBuffer term = new UnsafeBuffer(new byte[4096]);
        final int offset = 1024;
        final int length = ShippingDescriptor.REPLY_CHANNEL_OFFSET + 64;
        try (HiveEdgeWriter writer = new HiveEdgeWriter(edge, dir.resolve("journal")))
        {
            for (final int channelLength : new int[] {-600, 0, ShippingDescriptor.MAX_REPLY_CHANNEL_LENGTH + 1, 65})
            {
                term.putInt(offset + ShippingDescriptor.TYPE_OFFSET, ShippingDescriptor.TYPE_BATCH, ORDER);
                term.putInt(offset + ShippingDescriptor.FRAME_COUNT_OFFSET, 1, ORDER);
                term.putLong(offset + ShippingDescriptor.PREVIOUS_INDEX_OFFSET, Journal.NO_INDEX, ORDER);
                term.putInt(offset + ShippingDescriptor.REPLY_CHANNEL_LENGTH_OFFSET, channelLength, ORDER);

                writer.onBatch(null, term, offset, length, 1L);
            }

            assertEquals(4, writer.malformedBatches());
            assertEquals(0, writer.framesWritten());
            assertEquals(Journal.NO_INDEX, writer.heldIndex());
        }
    }
}
