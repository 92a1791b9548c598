package io.pitgun.perf.latency;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A latency percentile distribution as HdrHistogram prints it ({@code .hgrm}): points of (value, percentile,
 * count), values in the file's unit (microseconds for Pitgun's files).
 *
 * @param name   the series' name in plots and tables.
 * @param points in increasing percentile order; the last one is the maximum (percentile 1.0).
 */
public record PercentileDistribution(String name, List<Point> points)
{
    /** The legend line of an interval log, which HdrHistogram's writer puts before the intervals. */
    private static final String LEGEND = "\"StartTimestamp\"";

    /**
     * One line of a distribution.
     *
     * @param value      the value at that percentile, in the file's unit.
     * @param percentile a fraction in [0, 1].
     * @param totalCount values recorded at or below {@code value}.
     */
    public record Point(double value, double percentile, long totalCount)
    {
    }

    /** @return the largest value (the last point). */
    public double maxValue()
    {
        return points.get(points.size() - 1).value();
    }

    /**
     * @param percentile a fraction in [0, 1].
     * @return the smallest value at or above {@code percentile}, as HdrHistogram's table would give it.
     */
    public double valueAt(final double percentile)
    {
        for (final Point p : points)
        {
            if (p.percentile() >= percentile)
            {
                return p.value();
            }
        }
        return maxValue();
    }

    /** @return the total count (the last point's). */
    public long totalCount()
    {
        return points.get(points.size() - 1).totalCount();
    }

    /**
     * Reads a {@code .hgrm} file; the series is named after the file.
     *
     * @param file a percentile distribution as HdrHistogram's {@code outputPercentileDistribution} prints it.
     * @return the distribution.
     * @throws IOException when the file cannot be read.
     * @throws IllegalArgumentException naming the file and line when it is not a percentile distribution.
     */
    public static PercentileDistribution readHgrm(final Path file) throws IOException
    {
        return parse(stripExtension(file.getFileName().toString()), file.toString(),
            Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /**
     * Reads an interval log ({@code .hlog}, values in nanoseconds): one distribution in microseconds per tag, the
     * sum of its intervals, named {@code file:tag}. Every line is read: a line that is not a comment, the legend or
     * an interval ({@code [Tag=TAG,]start,length,max,histogram}), or an interval whose histogram does not decode, is
     * refused by file and line. HdrHistogram's {@code HistogramLogReader} gets one line at a time: over the whole
     * file it ends the log at the first line it cannot read, so a damaged line silently dropped every interval after
     * it (and the report left those series out), and a truncated histogram surfaced as its decoder's exception ("No
     * line found", "ArrayIndexOutOfBoundsException"), naming neither the file nor the problem.
     *
     * @param file an HdrHistogram interval log.
     * @return one distribution per tag, in the order the tags first appear.
     * @throws IOException when the file cannot be read.
     * @throws IllegalArgumentException naming the file and line of a line that is not part of an interval log.
     */
    public static List<PercentileDistribution> readHlog(final Path file) throws IOException
    {
        final Map<String, Histogram> byTag = new LinkedHashMap<>();
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(LEGEND))
            {
                continue;
            }
            final Histogram interval = interval(file + ":" + (i + 1), line);
            final String tag = interval.getTag() == null ? "untagged" : interval.getTag();
            byTag.computeIfAbsent(tag, t -> new Histogram(3)).add(interval);
        }
        if (byTag.isEmpty())
        {
            throw new IllegalArgumentException(file + ": no interval histogram in this log");
        }
        final List<PercentileDistribution> result = new ArrayList<>();
        final String base = stripExtension(file.getFileName().toString());
        for (final Map.Entry<String, Histogram> entry : byTag.entrySet())
        {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8))
            {
                entry.getValue().outputPercentileDistribution(out, 5, 1000.0);
            }
            result.add(parse(base + ":" + entry.getKey(), file + " tag " + entry.getKey(),
                List.of(bytes.toString(StandardCharsets.UTF_8).split("\n"))));
        }
        return result;
    }

    /**
     * One interval line of an HdrHistogram log, {@code [Tag=TAG,]start,length,max,histogram} (the histogram
     * compressed and in Base64), as {@code HistogramLogWriter} writes it; {@code where} names the file and line.
     */
    private static Histogram interval(final String where, final String line)
    {
        // The tag is the reader's to read below; the fields after it are checked here, to say what is wrong.
        final String rest = line.startsWith("Tag=") ? line.substring(line.indexOf(',') + 1) : line;
        final String[] fields = rest.split(",", -1);
        final String shown = line.length() > 60 ? line.substring(0, 60) + "..." : line;
        if (fields.length != 4)
        {
            throw new IllegalArgumentException(where + ": expected an interval '[Tag=TAG,]start,length,max," +
                "histogram', got '" + shown + "'");
        }
        for (int f = 0; f < 3; f++)
        {
            try
            {
                Double.parseDouble(fields[f].trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(where + ": not a number in '" + shown + "'");
            }
        }
        // The line alone through HdrHistogram's reader, which knows every histogram encoding and sets the tag.
        EncodableHistogram decoded;
        try (HistogramLogReader one = new HistogramLogReader(
            new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.UTF_8))))
        {
            decoded = one.nextIntervalHistogram();
        }
        catch (final RuntimeException ex)
        {
            // Its decoder reports damaged bytes as whatever they broke (an index out of bounds, bad Base64): which
            // one says nothing to the user; that the histogram does not decode does.
            decoded = null;
        }
        if (decoded == null)
        {
            throw new IllegalArgumentException(where + ": the interval's histogram does not decode (a damaged or " +
                "truncated line)");
        }
        if (!(decoded instanceof Histogram))
        {
            throw new IllegalArgumentException(where + ": only integer-valued histograms are supported");
        }
        return (Histogram)decoded;
    }

    /** Parses the lines of a percentile distribution; {@code where} names the source in errors. */
    static PercentileDistribution parse(final String name, final String where, final List<String> lines)
    {
        final List<Point> points = new ArrayList<>();
        boolean header = false;
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            if (line.startsWith("Value"))
            {
                header = true;
                continue;
            }
            final String[] fields = line.split("\\s+");
            if (fields.length < 3)
            {
                throw new IllegalArgumentException(where + ":" + (i + 1) +
                    ": expected 'value percentile count', got '" + line + "'");
            }
            try
            {
                final double value = Double.parseDouble(fields[0]);
                final double percentile = Double.parseDouble(fields[1]);
                final long count = Long.parseLong(fields[2]);
                if (!(value >= 0 && value <= Long.MAX_VALUE))
                {
                    // NaN, an infinity or a negative value is no latency, and one beyond what an HdrHistogram
                    // records made the plot's axis infinite: the page was written with NaN coordinates, exit 0.
                    throw new IllegalArgumentException(where + ":" + (i + 1) + ": value " + fields[0] +
                        " is not a latency HdrHistogram records (0 to " + Long.MAX_VALUE + ")");
                }
                if (!(percentile >= 0 && percentile <= 1))
                {
                    // Written so that NaN fails too: it passed 'percentile < 0 || percentile > 1', and the page was
                    // written with a NaN coordinate in its plot, exit 0.
                    throw new IllegalArgumentException(where + ":" + (i + 1) + ": percentile " + fields[1] +
                        " is not a fraction in [0, 1]");
                }
                if (count < 0)
                {
                    // The order check below compares a line with the one before it, so a first line's negative count
                    // passed: the page was written with it.
                    throw new IllegalArgumentException(where + ":" + (i + 1) + ": count " + fields[2] +
                        " is not a count of recorded values (0 or more)");
                }
                final Point previous = points.isEmpty() ? null : points.get(points.size() - 1);
                if (previous != null)
                {
                    // HdrHistogram prints each column non-decreasing; a line below the one before it is damage (an
                    // edit, lines of two files mixed), which the plot drew as a curve turning back and valueAt read
                    // wrong.
                    final String below = value < previous.value() ? "value " + fields[0] :
                        percentile < previous.percentile() ? "percentile " + fields[1] :
                        count < previous.totalCount() ? "count " + fields[2] : null;
                    if (below != null)
                    {
                        throw new IllegalArgumentException(where + ":" + (i + 1) + ": " + below +
                            " is below the previous line's");
                    }
                }
                points.add(new Point(value, percentile, count));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(where + ":" + (i + 1) + ": not a number in '" + line + "'");
            }
        }
        if (!header || points.isEmpty())
        {
            throw new IllegalArgumentException(where + ": not an HdrHistogram percentile distribution (no " +
                "'Value Percentile TotalCount' table)");
        }
        return new PercentileDistribution(name, List.copyOf(points));
    }

    private static String stripExtension(final String fileName)
    {
        final int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
