package io.pitgun.solver;

import java.util.List;

/**
 * The solver's answer ({@code simulation-result/v1}). The headline figures describe the recommended
 * strategy: the one with the lowest mean total time.
 *
 * @param seed                 the seed used
 * @param scenariosCount       scenarios simulated
 * @param laps                 laps simulated
 * @param averageTotalTimeS    mean total time of the recommended strategy
 * @param successProbability   share of scenarios in which the recommended strategy had no tyre failure
 * @param tireFailureRate      tyre failures of the recommended strategy per planned stint
 * @param recommendedStrategy  name of the recommended strategy
 * @param strategies           every candidate, in request (or enumeration) order
 * @param histogram            strategies that won at least one scenario, most wins first
 * @param distribution         total-time histogram of the recommended strategy
 */
public record SimulationResult(
    long seed,
    int scenariosCount,
    int laps,
    double averageTotalTimeS,
    double successProbability,
    double tireFailureRate,
    String recommendedStrategy,
    List<StrategyStatistics> strategies,
    List<HistogramEntry> histogram,
    TimeDistribution distribution)
{
    /**
     * One bucket of {@code strategies_histogram}.
     *
     * @param strategy strategy name
     * @param wins     scenarios it won
     * @param share    wins / scenarios
     */
    public record HistogramEntry(String strategy, long wins, double share)
    {
    }

    /**
     * Equal-width bins of total time, bin {@code i} covering
     * {@code [minTotalTimeS + i * binWidthS, minTotalTimeS + (i + 1) * binWidthS)} (the last bin is closed).
     *
     * @param strategy      the strategy described
     * @param minTotalTimeS lower edge of the first bin
     * @param binWidthS     width of each bin (0 when every scenario took the same time)
     * @param counts        scenarios per bin
     */
    public record TimeDistribution(String strategy, double minTotalTimeS, double binWidthS, List<Long> counts)
    {
    }
}
