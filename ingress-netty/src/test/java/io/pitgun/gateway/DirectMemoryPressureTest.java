package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The direct memory {@link DirectMemoryPressure} reads is the memory taken, each buffer counted once: 16 MiB taken
 * through the gateway's allocator (Netty's default, as its channels use it) show as 16 MiB and some, not twice that.
 * Before, the JDK's pool and Netty's own counter were added, and Netty 4.2 counts the buffers it allocates with a
 * cleaner (which the pool holds) too: a gateway said its direct memory was "nearly all taken (193016379 bytes)"
 * with a limit of 134217728, and judged it tight at about half of the limit rather than the documented 80 %.
 */
class DirectMemoryPressureTest
{
    private static final int MIB = 1 << 20;

    @Test
    void shouldCountEachDirectBufferOnce()
    {
        final DirectMemoryPressure pressure = new DirectMemoryPressure(Long.MAX_VALUE);
        // The JVM's direct memory is shared: buffers of earlier tests freed by their cleaners meanwhile move it (a CI
        // run once read -88,948,608 bytes). A sample counts only when the use without the buffer is the same before
        // and after it (within 1 MiB); at most 20 samples. Such a sample may still have moved by up to that MiB while
        // the buffer was held (a CI run read 16 MiB less 212,608 bytes), so the reading is allowed that MiB either
        // way: counted twice, 16 MiB would read as 32.
        for (int sample = 0; sample < 20; sample++)
        {
            final long before = pressure.usedBytes();
            final ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(16 * MIB, 16 * MIB);
            final long grown;
            try
            {
                buffer.writerIndex(16 * MIB); // taken, as a channel's outbound buffer is
                grown = pressure.usedBytes() - before;
            }
            finally
            {
                buffer.release();
            }
            if (Math.abs(pressure.usedBytes() - before) < MIB)
            {
                assertTrue(grown > 15L * MIB && grown < 25L * MIB,
                    "16 MiB taken read as " + grown + " bytes more (each buffer counted once; a chunk may round up)");
                return;
            }
        }
        fail("the JVM's direct memory moved under every sample");
    }
}
