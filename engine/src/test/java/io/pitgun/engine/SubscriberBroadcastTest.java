package io.pitgun.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.broadcast.BroadcastReceiver;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The longest output a stream carries is the one Agrona's transmitter takes: a longer one counts as a gap (its
 * subscribers are dropped) rather than making the transmitter throw on the processing thread, and one as long is
 * carried whole.
 */
class SubscriberBroadcastTest
{
    @Test
    void shouldCarryExactlyWhatAgronasTransmitterTakes()
    {
        for (int capacity = 1 << 10; capacity <= 1 << 20; capacity <<= 1)
        {
            final BroadcastTransmitter agrona = new BroadcastTransmitter(new UnsafeBuffer(
                ByteBuffer.allocateDirect(capacity + BroadcastBufferDescriptor.TRAILER_LENGTH)));
            assertEquals(agrona.maxMsgLength(), new SubscriberBroadcast(capacity).maxLength(), "capacity " + capacity);
        }
        final int capacity = 1 << 12;
        final SubscriberBroadcast broadcast = new SubscriberBroadcast(capacity);
        final BroadcastReceiver receiver = broadcast.join();
        final int longest = broadcast.maxLength();
        final UnsafeBuffer output = new UnsafeBuffer(new byte[longest + 1]);
        assertTrue(broadcast.transmit(1, output, 0, longest), "as long as the transmitter takes: carried");
        assertTrue(receiver.receiveNext());
        assertEquals(longest, receiver.length());
        assertFalse(broadcast.transmit(1, output, 0, longest + 1), "one byte longer: not carried");
        assertEquals(1, broadcast.gaps());
        assertEquals(longest + 1, broadcast.missedLength());
    }
}
