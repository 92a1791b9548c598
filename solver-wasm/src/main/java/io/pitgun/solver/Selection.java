package io.pitgun.solver;

/**
 * Quickselect (Hoare partition, median-of-three pivot) on a {@code double[]}: the k-th smallest value in
 * linear expected time. The value found is unique whatever the algorithm, so percentiles match the JVM
 * and WebAssembly builds exactly.
 */
final class Selection
{
    private Selection()
    {
    }

    /**
     * Reorders {@code values[lo..hi]} (inclusive) so that index {@code k} holds the value it would hold if
     * the range were sorted, smaller-or-equal values before it, and returns that value.
     */
    static double select(final double[] values, final int lo, final int hi, final int k)
    {
        int left = lo;
        int right = hi;
        while (left < right)
        {
            final double pivot = medianOfThree(values[left], values[(left + right) >>> 1], values[right]);
            int i = left;
            int j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }
                while (values[j] > pivot)
                {
                    j--;
                }
                if (i <= j)
                {
                    final double swap = values[i];
                    values[i] = values[j];
                    values[j] = swap;
                    i++;
                    j--;
                }
            }
            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return values[k];
            }
        }
        return values[k];
    }

    private static double medianOfThree(final double a, final double b, final double c)
    {
        if (a < b)
        {
            return b < c ? b : (a < c ? c : a);
        }
        return a < c ? a : (b < c ? c : b);
    }
}
