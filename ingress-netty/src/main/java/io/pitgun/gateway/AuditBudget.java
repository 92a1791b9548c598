package io.pitgun.gateway;

/**
 * How many audit lines requests that cost their client nothing may write: those without a token that the ingest rate
 * limit did not admit (refused ones, and every request of an open endpoint: {@code /health}, {@code /dictionary},
 * the pages, and {@code /metrics} without tokens). A token bucket of {@link #LINES_PER_SECOND} lines a second,
 * {@link #BURST} at once. Such requests are not rate limited as ingestion is, so without a budget one client filled
 * the five rotated files (5 x 64 MiB) in seconds and erased every earlier line: with refusals (no token, an unknown
 * path, headers of kilobytes), and, while only refusals were budgeted, with {@code GET /health} answered 200 (48 MB
 * of lines in 5 s from one client, so the five files in about 35 s). Lines over the budget are counted
 * ({@code pitgun_gateway_audit_lines_suppressed_total}) and the next line written says how many were left out before
 * it ({@code suppressed_before}), so the flood itself stays on record. At 200 lines a second of at most about 1.5 KB
 * each (untrusted text is cut at 256 characters) the files hold at least an hour and a half of such a flood.
 * Thread-safe (event loops share it); taken only for lines of such requests.
 */
final class AuditBudget
{
    static final int LINES_PER_SECOND = 200;
    static final int BURST = 2_000;
    private static final long NANOS_PER_LINE = 1_000_000_000L / LINES_PER_SECOND;

    private final SharedCounter suppressed;
    private long tokens = BURST;
    private long lastRefillNs = System.nanoTime();
    /** Volatile so that a line with nothing left out before it reads it without the lock. */
    private volatile long suppressedSinceLastLine;

    AuditBudget(final SharedCounter suppressed)
    {
        this.suppressed = suppressed;
    }

    /**
     * Takes one line of a request that cost its client nothing: -1 if it is over the budget (counted), else how many
     * such lines were left out since the last line written (0 mostly).
     */
    synchronized long takeForFreeRequest(final long nowNs)
    {
        final long refill = (nowNs - lastRefillNs) / NANOS_PER_LINE;
        if (refill > 0)
        {
            tokens = Math.min(BURST, tokens + refill);
            lastRefillNs += refill * NANOS_PER_LINE;
        }
        if (tokens == 0)
        {
            suppressed.increment();
            suppressedSinceLastLine++;
            return -1;
        }
        tokens--;
        return takeSuppressed();
    }

    /** For any line written: how many lines were left out since the last one (then 0 again). */
    long takeSuppressed()
    {
        if (suppressedSinceLastLine == 0)
        {
            return 0;
        }
        synchronized (this)
        {
            final long left = suppressedSinceLastLine;
            suppressedSinceLastLine = 0;
            return left;
        }
    }
}
