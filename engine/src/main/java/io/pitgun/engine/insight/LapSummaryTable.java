package io.pitgun.engine.insight;

import java.util.List;

/** Formats the demo's lap summaries as a fixed-width text table. */
public final class LapSummaryTable
{
    private static final String HEADER = String.format("%4s  %9s  %7s  %10s  %10s  %9s  %11s  %10s  %8s",
        "lap", "lap time", "frames", "max km/h", "mean kW", "max kW", "tyre spread", "brake bias", "braking");

    private LapSummaryTable()
    {
    }

    /**
     * @param laps the laps in the order they are shown.
     * @return a header, a rule and one row per lap, each ending with the line separator.
     */
    public static String format(final List<LapSummary> laps)
    {
        final StringBuilder sb = new StringBuilder(HEADER).append(System.lineSeparator());
        sb.append("-".repeat(HEADER.length())).append(System.lineSeparator());
        for (final LapSummary lap : laps)
        {
            sb.append(String.format("%4d  %9s  %7d  %10.1f  %10.1f  %9.1f  %9.1f°C  %9.1f%%  %7.1f%%",
                lap.lap(), lapTime(lap.lapTimeS()), lap.frames(), lap.maxSpeedKmh(), lap.meanPowerKw(),
                lap.maxPowerKw(), lap.meanTyreSpread(), lap.meanBrakeFront(), 100 * lap.brakingShare()))
                .append(System.lineSeparator());
        }
        return sb.toString();
    }

    /** m:ss.mmm, the way lap times are read. */
    static String lapTime(final double seconds)
    {
        final long millis = Math.round(seconds * 1000);
        return String.format("%d:%02d.%03d", millis / 60_000, (millis / 1000) % 60, millis % 1000);
    }
}
