package io.pitgun.solver;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SelectionTest
{
    @Property(tries = 300)
    void shouldFindTheKthSmallestLikeSorting(
        @ForAll @Size(min = 1, max = 300) final List<@DoubleRange(min = 0, max = 50) Double> values,
        @ForAll final int seed)
    {
        final double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        final double[] sorted = array.clone();
        Arrays.sort(sorted);
        final int k = Math.floorMod(seed, array.length);
        assertEquals(sorted[k], Selection.select(array, 0, array.length - 1, k));
        for (int i = 0; i < k; i++)
        {
            assertEquals(true, array[i] <= sorted[k]);
        }
    }
}
