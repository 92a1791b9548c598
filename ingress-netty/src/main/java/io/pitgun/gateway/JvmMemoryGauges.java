package io.pitgun.gateway;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * The memory a long-running gateway must keep flat, as {@code /metrics} gauges: heap in use, the JVM's direct and
 * mapped buffer pools ({@link BufferPoolMXBean}, which count {@code ByteBuffer.allocateDirect} and the buffers Netty
 * allocates with a cleaner), and the memory of Netty's default allocator ({@link ByteBufAllocator#DEFAULT}, the one
 * the gateway's channels use: adaptive in Netty 4.2), whose chunks may live outside the JVM's pools. A soak test
 * samples these to prove memory stays bounded. Cold path.
 */
final class JvmMemoryGauges
{
    private JvmMemoryGauges()
    {
    }

    static void write(final PrometheusTextWriter w)
    {
        w.family("pitgun_jvm_heap_used_bytes", "gauge", "Java heap in use (MemoryMXBean).")
            .sample("pitgun_jvm_heap_used_bytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        w.family("pitgun_jvm_direct_memory_bytes", "gauge",
            "Memory of the JVM's buffer pools (BufferPoolMXBean): pool direct (ByteBuffer.allocateDirect) and mapped.");
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            w.sample("pitgun_jvm_direct_memory_bytes", Math.max(0, pool.getMemoryUsed()), "pool", pool.getName());
        }
        w.family("pitgun_netty_allocator_memory_bytes", "gauge",
            "Memory held by Netty's default allocator (the gateway's channels use it), by kind (direct, heap).");
        // Every allocator Netty ships reports its memory; one that does not is reported as holding none.
        final ByteBufAllocatorMetric netty = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider ?
            ((ByteBufAllocatorMetricProvider)ByteBufAllocator.DEFAULT).metric() : null;
        w.sample("pitgun_netty_allocator_memory_bytes", netty == null ? 0 : netty.usedDirectMemory(), "kind",
            "direct");
        w.sample("pitgun_netty_allocator_memory_bytes", netty == null ? 0 : netty.usedHeapMemory(), "kind", "heap");
    }
}
