package io.pitgun.engine.insight;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One lap of the demo's table ({@code pitgun demo}), read from an {@code insight-contract/v1} {@code lap_summary} document.
 *
 * @param lap             the lap number.
 * @param lapTimeS        end minus start of the lap's window, in seconds.
 * @param frames          frames in the lap.
 * @param maxSpeedKmh     the highest {@code Speed}.
 * @param meanPowerKw     the mean of the derived {@code Power_kW}.
 * @param maxPowerKw      the highest {@code Power_kW}.
 * @param meanTyreSpread  the mean of the derived {@code Tyre_Temp_Spread} (°C).
 * @param meanBrakeFront  the mean front brake balance (%).
 * @param brakingShare    the time-weighted share of the lap spent braking (0..1).
 */
public record LapSummary(int lap, double lapTimeS, long frames, double maxSpeedKmh, double meanPowerKw, double maxPowerKw,
                  double meanTyreSpread, double meanBrakeFront, double brakingShare)
{
    /**
     * Reads a lap summary; a statistic the document leaves null (no frames) is NaN.
     *
     * @param doc an {@code insight-contract/v1} document of kind {@code lap_summary}.
     * @return its lap.
     */
    public static LapSummary from(final JsonNode doc)
    {
        final JsonNode window = doc.path("window");
        final JsonNode channels = doc.path("channels");
        return new LapSummary(
            doc.path("lap_number").asInt(),
            (window.path("end_timestamp_us").asLong() - window.path("start_timestamp_us").asLong()) / 1e6,
            window.path("frame_count").asLong(),
            stat(channels, "Speed", "max"),
            stat(channels, "Power_kW", "mean"),
            stat(channels, "Power_kW", "max"),
            stat(channels, "Tyre_Temp_Spread", "mean"),
            stat(channels, "Brake_Balance_Front", "mean"),
            stat(channels, "Braking", "time_weighted_mean"));
    }

    private static double stat(final JsonNode channels, final String channel, final String name)
    {
        final JsonNode value = channels.path(channel).path(name);
        return value.isNumber() ? value.asDouble() : Double.NaN;
    }
}
