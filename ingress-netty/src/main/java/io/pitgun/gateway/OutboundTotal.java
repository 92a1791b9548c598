package io.pitgun.gateway;

import java.util.concurrent.atomic.AtomicLong;

/**
 * All connections' unsent answer bytes as the writes see them: the {@link OutboundMemoryGuard}'s last sum plus every
 * byte queued since (bytes sent since are not taken off, so it can only over-estimate until the next sum corrects
 * it). With it a write finds out at once that all connections together are over {@code OUTBOUND_TOTAL_LIMIT_BYTES},
 * not up to a guard period later: in one period a loop writing to many clients that do not read (hundreds of live
 * subscribers, pipelined requests for a large file) can queue far more than the limit. One per gateway, shared by
 * the loops: one atomic add per write.
 */
final class OutboundTotal
{
    private final AtomicLong estimate = new AtomicLong();
    private final long limitBytes;

    OutboundTotal(final long limitBytes)
    {
        this.limitBytes = limitBytes;
    }

    /** {@code OUTBOUND_TOTAL_LIMIT_BYTES} as the gateway uses it ({@link DirectMemoryFit}). */
    long limitBytes()
    {
        return limitBytes;
    }

    /** The guard's sum of every connection's unsent bytes, measured now. */
    void measured(final long totalBytes)
    {
        estimate.set(totalBytes);
    }

    /** Adds the bytes a write queued; true if all connections together are now over the limit. */
    boolean queuedAndOver(final long bytes)
    {
        return estimate.addAndGet(bytes) > limitBytes;
    }
}
