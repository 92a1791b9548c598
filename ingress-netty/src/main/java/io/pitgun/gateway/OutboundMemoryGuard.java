package io.pitgun.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.AttributeKey;

/**
 * Bounds the unsent answers of all connections together ({@code OUTBOUND_TOTAL_LIMIT_BYTES}); each connection is
 * bounded by {@link OutboundBackpressure}, but many connections each just under their own limit would still add up.
 * Every {@value #PERIOD_MS} ms, on the accept thread (idle but for new connections), it sums every open
 * connection's pending outbound bytes — a volatile read each, O(open connections), off the I/O loops — publishes the
 * sum ({@code pitgun_gateway_outbound_bytes}) and, while it is over the limit, closes the connection holding the
 * most, counted as {@code slow_consumer}. The I/O loops pay nothing for it; between its sums, a write into
 * nearly exhausted direct memory is {@link OutboundBackpressure}'s to refuse ({@link DirectMemoryPressure}).
 */
final class OutboundMemoryGuard implements Runnable
{
    /** How often the sum is taken. */
    static final long PERIOD_MS = 100;

    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("pitgun.outbound-guard-closing");

    private final ChannelGroup channels;
    private final long limitBytes;
    private final GatewayCounters counters;
    private final OverloadLog overloadLog;

    OutboundMemoryGuard(final ChannelGroup channels, final long limitBytes, final GatewayCounters counters,
        final OverloadLog overloadLog)
    {
        this.channels = channels;
        this.limitBytes = limitBytes;
        this.counters = counters;
        this.overloadLog = overloadLog;
    }

    @Override
    public void run()
    {
        long total = sumPending();
        counters.outboundBytes.set(total);
        // Close the largest holders until the rest fit; each pass is O(open connections), and it ends because
        // every pass closes one more connection and takes its bytes off the total. A close completes on the
        // connection's own loop, maybe after the next check: a connection already told to close is marked, and is
        // neither chosen nor counted again.
        while (total > limitBytes)
        {
            Channel largest = null;
            long largestBytes = 0;
            for (final Channel channel : channels)
            {
                final long pending = pendingBytes(channel);
                if (pending > largestBytes && channel.isActive() && !channel.hasAttr(CLOSING))
                {
                    largest = channel;
                    largestBytes = pending;
                }
            }
            if (largest == null)
            {
                return;
            }
            if (claimClose(largest))
            {
                counters.rejected(RejectReason.SLOW_CONSUMER);
                WebSocketCloseReason.record(largest, WebSocketCloseReason.SLOW_CONSUMER); // a WebSocket's, by it
                overloadLog.warn(RejectReason.SLOW_CONSUMER, "closed connection " + largest.remoteAddress() +
                    " holding " + largestBytes + " unsent bytes: all connections together held " + total + ", over " +
                    limitBytes);
                largest.close();
            }
            total -= largestBytes;
        }
    }

    /**
     * Marks {@code channel} as closed for a slow consumer: true for the first caller only, the one that counts the
     * close. This guard (on the accept thread) and the connection's {@link OutboundBackpressure} (on its loop, still
     * writing the answers of the read under way until the guard's close runs there) can both find it over a limit:
     * before, such a close was counted twice.
     */
    static boolean claimClose(final Channel channel)
    {
        return channel.attr(CLOSING).setIfAbsent(Boolean.TRUE) == null;
    }

    private long sumPending()
    {
        long total = 0;
        for (final Channel channel : channels)
        {
            if (!channel.hasAttr(CLOSING))
            {
                total += pendingBytes(channel);
            }
        }
        return total;
    }

    private static long pendingBytes(final Channel channel)
    {
        final ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
}
