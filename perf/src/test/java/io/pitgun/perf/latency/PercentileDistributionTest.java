package io.pitgun.perf.latency;

import io.pitgun.engine.HdrFiles;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PercentileDistribution} on files HdrHistogram itself wrote. */
class PercentileDistributionTest
{
    @TempDir
    Path dir;

    @Test
    void shouldParseAnHgrmAsHdrHistogramWroteIt() throws Exception
    {
        final Histogram nanos = new Histogram(3);
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++)
        {
            // A long-tailed distribution of nanoseconds.
            nanos.recordValue(10_000 + (long)(-Math.log(1 - random.nextDouble()) * 50_000 * 42));
        }
        final Path file = dir.resolve("stage.hgrm");
        HdrFiles.writePercentiles(file, new HdrFiles.Series("stage", nanos));

        final PercentileDistribution d = PercentileDistribution.readHgrm(file);

        assertEquals("stage", d.name());
        assertEquals(nanos.getTotalCount(), d.totalCount());
        // The table prints each value as the top of its bucket.
        assertEquals(nanos.highestEquivalentValue(nanos.getMaxValue()) / 1000.0, d.maxValue(), 0.001);
        // 50% is always a row of the table; other percentiles read the first row at or above them.
        assertEquals(nanos.getValueAtPercentile(50) / 1000.0, d.valueAt(0.5), 0.001);
        assertTrue(d.valueAt(0.99) >= nanos.getValueAtPercentile(99) / 1000.0);
    }
}
