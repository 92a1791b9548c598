package io.pitgun.solver;

import java.util.List;

/**
 * How one strategy fared over all scenarios. Times are total race times in seconds.
 *
 * @param name               the strategy's name
 * @param compounds          compound names, one per stint
 * @param pitLaps            the laps at whose end the car pits
 * @param meanTotalTimeS     mean total time
 * @param p50TotalTimeS      median (nearest rank)
 * @param p90TotalTimeS      90th percentile (nearest rank)
 * @param p99TotalTimeS      99th percentile (nearest rank)
 * @param successProbability share of scenarios finished without a tyre failure
 * @param tyreFailures       tyre failures summed over all scenarios
 * @param wins               scenarios in which this strategy was the fastest (ties go to the earlier one)
 */
public record StrategyStatistics(
    String name,
    List<String> compounds,
    List<Integer> pitLaps,
    double meanTotalTimeS,
    double p50TotalTimeS,
    double p90TotalTimeS,
    double p99TotalTimeS,
    double successProbability,
    long tyreFailures,
    long wins)
{
}
