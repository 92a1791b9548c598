package io.pitgun.perf;

import java.util.Arrays;

/**
 * The median of paired ratios with a distribution-free confidence interval (the sign test's order statistics): with
 * {@code n} independent rounds, the median of the ratio's distribution lies between the {@code k}-th smallest and
 * the {@code k}-th largest round with probability {@code 1 - 2 P(Binomial(n, 1/2) < k)}. No assumption about the
 * shape of the noise, which on a shared VM is anything but normal (page faults, steal time).
 *
 * @param median     the median of the rounds' ratios.
 * @param low        the lower end of the interval.
 * @param high       the upper end of the interval.
 * @param confidence the interval's exact confidence, at least the one asked for.
 */
public record MedianRatioInterval(double median, double low, double high, double confidence)
{
    /**
     * The median of {@code ratios} and the narrowest order-statistic interval with at least {@code confidence};
     * {@code null} when even the smallest and largest round do not reach it (fewer than
     * {@link #roundsFor(double)} rounds).
     */
    public static MedianRatioInterval of(final double[] ratios, final double confidence)
    {
        final int n = ratios.length;
        final double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        final double median = median(ratios);
        // The widest k (1-based) whose interval [x(k), x(n+1-k)] still covers the median with the confidence asked.
        int best = 0;
        double bestConfidence = 0;
        for (int k = 1; 2 * k <= n; k++)
        {
            final double covered = 1 - 2 * binomialCdfHalf(n, k - 1);
            if (covered < confidence)
            {
                break;
            }
            best = k;
            bestConfidence = covered;
        }
        return best == 0 ? null : new MedianRatioInterval(median, sorted[best - 1], sorted[n - best], bestConfidence);
    }

    /** The median of {@code values} (the mean of the middle two for an even count); NaN for none. */
    public static double median(final double[] values)
    {
        final int n = values.length;
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The fewest rounds whose smallest and largest ratio bound the median with {@code confidence}. */
    public static int roundsFor(final double confidence)
    {
        int n = 2;
        while (1 - 2 * binomialCdfHalf(n, 0) < confidence)
        {
            n++;
        }
        return n;
    }

    /** P(Binomial(n, 1/2) ≤ k), exactly enough for the few dozen rounds a benchmark runs. */
    static double binomialCdfHalf(final int n, final int k)
    {
        double term = Math.pow(0.5, n); // C(n, 0) / 2^n
        double sum = 0;
        for (int i = 0; i <= k; i++)
        {
            sum += term;
            term = term * (n - i) / (i + 1);
        }
        return sum;
    }
}
