package io.pitgun.perf.report;

import java.util.Locale;

/**
 * How many times faster one JMH result is than another, with the range the two 99.9 % confidence intervals allow
 * (both scores at the unfavourable, then at the favourable edge of their intervals), so a thin margin shows as one.
 *
 * @param ratio the ratio of the scores: for throughput {@code row / base}, for time per op {@code base / row}.
 * @param low   the smallest ratio the intervals allow (NaN when either score has no error estimate).
 * @param high  the largest ratio the intervals allow (NaN when either score has no error estimate).
 */
record Speedup(double ratio, double low, double high)
{
    /** The speed-up of {@code row} over {@code base}; null when either score is missing or not positive. */
    static Speedup of(final JmhResult row, final JmhResult base)
    {
        if (row == null || base == null || !(row.score() > 0) || !(base.score() > 0))
        {
            return null;
        }
        if (row.mode().equals("thrpt"))
        {
            return new Speedup(row.score() / base.score(), (row.score() - row.error()) / (base.score() + base.error()),
                (row.score() + row.error()) / (base.score() - base.error()));
        }
        return new Speedup(base.score() / row.score(), (base.score() - base.error()) / (row.score() + row.error()),
            (base.score() + base.error()) / (row.score() - row.error()));
    }

    /** {@code 3.22×}. */
    String times()
    {
        return format(ratio) + "×";
    }

    /** {@code 21.5 %}: the ratio as a percentage. */
    String percent()
    {
        return String.format(Locale.ROOT, "%.1f %%", ratio * 100);
    }

    /** {@code 3.22× (2.90–3.58× within the 99.9 % intervals)}, or just the ratio when there is no range. */
    String timesWithRange()
    {
        return times() + range("×", 1);
    }

    /** As {@link #timesWithRange()}, in percent. */
    String percentWithRange()
    {
        return percent() + range(" %", 100);
    }

    private String range(final String unit, final double scale)
    {
        // An interval reaching zero or below says nothing about the upper bound: show only what it bounds.
        if (Double.isNaN(low) || Double.isNaN(high))
        {
            return "";
        }
        if (!(low > 0) || !(high > 0) || Double.isInfinite(high))
        {
            return " (interval too wide to bound it)";
        }
        final String lo = scale == 1 ? format(low) : String.format(Locale.ROOT, "%.1f", low * scale);
        final String hi = scale == 1 ? format(high) : String.format(Locale.ROOT, "%.1f", high * scale);
        return " (" + lo + "–" + hi + unit + " within the 99.9 % intervals)";
    }

    /** Two decimals below 10, one below 100, none above. */
    static String format(final double value)
    {
        if (value >= 100)
        {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
    }
}
