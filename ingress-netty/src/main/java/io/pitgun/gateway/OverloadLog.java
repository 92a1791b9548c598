package io.pitgun.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Overload warnings at a bounded rate: at most one line per {@value #INTERVAL_S} s, saying how many were
 * suppressed since the last. Overload is counted exactly in the metrics; the log only has to say it happens.
 */
final class OverloadLog
{
    static final long INTERVAL_S = 10;
    private static final Logger LOG = LoggerFactory.getLogger(OverloadLog.class);
    private static final long INTERVAL_NS = INTERVAL_S * 1_000_000_000L;

    private final AtomicLong nextNs = new AtomicLong(Long.MIN_VALUE);
    private final GatewayCounters counters;
    private final AtomicLong suppressed = new AtomicLong();

    OverloadLog(final GatewayCounters counters)
    {
        this.counters = counters;
    }

    /**
     * A connection failed for want of direct memory ({@code cause}, an {@link OutOfMemoryError} of direct memory —
     * the JDK's "Cannot reserve ... bytes of direct buffer memory", Netty's {@code OutOfDirectMemoryError} — or caused
     * by one): counted as {@link RejectReason#DIRECT_MEMORY_EXHAUSTED} and logged at this log's rate, its message
     * without a stack trace. False, and nothing done, for any other failure (a heap's {@code OutOfMemoryError} is
     * not this: it goes on to the handler's error path).
     */
    boolean directMemoryExhausted(final Throwable cause, final String connection)
    {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (isOfDirectMemory(t))
            {
                counters.rejected(RejectReason.DIRECT_MEMORY_EXHAUSTED);
                warn(RejectReason.DIRECT_MEMORY_EXHAUSTED, "closed connection " + connection + ": " + t);
                return true;
            }
        }
        return false;
    }

    private static boolean isOfDirectMemory(final Throwable t)
    {
        return t instanceof io.netty.util.internal.OutOfDirectMemoryError || t instanceof OutOfMemoryError &&
            t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("direct buffer memory");
    }

    void warn(final RejectReason reason, final String detail)
    {
        final long now = System.nanoTime();
        final long next = nextNs.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextNs.compareAndSet(next, now + INTERVAL_NS))
        {
            LOG.warn("overload ({}): {} [{} similar warnings suppressed in the last {} s]", reason.label(), detail,
                suppressed.getAndSet(0), INTERVAL_S);
        }
        else
        {
            suppressed.incrementAndGet();
            counters.overloadWarningsSuppressed.increment();
        }
    }
}
