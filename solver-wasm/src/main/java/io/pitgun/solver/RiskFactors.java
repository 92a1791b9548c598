package io.pitgun.solver;

/**
 * The randomness of a scenario.
 *
 * @param tireDegradationVariance variance of each compound's wear-rate multiplier (mean 1), drawn once per
 *                                scenario and compound
 * @param rainProbabilityPerLap   chance that a shower starts on a dry lap
 * @param safetyCarChance         chance that a safety car is deployed on a green lap
 */
public record RiskFactors(double tireDegradationVariance, double rainProbabilityPerLap, double safetyCarChance)
{
}
