package io.pitgun.engine;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.HistogramLogWriter;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
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
 *
 * <p>HdrHistogram writes through a {@link PrintStream}, which swallows every {@link IOException}: each write here
 * passes through a {@link FailureKeeper} that keeps the first one, and it is thrown once the text is written. Before,
 * {@code pitgun loadgen} on a full file system left empty files, printed their names and exited 0.
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

    /**
     * Writes a histogram of nanoseconds as a percentile distribution in microseconds; does not close {@code out}.
     *
     * @throws UncheckedIOException if a write to {@code out} failed (the first failure, as {@code out} threw it).
     */
    public static void writePercentiles(final OutputStream out, final Histogram nanos)
    {
        final FailureKeeper kept = new FailureKeeper(out);
        final PrintStream print = new PrintStream(kept, false, StandardCharsets.UTF_8);
        nanos.outputPercentileDistribution(print, HGRM_TICKS_PER_HALF_DISTANCE, HGRM_NS_PER_UNIT);
        print.flush();
        kept.check(print);
    }

    /**
     * Writes {@code series} to {@code file} as a percentile distribution in microseconds.
     *
     * @throws IOException naming the file, if it cannot be written (a full file system).
     */
    public static void writePercentiles(final Path file, final Series series) throws IOException
    {
        try (OutputStream stream = Files.newOutputStream(file))
        {
            writePercentiles(stream, series.nanos());
        }
        catch (final UncheckedIOException ex)
        {
            throw failed(file, ex);
        }
    }

    /**
     * Writes an interval log of histograms that carry their own tag (null for untagged) and start and end time
     * stamps (epoch ms); {@code startMs} is the log's start and base time. Does not close {@code out}.
     *
     * @param comment the first line's comment, without the leading {@code #}.
     * @throws UncheckedIOException if a write to {@code out} failed (the first failure, as {@code out} threw it).
     */
    public static void writeIntervalLog(final OutputStream out, final String comment, final long startMs,
        final List<? extends EncodableHistogram> intervals)
    {
        final FailureKeeper kept = new FailureKeeper(out);
        final PrintStream print = new PrintStream(kept, false, StandardCharsets.UTF_8);
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
        kept.check(print);
    }

    /**
     * Writes an interval log with one tagged interval per series, each covering {@code startMs..endMs} (epoch ms).
     * Values are in nanoseconds.
     *
     * @throws IOException naming the file, if it cannot be written (a full file system).
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
        catch (final UncheckedIOException ex)
        {
            throw failed(file, ex);
        }
    }

    /**
     * Writes an interval log of consecutive intervals of one series (each histogram carries its own start and end
     * time stamps, epoch ms), as a load generator records them second by second. A null {@code tag} leaves the
     * intervals untagged, which is what {@code HistogramLogProcessor} reads without {@code -tag}.
     *
     * @throws IOException naming the file, if it cannot be written (a full file system).
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
        catch (final UncheckedIOException ex)
        {
            throw failed(file, ex);
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

    private static IOException failed(final Path file, final UncheckedIOException ex)
    {
        return new IOException("cannot write " + file + ": " + ex.getCause().getMessage(), ex.getCause());
    }

    /** Passes writes on and keeps the first {@link IOException}, which the {@link PrintStream} above it swallows. */
    private static final class FailureKeeper extends FilterOutputStream
    {
        private IOException first;

        FailureKeeper(final OutputStream out)
        {
            super(out);
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int length) throws IOException
        {
            try
            {
                out.write(bytes, offset, length);
            }
            catch (final IOException ex)
            {
                throw kept(ex);
            }
        }

        @Override
        public void write(final int b) throws IOException
        {
            try
            {
                out.write(b);
            }
            catch (final IOException ex)
            {
                throw kept(ex);
            }
        }

        @Override
        public void flush() throws IOException
        {
            try
            {
                out.flush();
            }
            catch (final IOException ex)
            {
                throw kept(ex);
            }
        }

        private IOException kept(final IOException ex)
        {
            if (first == null)
            {
                first = ex;
            }
            return ex;
        }

        /** Throws the first failure, or one for {@code print}'s error flag if it knew of another. */
        void check(final PrintStream print)
        {
            if (first != null)
            {
                throw new UncheckedIOException(first);
            }
            if (print.checkError())
            {
                throw new UncheckedIOException(new IOException("a write failed"));
            }
        }
    }
}
