package io.pitgun.engine;

import java.util.Locale;

/**
 * The statistics a segment can report for a channel ({@code pipeline-manifest/v1} {@code stats}), in the order
 * {@code insight-contract/v1} writes them. A summary holds only those its manifest lists.
 */
enum SegmentStatistic
{
    COUNT, FIRST, LAST, MIN, MAX, MEAN, TIME_WEIGHTED_MEAN, SUM, STDDEV, INTEGRAL;

    private static final SegmentStatistic[] VALUES = values();

    /** The manifest's and the insight's name, e.g. {@code time_weighted_mean}. */
    String symbol()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The statistic named {@code symbol} (the manifest schema allows no other names). */
    static SegmentStatistic fromSymbol(final String symbol)
    {
        for (final SegmentStatistic statistic : VALUES)
        {
            if (statistic.symbol().equals(symbol))
            {
                return statistic;
            }
        }
        throw new IllegalArgumentException("no segment statistic '" + symbol + "'");
    }

    /** Its value over {@code stats} (NaN when undefined; {@link #COUNT} as a double). */
    double valueOf(final ChannelStats stats)
    {
        switch (this)
        {
            case COUNT:
                return stats.count();
            case FIRST:
                return stats.first();
            case LAST:
                return stats.last();
            case MIN:
                return stats.min();
            case MAX:
                return stats.max();
            case MEAN:
                return stats.mean();
            case TIME_WEIGHTED_MEAN:
                return stats.timeWeightedMean();
            case SUM:
                return stats.sum();
            case STDDEV:
                return stats.stddev();
            default:
                return stats.integral();
        }
    }
}
