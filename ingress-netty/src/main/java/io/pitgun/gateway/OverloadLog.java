package io.pitgun.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Overload warnings at a bounded rate: per reason, at most one line per {@value #INTERVAL_S} s, saying how many of
 * that reason were suppressed since its last. Overload is counted exactly in the metrics; the log only has to say it
 * happens, and what. Each reason has its own window, so a flood of one (clients closing mid-request, ~100/s, cost
 * nothing) does not hide another (507 journal_full): with one window for all, a black-box tester saw 20 journal_full
 * answers counted and not one logged, and their count folded into the flood's as "similar". A reason's suppressed
 * count is written once its window has passed even when no warning of it follows ({@link #flushSuppressed}, run
 * every {@value #FLUSH_PERIOD_MS} ms on the gateway's accept thread), and every count at shutdown
 * ({@link #flushAtShutdown}): before, the last burst's count was never written. The reasons are an enum, so the state is two fixed arrays; a warning costs what it did (a clock read,
 * a CAS or an increment), and the flush is a scan of those arrays once a second, off the event loops. A connection's
 * unexpected failure, which every connection may meet at once, is logged here too ({@link #connectionFailed}).
 */
final class OverloadLog
{
    static final long INTERVAL_S = 10;
    /** How often {@link #flushSuppressed} should run. */
    static final long FLUSH_PERIOD_MS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(OverloadLog.class);
    private static final long INTERVAL_NS = INTERVAL_S * 1_000_000_000L;
    private static final long NEVER = Long.MIN_VALUE;
    private static final RejectReason[] REASONS = RejectReason.values();
    /**
     * The window of {@link #connectionFailed}'s bugs, after the reasons' (one each, by ordinal). Its own: sharing
     * {@code internal_error}'s, a burst of connection bugs hid the 500s' lines for as long as it lasted.
     */
    private static final int CONNECTION_ERROR = REASONS.length;
    private static final int WINDOWS = REASONS.length + 1;

    /** Per window: when its next line may be written ({@link #NEVER}: no line yet). */
    private final AtomicLongArray nextNs = new AtomicLongArray(WINDOWS);
    /** Per window: warnings not written since its last line. */
    private final AtomicLongArray suppressed = new AtomicLongArray(WINDOWS);
    private final GatewayCounters counters;

    OverloadLog(final GatewayCounters counters)
    {
        this.counters = counters;
        for (int i = 0; i < WINDOWS; i++)
        {
            nextNs.set(i, NEVER);
        }
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

    /**
     * A connection failed with {@code cause}, which no handler of it answers: counted
     * ({@code pitgun_gateway_connection_errors_total}) and logged. The network's (an {@link java.io.IOException}: a
     * peer that reset or went away) is routine, logged at debug level; anything else is a bug, or a broken
     * installation, which the client only sees as the connection closing: a warning with its stack trace, at this
     * log's rate (a window of its own, labelled {@code connection_error}), so that a bug met by every connection does
     * not flood the log. Before, a WebSocket connection's such failure was counted as its close, {@code error}, and
     * logged nowhere.
     *
     * @return true for the network's.
     */
    boolean connectionFailed(final Throwable cause, final String connection)
    {
        counters.connectionErrors.increment();
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (t instanceof java.io.IOException)
            {
                LOG.debug("connection {} failed: {}", connection, cause.toString());
                return true;
            }
        }
        warn(CONNECTION_ERROR, "closed connection " + connection + ": unexpected " + cause, cause);
        return false;
    }

    /**
     * Logs {@code detail} for {@code reason} if the reason's window allows a line now (with the count of its
     * warnings suppressed since its last line), else counts it as suppressed. Thread-safe, lock-free.
     */
    void warn(final RejectReason reason, final String detail)
    {
        warn(reason, detail, null);
    }

    /** As {@link #warn(RejectReason, String)}, with {@code cause}'s stack trace on the line if one is written. */
    void warn(final RejectReason reason, final String detail, final Throwable cause)
    {
        warn(reason.ordinal(), detail, cause);
    }

    private void warn(final int r, final String detail, final Throwable cause)
    {
        final long now = System.nanoTime();
        if (takeWindow(r, now))
        {
            LOG.warn("overload ({}): {} [{} more {} warnings suppressed in the last {} s]", label(r), detail,
                suppressed.getAndSet(r, 0), label(r), INTERVAL_S, cause);
        }
        else
        {
            suppressed.incrementAndGet(r);
            counters.overloadWarningsSuppressed.increment();
        }
    }

    /**
     * Writes, for each reason whose window has passed with warnings suppressed in it, how many, though no warning of
     * it came to write them with; that line takes the reason's window as a warning's would, so the rate stays one
     * line per reason per {@value #INTERVAL_S} s. Run periodically off the event loops.
     */
    void flushSuppressed()
    {
        final long now = System.nanoTime();
        for (int r = 0; r < WINDOWS; r++)
        {
            if (suppressed.get(r) == 0)
            {
                continue;
            }
            final long next = nextNs.get(r);
            if (takeWindow(r, now))
            {
                final long count = suppressed.getAndSet(r, 0);
                if (count > 0)
                {
                    LOG.warn("overload ({}): {} more {} warnings suppressed in the last {} s, none since",
                        label(r), count, label(r),
                        next == NEVER ? INTERVAL_S : (now - next + INTERVAL_NS) / 1_000_000_000L);
                }
            }
        }
    }

    /**
     * At shutdown, once no connection is left to warn about: writes every reason's suppressed count now, its window
     * passed or not, since the process will not live to the window's end. Before, the warnings of a burst in the
     * last {@value #INTERVAL_S} s before a stop were counted in the metrics (gone with the process) and never written.
     */
    void flushAtShutdown()
    {
        for (int r = 0; r < WINDOWS; r++)
        {
            final long count = suppressed.getAndSet(r, 0);
            if (count > 0)
            {
                LOG.warn("overload ({}): {} more {} warnings suppressed since its last line (written at shutdown)",
                    label(r), count, label(r));
            }
        }
    }

    /** Window {@code r}'s label in its lines: its reason's, or {@code connection_error}. */
    private static String label(final int r)
    {
        return r == CONNECTION_ERROR ? "connection_error" : REASONS[r].label();
    }

    /** Whether window {@code r} may have a line at {@code now}: it has passed, and this caller took the next. */
    private boolean takeWindow(final int r, final long now)
    {
        final long next = nextNs.get(r);
        return (next == NEVER || now - next >= 0) && nextNs.compareAndSet(r, next, now + INTERVAL_NS);
    }
}
