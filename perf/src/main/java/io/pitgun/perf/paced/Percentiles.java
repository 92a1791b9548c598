package io.pitgun.perf.paced;

import org.HdrHistogram.Histogram;

import java.io.Serializable;

/**
 * The headline figures of one latency histogram, in nanoseconds.
 *
 * @param count values recorded.
 * @param p50   median.
 * @param p99   99th percentile.
 * @param p999  99.9th percentile.
 * @param max   the largest value.
 */
public record Percentiles(long count, long p50, long p99, long p999, long max) implements Serializable
{
    /** The figures of {@code nanos}. */
    public static Percentiles of(final Histogram nanos)
    {
        return new Percentiles(nanos.getTotalCount(), nanos.getValueAtPercentile(50), nanos.getValueAtPercentile(99),
            nanos.getValueAtPercentile(99.9), nanos.getMaxValue());
    }
}
