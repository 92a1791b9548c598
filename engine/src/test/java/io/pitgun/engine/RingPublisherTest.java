package io.pitgun.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.dsl.ProducerType;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.dictionary.ParameterTable;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import io.pitgun.codecs.sbe.ValueType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The producer side over a ring whose only consumer the test moves by hand: a batch is one claim, one clock read,
 * one counter update and one publish, allocates nothing, and no try path ever waits for a full ring.
 */
@Timeout(30)
class RingPublisherTest
{
    private static final int SLOTS = 8;

    private final PipelineCounters counters = new PipelineCounters();
    private final UnsafeBuffer messages = new UnsafeBuffer(new byte[SLOTS * 256]);
    private final int[] offsets = new int[SLOTS];
    private final int[] lengths = new int[SLOTS];
    private final Sequence consumed = new Sequence(-1);
    private RingBuffer<FrameSlot> ringBuffer;

    private RingPublisher publisher(final ProducerMode mode)
    {
        final PipelineConfig config = PipelineConfig.builder().ackMode(AckMode.ACCEPTED).channelCapacity(SLOTS)
            .producerMode(mode).build();
        final SlotRing ring = new SlotRing(SLOTS, new SlotDescriptor(config.maxFrameBytes(), 0),
            mode == ProducerMode.SINGLE ? ProducerType.SINGLE : ProducerType.MULTI, new BlockingWaitStrategy());
        ringBuffer = ring.ringBuffer();
        ringBuffer.addGatingSequences(consumed);
        int position = 0;
        for (int i = 0; i < SLOTS; i++)
        {
            offsets[i] = position;
            lengths[i] = encodeFrame(position, i);
            position += lengths[i];
        }
        return new RingPublisher("test", config, ring, new ClaimedSequence(ringBuffer, mode == ProducerMode.SINGLE),
            counters, ParameterRegistry.simV1());
    }

    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void shouldStampABatchWithOneIngestTimeAndCountItOnce(final ProducerMode mode)
    {
        final RingPublisher publisher = publisher(mode);

        final long last = publisher.tryPublishBatch(messages, offsets, lengths, 1, 5, 7, 8, 9, 0, 5);

        assertEquals(4, last);
        assertEquals(5, counters.get(PipelineCounter.FRAMES_ACCEPTED));
        final long ingestTimeNs = ringBuffer.get(0).ingestTimeNs();
        for (int i = 0; i < 5; i++)
        {
            final FrameSlot slot = ringBuffer.get(i);
            assertEquals(ingestTimeNs, slot.ingestTimeNs(), "slot " + i + " read the clock again");
            assertEquals(lengths[1 + i], slot.frameLength());
            for (int b = 0; b < lengths[1 + i]; b++)
            {
                assertEquals(messages.getByte(offsets[1 + i] + b),
                    slot.buffer().getByte(SlotDescriptor.FRAME_OFFSET + b));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void shouldRefuseAtOnceOnEveryTryPathWhenTheRingIsFull(final ProducerMode mode)
    {
        final RingPublisher publisher = publisher(mode);
        assertEquals(SLOTS - 1, publisher.tryPublishBatch(messages, offsets, lengths, 0, SLOTS, 0, 0, 0, 0, 0));

        // The consumer never moves: a path built on next() would wait here for ever (the test's timeout).
        assertEquals(-1, publisher.tryPublishBatch(messages, offsets, lengths, 0, 3, 0, 0, 0, 0, 0));
        assertEquals(-1, publisher.publish(messages, offsets[0], lengths[0], false));
        assertEquals(-1, publisher.claim(false));
        final FrameWriter writer = new FrameWriter(publisher, ParameterRegistry.simV1(),
            ParameterTable.of(ParameterRegistry.simV1()), null, UUID.randomUUID(), UUID.randomUUID(), 1);
        assertFalse(writer.tryBegin(1, 1));
        assertFalse(new SlotClaim(publisher).tryClaim());

        assertEquals(3 + 4, counters.get(PipelineCounter.DROPPED_RING_FULL));
        assertEquals(SLOTS, counters.get(PipelineCounter.FRAMES_ACCEPTED));
        assertEquals(-1, publisher.publishEndOfStream(System.nanoTime() + 1_000_000, Thread.currentThread()));
    }

    @Test
    void shouldPublishBatchesWithoutAllocating()
    {
        final RingPublisher publisher = publisher(ProducerMode.MULTI);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        publishBatches(publisher, 10_000); // warm-up: let the JIT compile the path
        final long before = threads.getCurrentThreadAllocatedBytes();
        publishBatches(publisher, 10_000);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1_024, "tryPublishBatch allocated " + allocated + " bytes over 10000 batches");
    }

    private void publishBatches(final RingPublisher publisher, final int batches)
    {
        for (int i = 0; i < batches; i++)
        {
            final long last = publisher.tryPublishBatch(messages, offsets, lengths, 0, 4, 1, 2, 3, 0, 4);
            if (last < 0)
            {
                throw new AssertionError("ring full although the consumer keeps up");
            }
            consumed.set(last); // the consumer takes the batch at once
            publisher.publish(messages, offsets[4], lengths[4], false);
            consumed.set(ringBuffer.getCursor());
        }
    }

    private int encodeFrame(final int offset, final int sequence)
    {
        final TelemetryFrameEncoder encoder = new TelemetryFrameEncoder()
            .wrapAndApplyHeader(messages, offset, new MessageHeaderEncoder()).sequence(sequence).timestampUs(sequence)
            .sourceId(1).lapNumber(1).sector((short)0);
        encoder.flags().clear();
        encoder.samplesCount(1).next().value(Double.doubleToRawLongBits(100.0)).parameterId(3)
            .valueType(ValueType.F32).quality(SignalQuality.GOOD);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
