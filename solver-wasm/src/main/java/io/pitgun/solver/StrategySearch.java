package io.pitgun.solver;

/**
 * How to enumerate candidate strategies when the request names none: every sequence of slick compounds
 * using at least two of them (when two exist), with one to {@code maxStops} stops on the lap grid
 * {@code minStintLaps, minStintLaps + stopLapStep, …}, no stint shorter than {@code minStintLaps}.
 */
public record StrategySearch(int maxStops, int stopLapStep, int minStintLaps)
{
    /** The defaults: up to three stops, every 8 laps, stints of at least 10 laps (252 strategies at 58 laps). */
    public static final StrategySearch DEFAULT = new StrategySearch(3, 8, 10);
}
