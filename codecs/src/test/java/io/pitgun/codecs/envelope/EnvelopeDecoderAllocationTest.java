package io.pitgun.codecs.envelope;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The success path allocates nothing: counted with the JVM's per-thread allocation counter, which does not depend
 * on timing (the JMH benchmark with -prof gc is the measurement; this guards against regressions in every build).
 */
class EnvelopeDecoderAllocationTest
{
    @Test
    void shouldNotAllocateWhenDecodingValidEnvelopes()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);

        final EnvelopeDecoder decoder = new EnvelopeDecoder(ParameterRegistry.simV1());
        final byte[] json = (EnvelopeText.simpleBatch().replace("\"Speed\":251.25", "\"Speed\":251.25,\"Gear\":7")
            .replace("\"ts\"", "\"\\u0074s\"")).getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer in = new UnsafeBuffer(json);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64 * 1024]);
        for (int i = 0; i < 20_000; i++)
        {
            assertTrue(decoder.decode(in, 0, json.length, out, 0));
        }

        final long threadId = Thread.currentThread().getId();
        final int rounds = 10_000;
        final long before = threads.getThreadAllocatedBytes(threadId);
        int frames = 0;
        for (int i = 0; i < rounds; i++)
        {
            decoder.decode(in, 0, json.length, out, 0);
            frames += decoder.result().messageCount();
        }
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertEquals(2 * rounds, frames);
        // The counter itself may allocate a few hundred bytes once; a per-envelope allocation would be >= 10,000 bytes.
        assertTrue(allocated < 2_048, "decoding " + rounds + " envelopes allocated " + allocated + " bytes");
    }
}
