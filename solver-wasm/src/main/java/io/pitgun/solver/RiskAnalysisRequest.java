package io.pitgun.solver;

import java.util.List;

/**
 * A parsed and checked {@code risk-analysis-request/v1}.
 *
 * @param config         the race
 * @param laps           laps simulated
 * @param scenariosCount number of Monte Carlo scenarios
 * @param seed           seed of every scenario's random stream
 * @param riskFactors    the randomness
 * @param strategies     the candidates, given or enumerated
 */
public record RiskAnalysisRequest(
    CanonicalConfig config,
    int laps,
    int scenariosCount,
    long seed,
    RiskFactors riskFactors,
    List<Strategy> strategies)
{
}
