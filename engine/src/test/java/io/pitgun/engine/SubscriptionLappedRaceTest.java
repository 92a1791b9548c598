package io.pitgun.engine;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber lapped while it reads a record: the writer may overwrite the record's header between the receiver's
 * {@code receiveNext} (which checked it) and the read of its length, so the length is whatever bytes are there now.
 * Before, {@link Subscription#poll} copied that many bytes unchecked: a length past the buffer threw out of the poll
 * (an {@code IndexOutOfBoundsException}), which, in the gateway, ended the event loop's periodic poll for good and
 * without a word (a Netty periodic task that throws is not run again), leaving every live subscriber of that loop open
 * and fed nothing. Now such a record counts as lapped: the subscriber is dropped, as when the overwrite is seen after
 * the copy. The race is made likely, not forced: a writer transmits records whose bytes are not plausible lengths as
 * fast as it can, while a reader that copies a whole record per output slowly falls behind it, over and over.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubscriptionLappedRaceTest
{
    private static final int BUFFER_BYTES = 4096;
    private static final int SUBSCRIPTIONS = Integer.getInteger("pitgun.subscriptionRace.rounds", 3_000);

    @Test
    void shouldDropALappedSubscriberWhateverItsRecordHoldsRatherThanThrowOutOfPoll() throws Exception
    {
        final PipelineCounters counters = new PipelineCounters();
        final SubscriberFanout fanout = new SubscriberFanout(PipelineConfig.builder().ackMode(AckMode.ACCEPTED)
            .subscriberBufferBytes(BUFFER_BYTES).maxFrameBytes(256).build(), counters);
        // Every byte 0x7f: read as a record's length, a record overwritten mid-read claims about 2 GB.
        final UnsafeBuffer record = new UnsafeBuffer(new byte[200]);
        record.setMemory(0, record.capacity(), (byte)0x7f);
        final AtomicBoolean stop = new AtomicBoolean();
        final Subscription first = fanout.subscribe("keeps the stream on", false);
        final Thread writer = new Thread(() ->
        {
            int n = 0;
            while (!stop.get())
            {
                // Lengths that move record boundaries around: a header is read where payload was.
                fanout.onDerivedFrame(record, 0, 24 + (n++ * 8) % 176);
            }
        }, "writer");
        writer.start();
        final SubscriptionHandler slowReader = new SubscriptionHandler()
        {
            private long sum;

            @Override
            public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
            {
                for (int i = 0; i < length; i++)
                {
                    sum += buffer.getByte(offset + i);
                }
            }

            @Override
            public void onInsight(final DirectBuffer buffer, final int offset, final int length)
            {
            }
        };
        long dropped = 0;
        try
        {
            for (int round = 0; round < SUBSCRIPTIONS; round++)
            {
                final Subscription subscription = fanout.subscribe("reader " + round, false);
                try
                {
                    while (subscription.poll(slowReader, 64) > 0 || !subscription.isDropped())
                    {
                        Thread.onSpinWait();
                    }
                    dropped++;
                }
                finally
                {
                    subscription.close();
                }
            }
        }
        finally
        {
            stop.set(true);
            writer.join();
            first.close();
        }
        assertTrue(dropped == SUBSCRIPTIONS, dropped + " of " + SUBSCRIPTIONS + " lapped subscribers dropped");
    }
}
