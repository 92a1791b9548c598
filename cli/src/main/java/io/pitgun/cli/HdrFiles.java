package io.pitgun.cli;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes latency histograms in HdrHistogram's own file formats, so its tools (and {@code pitgun report latency})
 * read them: the percentile distribution ({@code .hgrm}, as {@link Histogram#outputPercentileDistribution} prints
 * it) and the interval log ({@code .hlog}, {@link HistogramLogWriter}).
 */
final class HdrFiles
{
    /** A latency histogram in nanoseconds with the name it is logged under (its {@code .hlog} tag). */
    record Series(String tag, Histogram nanos)
    {
    }

    private HdrFiles()
    {
    }

    /** A copy of a histogram of microseconds in nanoseconds, so every file and log uses one unit. */
    static Histogram microsToNanos(final Histogram micros)
    {
        final Histogram nanos = new Histogram(1, Math.max(2, micros.getHighestTrackableValue()) * 1000L, 3);
        for (final org.HdrHistogram.HistogramIterationValue v : micros.recordedValues())
        {
            nanos.recordValueWithCount(v.getValueIteratedTo() * 1000L, v.getCountAtValueIteratedTo());
        }
        return nanos;
    }

    /** Writes {@code series} as a percentile distribution in microseconds, 5 ticks per half distance. */
    static void writePercentiles(final Path file, final Series series) throws IOException
    {
        try (OutputStream stream = Files.newOutputStream(file);
             PrintStream out = new PrintStream(stream, false, StandardCharsets.UTF_8))
        {
            series.nanos().outputPercentileDistribution(out, 5, 1000.0);
        }
    }

    /**
     * Writes an interval log with one tagged interval per series, each covering {@code startMs..endMs} (epoch ms).
     * Values are in nanoseconds, which HdrHistogram's log tools assume by default.
     */
    static void writeIntervalLog(final Path file, final List<Series> series, final long startMs, final long endMs)
        throws IOException
    {
        try (OutputStream stream = Files.newOutputStream(file);
             PrintStream out = new PrintStream(stream, false, StandardCharsets.UTF_8))
        {
            final HistogramLogWriter writer = new HistogramLogWriter(out);
            writer.outputComment("[pitgun latency log, nanoseconds; tags: " + tags(series) + "]");
            writer.outputLogFormatVersion();
            writer.outputStartTime(startMs);
            writer.setBaseTime(startMs);
            writer.outputLegend();
            for (final Series s : series)
            {
                final Histogram copy = s.nanos().copy();
                copy.setTag(s.tag());
                copy.setStartTimeStamp(startMs);
                copy.setEndTimeStamp(endMs);
                writer.outputIntervalHistogram(copy);
            }
        }
    }

    /**
     * Writes an interval log of consecutive intervals of one series (each histogram carries its own start and end
     * time stamps, epoch ms), as a load generator records them second by second. A null {@code tag} leaves the
     * intervals untagged, which is what {@code HistogramLogProcessor} reads without {@code -tag}.
     */
    static void writeIntervals(final Path file, final String tag, final List<Histogram> intervals, final long startMs)
        throws IOException
    {
        try (OutputStream stream = Files.newOutputStream(file);
             PrintStream out = new PrintStream(stream, false, StandardCharsets.UTF_8))
        {
            final HistogramLogWriter writer = new HistogramLogWriter(out);
            writer.outputComment("[pitgun latency log, nanoseconds" + (tag == null ? "" : "; tag: " + tag) + "]");
            writer.outputLogFormatVersion();
            writer.outputStartTime(startMs);
            writer.setBaseTime(startMs);
            writer.outputLegend();
            for (final Histogram interval : intervals)
            {
                final Histogram copy = interval.copy();
                copy.setTag(tag);
                copy.setStartTimeStamp(interval.getStartTimeStamp());
                copy.setEndTimeStamp(interval.getEndTimeStamp());
                writer.outputIntervalHistogram(copy);
            }
        }
    }

    private static String tags(final List<Series> series)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Series s : series)
        {
            if (sb.length() > 0)
            {
                sb.append(", ");
            }
            sb.append(s.tag());
        }
        return sb.toString();
    }
}
