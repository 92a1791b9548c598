package io.pitgun.engine;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;

/**
 * Running statistics of one channel over one segment: count, first, last, min, max, sum, mean and population
 * standard deviation (Welford), and the time integral holding each sample until the next (unit × seconds).
 * Only finite values count. A sample earlier than the latest one (a frame whose time went back) counts in every
 * statistic but the integral and the time-weighted mean, which go on from the latest sample: taking it as the
 * sample held from its time on would count the span it went back over twice (as {@code integral(x)} does not).
 * <p>
 * For percentiles it keeps the values: every one while the segment has at most {@link #MAX_KEPT_VALUES}, then a
 * uniform random sample of that many (reservoir sampling, Algorithm R), so the memory of one channel's segment is
 * bounded (8 bytes a value) however long the segment runs. Before, it kept every value of a segment that never ended
 * (a session summary's channel, a lap without a lap change) and the heap grew with the frames until it failed.
 * Deterministic: plain IEEE arithmetic in a fixed order, and the sample's random numbers come from a generator
 * started from the same seed at each segment, so a replay of the same frames keeps the same values.
 */
final class ChannelStats
{
    /** The most values kept for percentiles: 512 KiB of doubles per channel's segment. */
    static final int MAX_KEPT_VALUES = 1 << 16;
    private static final BigDecimal ONE_HUNDRED = BigDecimal.valueOf(100);
    /** Any fixed value: what matters is that every segment starts the generator from the same one. */
    private static final long SAMPLE_SEED = 0x5EED_0F_9E_71_6A_B1L;
    /** SplitMix64's increment (Steele, Lea and Flood, "Fast splittable pseudorandom number generators"). */
    private static final long GOLDEN_GAMMA = 0x9E37_79B9_7F4A_7C15L;

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
    /** The state of the sample's generator (SplitMix64): a long, so that a segment's values allocate nothing. */
    private long sampleState = SAMPLE_SEED;

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
        sampleState = SAMPLE_SEED;
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
            keep(value);
        }
        count++;
        last = value;
        sum += value;
        final double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
    }

    /** Keeps the {@code count}-th value (0-based) in the sample: Algorithm R once the sample is full. */
    private void keep(final double value)
    {
        if (count < MAX_KEPT_VALUES)
        {
            if (count == values.length)
            {
                values = Arrays.copyOf(values, Math.min(values.length * 2, MAX_KEPT_VALUES));
            }
            values[(int)count] = value;
            return;
        }
        // Replaces a kept value with probability MAX_KEPT_VALUES / (count + 1): each value seen so far is then kept
        // with that same probability. The remainder's bias is below (count + 1) / 2^64: none that matters.
        final long slot = Long.remainderUnsigned(nextSampleRandom(), count + 1);
        if (slot < MAX_KEPT_VALUES)
        {
            values[(int)slot] = value;
        }
    }

    private long nextSampleRandom()
    {
        long z = sampleState += GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** How many values the percentiles are taken from: all of them, or the sample's {@link #MAX_KEPT_VALUES}. */
    private int kept()
    {
        return (int)Math.min(count, MAX_KEPT_VALUES);
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
        Arrays.sort(values, 0, kept());
    }

    /**
     * Nearest-rank percentile of the kept values (sorted by {@link #sortValues}): the value of rank
     * {@code ceil(p / 100 * n)}, at least 1, of the n kept (every value, or the sample of a longer segment). The
     * rank is computed exactly from p's decimal value (the one the manifest wrote and the insight's key shows): in
     * doubles {@code 7 / 100.0 * 100} is 7.000000000000001, and p7 of 100 values took rank 8. Cold path (segment
     * end).
     */
    double percentile(final double p)
    {
        final int kept = kept();
        final long rank = BigDecimal.valueOf(p).multiply(BigDecimal.valueOf(kept))
            .divide(ONE_HUNDRED, 0, RoundingMode.CEILING).longValueExact();
        return values[(int)Math.max(1, Math.min(rank, kept)) - 1];
    }
}
