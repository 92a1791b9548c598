package io.pitgun.gateway;

import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection's failure for want of direct memory is counted as {@code direct_memory_exhausted} (and logged at the
 * overload log's rate), however it is wrapped; a heap's {@code OutOfMemoryError} is not that, and goes on to the
 * handler's error path, named as what it is.
 */
class OverloadLogTest
{
    @Test
    void shouldTakeOnlyDirectMemoryExhaustionForItsOwn()
    {
        final GatewayCounters counters = new GatewayCounters();
        final OverloadLog log = new OverloadLog(counters);

        assertTrue(log.directMemoryExhausted(new DecoderException(new OutOfMemoryError(
            "Cannot reserve 65536 bytes of direct buffer memory (allocated: 134176968, limit: 134217728)")), "a"));
        assertTrue(log.directMemoryExhausted(new OutOfMemoryError("Direct buffer memory"), "b"));
        assertFalse(log.directMemoryExhausted(new OutOfMemoryError("Java heap space"), "c"));
        assertFalse(log.directMemoryExhausted(new java.io.IOException("Connection reset by peer"), "d"));

        assertEquals(2, counters.rejections(RejectReason.DIRECT_MEMORY_EXHAUSTED));
    }
}
