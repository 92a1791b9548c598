package io.pitgun.engine;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;

/**
 * Running statistics of one channel over one segment: count, first, last, min, max, sum, mean and population
 * standard deviation (Welford), and the time integral holding each sample until the next (unit × seconds).
 * Only finite values count. A sample earlier than the latest one (a frame whose time went back) counts in every
 * statistic but the integral and the time-weighted mean, which go on from the latest sample: taking it as the
 * sample held from its time on would count the span it went back over twice (as {@code integral(x)} does not). Keeps every value when percentiles are wanted (the array grows to the longest
 * segment once, then is reused). Deterministic: plain IEEE arithmetic in a fixed order.
 */
final class ChannelStats
{
    private static final BigDecimal ONE_HUNDRED = BigDecimal.valueOf(100);

    private final boolean keepValues;
    private long count;
    private double first;
    private double last;
    private double min;
    private double max;
    private double sum;
    private double mean;
    private double m2;
    private double integral;
    private long firstTimestampUs;
    /** The sample the integral holds: the latest in time so far, and its time. */
    private double heldValue;
    private long heldTimestampUs;
    private double[] values;

    ChannelStats(final boolean keepValues)
    {
        this.keepValues = keepValues;
        this.values = keepValues ? new double[1024] : null;
    }

    void reset()
    {
        count = 0;
        sum = 0;
        mean = 0;
        m2 = 0;
        integral = 0;
    }

    void add(final long timestampUs, final double value)
    {
        if (!Double.isFinite(value))
        {
            return;
        }
        if (count == 0)
        {
            first = value;
            min = value;
            max = value;
            firstTimestampUs = timestampUs;
            heldValue = value;
            heldTimestampUs = timestampUs;
        }
        else
        {
            if (timestampUs >= heldTimestampUs)
            {
                integral += heldValue * ((timestampUs - heldTimestampUs) / 1e6);
                heldValue = value;
                heldTimestampUs = timestampUs;
            }
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        if (keepValues)
        {
            if (count == values.length)
            {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[(int)count] = value;
        }
        count++;
        last = value;
        sum += value;
        final double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
    }

    long count()
    {
        return count;
    }

    double first()
    {
        return first;
    }

    double last()
    {
        return last;
    }

    double min()
    {
        return min;
    }

    double max()
    {
        return max;
    }

    double sum()
    {
        return sum;
    }

    double mean()
    {
        return mean;
    }

    double stddev()
    {
        return Math.sqrt(Math.max(0, m2 / count));
    }

    double integral()
    {
        return integral;
    }

    /** Integral over the covered duration, or NaN when the values cover no time. */
    double timeWeightedMean()
    {
        final long durationUs = heldTimestampUs - firstTimestampUs;
        return durationUs > 0 ? integral / (durationUs / 1e6) : Double.NaN;
    }

    /** Sorts the kept values; call once before {@link #percentile}. Cold path (segment end). */
    void sortValues()
    {
        Arrays.sort(values, 0, (int)count);
    }

    /**
     * Nearest-rank percentile of the kept values (sorted by {@link #sortValues}): the value of rank
     * {@code ceil(p / 100 * count)}, at least 1. The rank is computed exactly from p's decimal value (the one the
     * manifest wrote and the insight's key shows): in doubles {@code 7 / 100.0 * 100} is 7.000000000000001, and p7
     * of 100 values took rank 8. Cold path (segment end).
     */
    double percentile(final double p)
    {
        final long rank = BigDecimal.valueOf(p).multiply(BigDecimal.valueOf(count))
            .divide(ONE_HUNDRED, 0, RoundingMode.CEILING).longValueExact();
        return values[(int)Math.max(1, Math.min(rank, count)) - 1];
    }
}
