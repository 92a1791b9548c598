package io.pitgun.scaleout;

import io.pitgun.journal.Journal;
import io.pitgun.testsupport.HalfCreatedJournal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What the hive's per-edge writer does with batches whose lengths, positions or reply address, read from the
 *  network, cannot be right, and with an edge journal a kill left half-created. */
class HiveEdgeWriterTest
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /** Refuses every reply channel: these tests look at what is written, not at acknowledgements. */
    private static final ReplyConnector NO_REPLY = (endpoint, streamId, sessionId) -> null;

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

                writer.onBatch(NO_REPLY, 0, term, offset, length, 1L, null);
            }

            assertEquals(4, writer.malformedBatches());
            assertEquals(0, writer.framesWritten());
            assertEquals(Journal.NO_INDEX, writer.heldIndex());
        }
    }

    /**
     * Seen in {@code ShippingChaosTest}: a hive killed while its writer created an edge's journal left the journal's
     * metadata half-created, and the restarted hive could never open that journal again (the edge's batches were
     * refused every 10 s, for good).
     */
    @Test
    void shouldTakeBatchesIntoAnEdgeJournalAKilledHiveLeftHalfCreated() throws IOException
    {
        final Path journal = dir.resolve("journal");
        HalfCreatedJournal.leaveMetadataHalfCreated(journal);
        try (HiveEdgeWriter writer = new HiveEdgeWriter(UUID.randomUUID(), journal))
        {
            assertEquals(Journal.NO_INDEX, writer.heldIndex());
            final UnsafeBuffer good = batch(Journal.NO_INDEX, new long[] {10, 11}, new int[] {16, 16});
            writer.onBatch(NO_REPLY, 0, good, 0, good.capacity(), 1L, null);
            assertEquals(11, writer.heldIndex());
        }
    }

    @Test
    void shouldRefuseWholeAndCountABatchWithAFrameLengthThatWouldOverflowAndTakeTheNextOne()
    {
        try (HiveEdgeWriter writer = new HiveEdgeWriter(UUID.randomUUID(), dir.resolve("journal")))
        {
            final UnsafeBuffer good = batch(Journal.NO_INDEX, new long[] {10}, new int[] {16});
            writer.onBatch(NO_REPLY, 0, good, 0, good.capacity(), 1L, null);
            assertEquals(10, writer.heldIndex());

            // A length near Integer.MAX_VALUE: message + length wraps negative, so a naive end check passes it.
            final UnsafeBuffer hostile = batch(10, new long[] {11, 12}, new int[] {16, 16});
            hostile.putInt(recordOffset(hostile, 1) + ShippingDescriptor.FRAME_LENGTH_OFFSET, Integer.MAX_VALUE - 20,
                ORDER);
            writer.onBatch(NO_REPLY, 0, hostile, 0, hostile.capacity(), 2L, null);
            assertEquals(1, writer.malformedBatches());
            assertEquals(10, writer.heldIndex(), "a refused batch is refused whole");

            final UnsafeBuffer next = batch(10, new long[] {11, 12, 13}, new int[] {16, 24, 16});
            writer.onBatch(NO_REPLY, 0, next, 0, next.capacity(), 3L, null);
            assertEquals(13, writer.heldIndex());
            assertEquals(4, writer.framesWritten());
        }
    }

    @Test
    void shouldRefuseABatchWhosePositionsDoNotIncreaseFromAfterItsPredecessor()
    {
        try (HiveEdgeWriter writer = new HiveEdgeWriter(UUID.randomUUID(), dir.resolve("journal")))
        {
            for (final long[] positions : new long[][] {{5, 5}, {7, 6}, {-1, 3}})
            {
                final UnsafeBuffer refused = batch(Journal.NO_INDEX, positions, new int[] {16, 16});
                writer.onBatch(NO_REPLY, 0, refused, 0, refused.capacity(), 1L, null);
            }
            // Held 10: a batch after 10 whose first frame is 10 again.
            final UnsafeBuffer good = batch(Journal.NO_INDEX, new long[] {10}, new int[] {16});
            writer.onBatch(NO_REPLY, 0, good, 0, good.capacity(), 1L, null);
            final UnsafeBuffer notAfterPredecessor = batch(10, new long[] {10, 11}, new int[] {16, 16});
            writer.onBatch(NO_REPLY, 0, notAfterPredecessor, 0, notAfterPredecessor.capacity(), 1L, null);

            assertEquals(4, writer.malformedBatches());
            assertEquals(1, writer.framesWritten());
            assertEquals(10, writer.heldIndex());
        }
    }

    @Test
    void shouldNotWriteARefusedBatchOfPositionsThatDoNotIncrease()
    {
        try (HiveEdgeWriter writer = new HiveEdgeWriter(UUID.randomUUID(), dir.resolve("journal")))
        {
            final UnsafeBuffer refused = batch(Journal.NO_INDEX, new long[] {3, 2}, new int[] {16, 16});
            writer.onBatch(NO_REPLY, 0, refused, 0, refused.capacity(), 1L, null);
            assertEquals(1, writer.malformedBatches());
            assertEquals(0, writer.framesWritten());
            assertEquals(Journal.NO_INDEX, writer.heldIndex());
        }
    }

    @Test
    void shouldTakeOnlyAnIpEndpointAsTheReplyAddressAndNoOtherParameters()
    {
        assertEquals(new ReplyEndpoint("127.0.0.1", 40457), ReplyEndpoint.parse("aeron:udp?endpoint=127.0.0.1:40457"));
        assertEquals("aeron:udp?endpoint=127.0.0.1:40457",
            ReplyEndpoint.parse("aeron:udp?endpoint=127.0.0.1:40457|term-length=268435456|mtu=8192").channel());
        assertEquals("::1", ReplyEndpoint.parse("aeron:udp?endpoint=[::1]:40457").address());
        for (final String refused : new String[] {"aeron:udp?endpoint=hive.example.com:40457",
            "aeron:ipc", "aeron:udp?endpoint=127.0.0.1:0", "aeron:udp?endpoint=127.0.0.256:1",
            "aeron:udp?endpoint=127.0.0.1", "aeron:udp?control=127.0.0.1:40457", "not a channel"})
        {
            assertNull(ReplyEndpoint.parse(refused), refused);
        }
    }

    /** A BATCH datagram (reply channel of 40 bytes) with frames of the given positions and message lengths. */
    private static UnsafeBuffer batch(final long previous, final long[] positions, final int[] lengths)
    {
        final byte[] reply = "aeron:udp?endpoint=127.0.0.1:40457".getBytes(StandardCharsets.US_ASCII);
        int size = ShippingDescriptor.framesOffset(reply.length);
        for (int i = 0; i < positions.length; i++)
        {
            size += ShippingDescriptor.FRAME_MESSAGE_OFFSET + lengths[i];
        }
        final UnsafeBuffer b = new UnsafeBuffer(new byte[size]);
        b.putInt(ShippingDescriptor.TYPE_OFFSET, ShippingDescriptor.TYPE_BATCH, ORDER);
        b.putInt(ShippingDescriptor.FRAME_COUNT_OFFSET, positions.length, ORDER);
        b.putLong(ShippingDescriptor.PREVIOUS_INDEX_OFFSET, previous, ORDER);
        b.putInt(ShippingDescriptor.REPLY_STREAM_ID_OFFSET, ShipperConfig.DEFAULT_REPLY_STREAM_ID, ORDER);
        b.putInt(ShippingDescriptor.REPLY_CHANNEL_LENGTH_OFFSET, reply.length, ORDER);
        b.putBytes(ShippingDescriptor.REPLY_CHANNEL_OFFSET, reply);
        int record = ShippingDescriptor.framesOffset(reply.length);
        for (int i = 0; i < positions.length; i++)
        {
            b.putLong(record + ShippingDescriptor.FRAME_POSITION_OFFSET, positions[i], ORDER);
            b.putInt(record + ShippingDescriptor.FRAME_LENGTH_OFFSET, lengths[i], ORDER);
            record += ShippingDescriptor.FRAME_MESSAGE_OFFSET + lengths[i];
        }
        return b;
    }

    /** Where frame {@code i}'s record starts in a batch made by {@link #batch}. */
    private static int recordOffset(final UnsafeBuffer batch, final int i)
    {
        int record = ShippingDescriptor.framesOffset(
            batch.getInt(ShippingDescriptor.REPLY_CHANNEL_LENGTH_OFFSET, ORDER));
        for (int k = 0; k < i; k++)
        {
            record += ShippingDescriptor.FRAME_MESSAGE_OFFSET +
                batch.getInt(record + ShippingDescriptor.FRAME_LENGTH_OFFSET, ORDER);
        }
        return record;
    }
}
