package io.pitgun.manifest.runtime;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code mean(x, n)} against the plain reference its contract states: the last n present samples in a queue, summed
 * oldest first, divided by how many there are. Every mean must be the same double, bit for bit (a compiled manifest's
 * output is journaled and replayed byte-exact), through absent samples and resets.
 */
class MeanStateTest
{
    /** A present sample, an absent one (NaN here), or a reset (null). */
    @Provide
    Arbitrary<List<Double>> steps()
    {
        final Arbitrary<Double> values = Arbitraries.oneOf(
            Arbitraries.doubles().between(-1e6, 1e6),
            Arbitraries.of(0.1, 1e-17, 1e17, -0.0, Double.MAX_VALUE / 4),
            Arbitraries.just(Double.NaN));
        return Arbitraries.frequencyOf(
            Tuple.of(40, values),
            Tuple.of(1, Arbitraries.just((Double)null))).list().ofMaxSize(300);
    }

    @Property(tries = 500)
    void shouldGiveTheMeanOfTheLastSamplesSummedOldestFirst(
        @ForAll @IntRange(min = 1, max = 40) final int length, @ForAll("steps") final List<Double> steps)
    {
        final MeanState state = new MeanState(length);
        final ArrayDeque<Double> reference = new ArrayDeque<>();
        double expected = 0;
        int step = 0;
        for (final Double value : steps)
        {
            step++;
            if (value == null)
            {
                state.reset();
                reference.clear();
                expected = 0;
                assertEquals(0.0, state.doubleValue(), "after a reset, step " + step);
                continue;
            }
            final boolean present = !value.isNaN();
            assertEquals(present, state.onDouble(present, present ? value : 0, step), "presence, step " + step);
            if (present)
            {
                reference.addLast(value);
                if (reference.size() > length)
                {
                    reference.removeFirst();
                }
                double sum = 0;
                for (final Iterator<Double> oldestFirst = reference.iterator(); oldestFirst.hasNext(); )
                {
                    sum += oldestFirst.next();
                }
                expected = sum / reference.size();
            }
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(state.doubleValue()),
                "mean at step " + step + " of a window of " + length);
        }
    }
}
