package io.pitgun.engine;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes latency histograms in HdrHistogram's own file formats, so its tools (and {@code pitgun report latency})
 * read them: the percentile distribution ({@code .hgrm}, as {@link Histogram#outputPercentileDistribution} prints
 * it) and the interval log ({@code .hlog}, {@link HistogramLogWriter}). One place for both the CLI's files and the
 * gateway's {@code GET /latency}, so a body saved with {@code curl -o} is the same text as a file.
 *
 * <p>Units: histograms are recorded in nanoseconds; a {@code .hgrm} prints microseconds (the unit of every Pitgun
 * percentile table); a {@code .hlog} keeps nanoseconds, which HdrHistogram's log tools assume by default.
 */
public final class HdrFiles
{
    /** Divisor from recorded nanoseconds to the microseconds a {@code .hgrm} prints. */
    public static final double HGRM_NS_PER_UNIT = 1000.0;
    /** Percentile ticks per half distance in a {@code .hgrm}, as HdrHistogram's examples use. */
    public static final int HGRM_TICKS_PER_HALF_DISTANCE = 5;

    /** A latency histogram in nanoseconds with the name it is logged under (its {@code .hlog} tag). */
    public record Series(String tag, Histogram nanos)
    {
    }

    private HdrFiles()
    {
    }

    /** A copy of a histogram of microseconds in nanoseconds, so every file and log uses one unit. */
    public static Histogram microsToNanos(final Histogram micros)
    {
        final Histogram nanos = new Histogram(1, Math.max(2, micros.getHighestTrackableValue()) * 1000L, 3);
        for (final HistogramIterationValue v : micros.recordedValues())
        {
            nanos.recordValueWithCount(v.getValueIteratedTo() * 1000L, v.getCountAtValueIteratedTo());
        }
        return nanos;
    }

    /** Writes a histogram of nanoseconds as a percentile distribution in microseconds; does not close {@code out}. */
    public static void writePercentiles(final OutputStream out, final Histogram nanos)
    {
        final PrintStream print = new PrintStream(out, false, StandardCharsets.UTF_8);
        nanos.outputPercentileDistribution(print, HGRM_TICKS_PER_HALF_DISTANCE, HGRM_NS_PER_UNIT);
        print.flush();
    }

    /** Writes {@code series} to {@code file} as a percentile distribution in microseconds. */
    public static void writePercentiles(final Path file, final Series series) throws IOException
    {
        try (OutputStream stream = Files.newOutputStream(file))
        {
            writePercentiles(stream, series.nanos());
        }
    }

    /**
     * Writes an interval log of histograms that carry their own tag (null for untagged) and start and end time
     * stamps (epoch ms); {@code startMs} is the log's start and base time. Does not close {@code out}.
     *
     * @param comment the first line's comment, without the leading {@code #}.
     */
    public static void writeIntervalLog(final OutputStream out, final String comment, final long startMs,
        final List<? extends EncodableHistogram> intervals)
    {
        final PrintStream print = new PrintStream(out, false, StandardCharsets.UTF_8);
        final HistogramLogWriter writer = new HistogramLogWriter(print);
        writer.outputComment(comment);
        writer.outputLogFormatVersion();
        writer.outputStartTime(startMs);
        writer.setBaseTime(startMs);
        writer.outputLegend();
        for (final EncodableHistogram interval : intervals)
        {
            writer.outputIntervalHistogram(interval);
        }
        print.flush();
    }

    /**
     * Writes an interval log with one tagged interval per series, each covering {@code startMs..endMs} (epoch ms).
     * Values are in nanoseconds.
     */
    public static void writeIntervalLog(final Path file, final List<Series> series, final long startMs, final long endMs)
        throws IOException
    {
        final List<Histogram> intervals = new ArrayList<>();
        for (final Series s : series)
        {
            intervals.add(stamped(s.nanos(), s.tag(), startMs, endMs));
        }
        try (OutputStream stream = Files.newOutputStream(file))
        {
            writeIntervalLog(stream, "[pitgun latency log, nanoseconds; tags: " + tags(series) + "]", startMs, intervals);
        }
    }

    /**
     * Writes an interval log of consecutive intervals of one series (each histogram carries its own start and end
     * time stamps, epoch ms), as a load generator records them second by second. A null {@code tag} leaves the
     * intervals untagged, which is what {@code HistogramLogProcessor} reads without {@code -tag}.
     */
    public static void writeIntervals(final Path file, final String tag, final List<Histogram> intervals,
        final long startMs) throws IOException
    {
        final List<Histogram> tagged = new ArrayList<>();
        for (final Histogram interval : intervals)
        {
            tagged.add(stamped(interval, tag, interval.getStartTimeStamp(), interval.getEndTimeStamp()));
        }
        try (OutputStream stream = Files.newOutputStream(file))
        {
            writeIntervalLog(stream, "[pitgun latency log, nanoseconds" + (tag == null ? "" : "; tag: " + tag) + "]",
                startMs, tagged);
        }
    }

    private static Histogram stamped(final Histogram histogram, final String tag, final long startMs, final long endMs)
    {
        final Histogram copy = histogram.copy();
        copy.setTag(tag);
        copy.setStartTimeStamp(startMs);
        copy.setEndTimeStamp(endMs);
        return copy;
    }

    private static String tags(final List<Series> series)
    {
        return series.stream().map(Series::tag).collect(Collectors.joining(", "));
    }
}
