package io.pitgun.gateway;

import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * Whether the JVM's direct memory is nearly all taken: above {@value #TIGHT_PERCENT} % of its limit
 * ({@code -XX:MaxDirectMemorySize}), counting both what the JDK's direct buffers reserve (where Netty's allocator
 * takes its chunks with a cleaner, as here) and what Netty allocates without one, if it does. A read of one or two
 * counters, cheap enough for every write: {@link OutboundBackpressure} then closes a connection that holds unsent
 * bytes rather than let the loop stall in the JDK's allocation, which collects garbage and sleeps for every buffer it
 * cannot have. The bounds on unsent and unfinished bytes ({@link DirectMemoryFit}) keep the gateway well under this
 * while its clients read; it is reached only when they do not, faster than the {@link OutboundMemoryGuard}'s
 * 100 ms sums can act (one loop's tick can write a megabyte to each of hundreds of live subscribers).
 */
final class DirectMemoryPressure
{
    /** The share of the direct memory limit above which it is tight. */
    static final int TIGHT_PERCENT = 80;

    private final BufferPoolMXBean jdkDirect;
    private final long tightBytes;

    DirectMemoryPressure()
    {
        this(PlatformDependent.maxDirectMemory());
    }

    DirectMemoryPressure(final long maxDirectBytes)
    {
        BufferPoolMXBean direct = null;
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                direct = pool;
            }
        }
        this.jdkDirect = direct;
        this.tightBytes = maxDirectBytes / 100 * TIGHT_PERCENT;
    }

    /**
     * Direct memory in use now. Where Netty allocates its buffers with a cleaner (through
     * {@code ByteBuffer.allocateDirect}), the JDK's pool holds them and Netty's own counter counts them again (Netty
     * 4.2 counts every buffer it allocates): the pool alone is the use, and the one the JDK's allocation stalls on.
     * Where it allocates without one, the pool never sees them and the two add up.
     */
    long usedBytes()
    {
        final long jdk = jdkDirect == null ? 0 : jdkDirect.getMemoryUsed();
        if (!PlatformDependent.useDirectBufferNoCleaner())
        {
            return jdk;
        }
        return jdk + Math.max(0, PlatformDependent.usedDirectMemory()); // -1: Netty keeps no count
    }

    /** Above {@value #TIGHT_PERCENT} % of the limit. */
    boolean isTight()
    {
        return usedBytes() > tightBytes;
    }
}
