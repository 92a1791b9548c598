package io.pitgun.gateway;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client: {@code ratePerSecond} tokens a second, at most {@code burst} saved up, or the client's
 * own rate (a token file's {@code rate_limit}). One request (or WebSocket message) takes one token. The client key
 * is its identity ({@link ConnectionAccess}): the token id with tokens, else the peer address, or the address a
 * trusted proxy forwards, never a header a client could forge to escape its limit. A full bucket (a client quiet
 * long enough to have its burst back) is no different from none, since a new bucket starts full: such buckets are
 * forgotten every {@link #FORGET_FULL_PERIOD_MS} ms ({@link #forgetFull}), and at once past {@code MAX_CLIENTS}.
 * Before, only past {@code MAX_CLIENTS} buckets: the buckets of revoked tokens and of addresses gone for good stayed
 * for the gateway's life, up to that many.
 */
public final class ClientRateLimiter
{
    /** Returned by {@link #tryAcquire} when the request may proceed. */
    public static final long GRANTED = 0;

    /** How often {@link #forgetFull} runs (the gateway's accept loop, off the event loops). */
    static final long FORGET_FULL_PERIOD_MS = 1_000;

    private static final int MAX_CLIENTS = 10_000;

    private final double tokensPerNs;
    private final double burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param ratePerSecond 0 turns limiting off. */
    public ClientRateLimiter(final int ratePerSecond, final int burst)
    {
        this.tokensPerNs = ratePerSecond / 1e9;
        this.burst = burst;
    }

    /** True when limiting is on. */
    public boolean enabled()
    {
        return tokensPerNs > 0;
    }

    /**
     * Whether a client whose own rate is {@code ratePerSecond} (0: this limiter's) is limited: a request it makes is
     * paid for in its rate. False when neither rate is set.
     */
    public boolean limits(final int ratePerSecond)
    {
        return ratePerSecond > 0 || enabled();
    }

    /**
     * Takes a token for {@code client}.
     *
     * @return {@link #GRANTED}, or the nanoseconds until a token is available (for {@code Retry-After}).
     */
    public long tryAcquire(final String client, final long nowNs)
    {
        return tryAcquire(client, 0, nowNs);
    }

    /**
     * Takes a token for {@code client}, whose own rate is {@code ratePerSecond} (a token file's {@code rate_limit},
     * with a burst of one second's worth) or, when 0, this limiter's.
     *
     * @return {@link #GRANTED}, or the nanoseconds until a token is available (for {@code Retry-After}).
     */
    public long tryAcquire(final String client, final int ratePerSecond, final long nowNs)
    {
        if (!limits(ratePerSecond))
        {
            return GRANTED;
        }
        final double rate = ratePerSecond == 0 ? tokensPerNs : ratePerSecond / 1e9;
        final double depth = ratePerSecond == 0 ? burst : Math.max(1, ratePerSecond);
        Bucket bucket = buckets.get(client);
        if (bucket == null)
        {
            if (buckets.size() >= MAX_CLIENTS)
            {
                buckets.values().removeIf(b -> b.isFull(nowNs));
            }
            bucket = buckets.computeIfAbsent(client, key -> new Bucket(depth, nowNs));
        }
        return bucket.take(nowNs, rate, depth);
    }

    /** Forgets the buckets that are full at {@code nowNs}: their clients lose nothing (see the class comment). */
    void forgetFull(final long nowNs)
    {
        buckets.values().removeIf(b -> b.isFull(nowNs));
    }

    /** The clients that have a bucket now (tests). */
    int clients()
    {
        return buckets.size();
    }

    private static final class Bucket
    {
        private double tokens;
        private long updatedNs;
        private double tokensPerNs;
        private double burst;

        Bucket(final double tokens, final long nowNs)
        {
            this.tokens = tokens;
            this.updatedNs = nowNs;
            this.burst = tokens;
        }

        /** Takes a token at the client's rate now (a token file's rate may change while the bucket lives). */
        synchronized long take(final long nowNs, final double tokensPerNs, final double burst)
        {
            this.tokensPerNs = tokensPerNs;
            this.burst = burst;
            refill(nowNs);
            if (tokens >= 1)
            {
                tokens -= 1;
                return GRANTED;
            }
            return Math.max(1, (long)Math.ceil((1 - tokens) / tokensPerNs));
        }

        synchronized boolean isFull(final long nowNs)
        {
            refill(nowNs);
            return tokens >= burst;
        }

        private void refill(final long nowNs)
        {
            final long elapsed = nowNs - updatedNs;
            if (elapsed > 0)
            {
                tokens = Math.min(burst, tokens + elapsed * tokensPerNs);
                updatedNs = nowNs;
            }
        }
    }
}
