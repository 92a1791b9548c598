package io.pitgun.perf.wrk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One wrk run as {@code wrk/envelopes.lua}'s {@code done()} prints it: a line {@code pitgun-wrk: key=value ...} with
 * the completed requests, the run's length, the non-2xx answers (wrk's {@code errors.status}: status 400 and up),
 * the socket-level errors and the latency percentiles in microseconds (closed-loop: not corrected for coordinated
 * omission).
 *
 * @param requests      answers received, whatever their status.
 * @param durationUs    how long wrk ran.
 * @param non2xx        answers with a status of 400 or more.
 * @param socketErrors  connect, read and write errors and timeouts together.
 * @param p50Us         median latency.
 * @param p90Us         90th percentile.
 * @param p99Us         99th percentile.
 * @param p999Us        99.9th percentile.
 * @param maxUs         the slowest answer.
 */
public record WrkResult(long requests, long durationUs, long non2xx, long socketErrors, long p50Us, long p90Us,
    long p99Us, long p999Us, long maxUs)
{
    /** What starts the line {@code done()} prints. */
    public static final String PREFIX = "pitgun-wrk:";

    /**
     * Reads the {@value #PREFIX} line out of wrk's output (the last one, when there are several).
     *
     * @param output what wrk printed.
     * @return the run.
     * @throws IllegalArgumentException when there is no such line or a key is missing or not a number.
     */
    public static WrkResult parse(final String output)
    {
        String line = null;
        for (final String l : output.split("\n"))
        {
            final int at = l.indexOf(PREFIX);
            if (at >= 0)
            {
                line = l.substring(at + PREFIX.length());
            }
        }
        if (line == null)
        {
            throw new IllegalArgumentException("no '" + PREFIX + "' line in wrk's output (did the script's done() " +
                "run?)");
        }
        return of(keyValues(line));
    }

    /**
     * The run from {@code done()}'s keys.
     *
     * @param values key to value, as {@link #keyValues(String)} reads them.
     * @return the run.
     * @throws IllegalArgumentException when a key is missing or not a number.
     */
    static WrkResult of(final Map<String, String> values)
    {
        return new WrkResult(number(values, "requests"), number(values, "duration_us"), number(values, "non2xx"),
            number(values, "connect_errors") + number(values, "read_errors") + number(values, "write_errors") +
                number(values, "timeouts"),
            number(values, "p50_us"), number(values, "p90_us"), number(values, "p99_us"), number(values, "p99.9_us"),
            number(values, "max_us"));
    }

    /** @return answers per second over the run. */
    public double requestsPerSecond()
    {
        return durationUs == 0 ? 0 : requests * 1e6 / durationUs;
    }

    /** @return answers with a 2xx status (the servers measured answer nothing in 1xx or 3xx). */
    public long successes()
    {
        return requests - non2xx;
    }

    /** {@code key=value} words of a line, in order; words without {@code =} are skipped. */
    static Map<String, String> keyValues(final String line)
    {
        final Map<String, String> values = new LinkedHashMap<>();
        for (final String word : line.strip().split("\\s+"))
        {
            final int eq = word.indexOf('=');
            if (eq > 0)
            {
                values.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return values;
    }

    private static long number(final Map<String, String> values, final String key)
    {
        final String value = values.get(key);
        if (value == null)
        {
            throw new IllegalArgumentException("wrk result has no " + key + "= (got " + values.keySet() + ")");
        }
        try
        {
            // wrk's latency percentiles are integral microseconds, the mean is not: accept "12.0" for robustness.
            return value.indexOf('.') >= 0 ? Math.round(Double.parseDouble(value)) : Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("wrk result " + key + "=" + value + " is not a number", ex);
        }
    }
}
