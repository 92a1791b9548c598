package io.pitgun.manifest;

import java.util.List;

/**
 * One aggregate of a segment stage: statistics of one channel per segment.
 *
 * @param pointer     JSON Pointer of the entry.
 * @param channel     the channel aggregated (dictionary or derived).
 * @param stats       statistic names: count, first, last, min, max, mean, time_weighted_mean, sum, stddev, integral.
 * @param percentiles percentiles in (0, 100], e.g. 50, 90, 99.
 */
public record AggregateSpec(String pointer, String channel, List<String> stats, List<Double> percentiles)
{
}
