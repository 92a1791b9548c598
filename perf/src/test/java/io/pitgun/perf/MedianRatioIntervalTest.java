package io.pitgun.perf;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The order-statistic interval against a plain reference: its confidence counted over every one of the 2^n ways n
 * rounds can fall below or above the median, and its ends against the sorted rounds.
 */
class MedianRatioIntervalTest
{
    @Test
    void shouldGiveTheBinomialCoverageCountedOverEverySignPattern()
    {
        for (int n = 2; n <= 18; n++)
        {
            for (int k = 0; k <= n; k++)
            {
                assertEquals(countedCdf(n, k), MedianRatioInterval.binomialCdfHalf(n, k), 1e-12, "n=" + n + " k=" + k);
            }
        }
    }

    @Test
    void shouldNeedElevenRoundsForTheSmallestAndLargestToBoundTheMedianAtNinetyNinePointNine()
    {
        assertEquals(11, MedianRatioInterval.roundsFor(0.999));
        assertNull(MedianRatioInterval.of(rounds(10), 0.999));
        final MedianRatioInterval eleven = MedianRatioInterval.of(rounds(11), 0.999);
        assertEquals(0.70, eleven.low(), 1e-12);
        assertEquals(0.80, eleven.high(), 1e-12);
        assertEquals(0.75, eleven.median(), 1e-12);
        assertEquals(1 - 2.0 / 2048, eleven.confidence(), 1e-12);
    }

    @Test
    void shouldNarrowToInnerRoundsWhenMoreRoundsStillReachTheConfidence()
    {
        // 22 rounds: [x(k), x(23-k)] covers the median with 1 - 2 P(B(22, 1/2) <= k - 1); the widest k >= 99.9 %.
        final double[] ratios = rounds(22);
        final MedianRatioInterval interval = MedianRatioInterval.of(ratios, 0.999);
        final double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        int k = 1;
        while (1 - 2 * countedCdf(22, k) >= 0.999)
        {
            k++;
        }
        assertEquals(sorted[k - 1], interval.low());
        assertEquals(sorted[22 - k], interval.high());
        assertTrue(interval.confidence() >= 0.999, "confidence " + interval.confidence());
        assertEquals((sorted[10] + sorted[11]) / 2, interval.median(), 1e-12);
    }

    @Test
    void shouldCallTheTargetMetOnlyWhenTheWholeIntervalIsAtOrAboveIt()
    {
        assertTrue(JournaledPairsTable.verdict(new MedianRatioInterval(0.9, 0.8, 1.0, 0.999)).contains("**met**"));
        assertTrue(JournaledPairsTable.verdict(new MedianRatioInterval(0.7, 0.6, 0.79, 0.999)).contains("**not met**"));
        assertTrue(JournaledPairsTable.verdict(new MedianRatioInterval(0.85, 0.79, 0.9, 0.999))
            .contains("not decided"));
    }

    /** n rounds spread evenly over 0.70..0.80, shuffled by a fixed stride so the input is not sorted. */
    private static double[] rounds(final int n)
    {
        final List<Integer> order = IntStream.range(0, n).map(i -> (i * 7) % n).boxed().toList();
        return order.stream().mapToDouble(i -> 0.70 + 0.10 * i / (n - 1)).toArray();
    }

    /** P(B(n, 1/2) <= k) by counting the sign patterns of n rounds with at most k below the median. */
    private static double countedCdf(final int n, final int k)
    {
        long count = 0;
        for (int pattern = 0; pattern < 1 << n; pattern++)
        {
            if (Integer.bitCount(pattern) <= k)
            {
                count++;
            }
        }
        return (double) count / (1 << n);
    }
}
