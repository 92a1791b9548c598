package io.pitgun.engine.insight;

import java.util.List;

/** Formats the demo's lap summaries as a fixed-width text table. */
public final class LapSummaryTable
{
    private static final String HEADER = String.format("%4s  %9s  %7s  %10s  %10s  %9s  %11s  %10s  %8s",
        "lap", "lap time", "frames", "max km/h", "mean kW", "max kW", "tyre spread", "brake bias", "braking");
    /** What a statistic the summary leaves null (NaN in {@link LapSummary}) reads as: no value, not "NaN". */
    private static final String NO_VALUE = "–";
    /** After the row of a lap the input stopped in, as the live page marks a lap cut short. */
    static final String PARTIAL = "  (partial)";

    private LapSummaryTable()
    {
    }

    /**
     * @param laps               the laps in the order they are shown.
     * @param lastLapCutShort    whether the input stopped before the last lap ended (the demo's {@code --rows}): its
     *                           row is marked {@value #PARTIAL}.
     * @return a header, a rule and one row per lap, each ending with the line separator.
     */
    public static String format(final List<LapSummary> laps, final boolean lastLapCutShort)
    {
        final StringBuilder sb = new StringBuilder(HEADER).append(System.lineSeparator());
        sb.append("-".repeat(HEADER.length())).append(System.lineSeparator());
        for (int i = 0; i < laps.size(); i++)
        {
            final LapSummary lap = laps.get(i);
            sb.append(String.format("%4d  %9s  %7d  %10s  %10s  %9s  %11s  %10s  %8s",
                lap.lap(), lapTime(lap.lapTimeS()), lap.frames(), oneDecimal(lap.maxSpeedKmh(), ""),
                oneDecimal(lap.meanPowerKw(), ""), oneDecimal(lap.maxPowerKw(), ""),
                oneDecimal(lap.meanTyreSpread(), "°C"), oneDecimal(lap.meanBrakeFront(), "%"),
                oneDecimal(100 * lap.brakingShare(), "%")));
            if (lastLapCutShort && i == laps.size() - 1)
            {
                sb.append(PARTIAL);
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    /** One decimal and its unit, or {@value #NO_VALUE} for a statistic the lap has no value of (NaN). */
    static String oneDecimal(final double value, final String unit)
    {
        return Double.isNaN(value) ? NO_VALUE : String.format("%.1f", value) + unit;
    }

    /** m:ss.mmm, the way lap times are read. */
    static String lapTime(final double seconds)
    {
        final long millis = Math.round(seconds * 1000);
        return String.format("%d:%02d.%03d", millis / 60_000, (millis / 1000) % 60, millis % 1000);
    }
}
