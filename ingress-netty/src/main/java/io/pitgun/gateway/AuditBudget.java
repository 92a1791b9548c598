package io.pitgun.gateway;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many audit lines requests that cost their client nothing may write: every request its client did not pay for
 * in the ingest rate limit ({@link HttpExchange#paidInRate}): refusals, every request of an open endpoint
 * ({@code /health}, {@code /dictionary}, the pages, {@code /metrics}), a 429 itself, and, with the rate limit off
 * ({@code RATE_LIMIT=0} and no token {@code rate_limit}), ingestion too. Requests without a token share one token
 * bucket; each token id has one of its own, so that one client, with or without a valid token, can neither flood the
 * file nor silence another token's lines. Each bucket holds {@link #LINES_PER_SECOND} lines a second,
 * {@link #BURST} at once. Such requests are not rate limited as ingestion is, so without a budget one client filled
 * the five rotated files (5 x 64 MiB) in seconds and erased every earlier line: with refusals (no token, an unknown
 * path, headers of kilobytes), with {@code GET /health} answered 200 (48 MB of lines in 5 s from one client, so the
 * five files in about 35 s) while only refusals were budgeted, and, while only requests without a token were, with a
 * valid token's refused or open requests, or with ingestion while the rate limit was off. Lines over the budget are
 * counted ({@code pitgun_gateway_audit_lines_suppressed_total}) and the next line written says how many were left
 * out before it ({@code suppressed_before}), so the flood itself stays on record. At 200 lines a second of at most
 * about 1.5 KB each (untrusted text is cut at 256 characters) the files hold at least an hour and a half of one such
 * flood. A token id's full bucket is forgotten ({@link #forgetFull}, every
 * {@link ClientRateLimiter#FORGET_FULL_PERIOD_MS} ms with the rate limit's): a new one starts full, so its token
 * loses nothing. Before, every id the token file had named since start kept its bucket, revoked or not. Thread-safe
 * (event loops share it); taken only for lines of such requests.
 */
final class AuditBudget
{
    static final int LINES_PER_SECOND = 200;
    static final int BURST = 2_000;
    private static final long NANOS_PER_LINE = 1_000_000_000L / LINES_PER_SECOND;

    private final SharedCounter suppressed;
    private final Bucket withoutToken = new Bucket();
    private final ConcurrentHashMap<String, Bucket> byToken = new ConcurrentHashMap<>();
    /** Volatile so that a line with nothing left out before it reads it without the lock. */
    private volatile long suppressedSinceLastLine;

    AuditBudget(final SharedCounter suppressed)
    {
        this.suppressed = suppressed;
    }

    /**
     * Takes one line of a request: -1 if its client did not pay for it ({@code paidInRate} false) and its bucket (of
     * {@code tokenId}, or of requests without a token when null) is empty (counted), else how many lines were left
     * out since the last line written (0 mostly).
     */
    long take(final String tokenId, final boolean paidInRate, final long nowNs)
    {
        if (paidInRate)
        {
            return takeSuppressed();
        }
        if (!bucket(tokenId).take(nowNs))
        {
            synchronized (this)
            {
                suppressed.increment();
                suppressedSinceLastLine++;
            }
            return -1;
        }
        return takeSuppressed();
    }

    private Bucket bucket(final String tokenId)
    {
        if (tokenId == null)
        {
            return withoutToken;
        }
        final Bucket known = byToken.get(tokenId); // once the token has its bucket, no lock of the map's per line
        return known != null ? known : byToken.computeIfAbsent(tokenId, id -> new Bucket());
    }

    /** Forgets the token ids' buckets that are full at {@code nowNs}. */
    void forgetFull(final long nowNs)
    {
        byToken.values().removeIf(b -> b.isFull(nowNs));
    }

    /** The token ids that have a bucket now (tests). */
    int tokenBuckets()
    {
        return byToken.size();
    }

    /** For any line written: how many lines were left out since the last one (then 0 again). */
    private long takeSuppressed()
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

    /** {@link #LINES_PER_SECOND} lines a second, {@link #BURST} at once. */
    private static final class Bucket
    {
        private long tokens = BURST;
        private long lastRefillNs = System.nanoTime();

        synchronized boolean take(final long nowNs)
        {
            refill(nowNs);
            if (tokens == 0)
            {
                return false;
            }
            tokens--;
            return true;
        }

        synchronized boolean isFull(final long nowNs)
        {
            refill(nowNs);
            return tokens == BURST;
        }

        private void refill(final long nowNs)
        {
            final long refill = (nowNs - lastRefillNs) / NANOS_PER_LINE;
            if (refill > 0)
            {
                tokens = Math.min(BURST, tokens + refill);
                lastRefillNs += refill * NANOS_PER_LINE;
            }
        }
    }
}
