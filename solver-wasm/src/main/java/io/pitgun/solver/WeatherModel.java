package io.pitgun.solver;

/**
 * How rain behaves once it starts (how often it starts is a risk factor).
 *
 * @param rainLapTimeDeltaS extra lap time for every compound while it rains
 * @param showerMinLaps     shortest shower, in laps
 * @param showerMaxLaps     longest shower, in laps (uniform between the two)
 */
public record WeatherModel(double rainLapTimeDeltaS, int showerMinLaps, int showerMaxLaps)
{
}
