package io.pitgun.solver;

/**
 * Draws one scenario and times every strategy in it. One instance per thread: it owns the scratch arrays
 * and allocates nothing per scenario.
 *
 * <p>Per scenario it first builds a stint table: for each used compound and each lap {@code a} a fresh set
 * could be fitted before, the cumulative time of laps {@code a..l} on that set and the lap on which the set
 * would fail. A strategy's time is then a few table look-ups per stint instead of a walk over every lap, so
 * hundreds of strategies cost little more than one. A failed tyre costs the failure loss, and unless the
 * failure happens on a planned pit lap or the last lap, a forced stop and a fresh set of the same compound.
 */
final class ScenarioEvaluator
{
    private static final int IRWIN_HALL_TERMS = 12;
    private static final double MIN_WEAR_MULTIPLIER = 0.05;

    private final RaceModel model;
    private final SplitMix64 random = new SplitMix64(0);
    private final boolean[] raining;
    private final boolean[] safetyCar;
    private final double[] wearStep;
    private final double[] safetyCarWearStep;
    /** cumulativeS[(c * (laps + 1) + a) * (laps + 1) + l]: time of laps a..l on a set fitted before lap a. */
    private final double[] cumulativeS;
    /** failureLap[c * (laps + 1) + a]: lap on which that set fails, or laps + 1. */
    private final int[] failureLap;

    ScenarioEvaluator(final RaceModel model)
    {
        this.model = model;
        final int lapSlots = model.laps + 1;
        raining = new boolean[lapSlots];
        safetyCar = new boolean[lapSlots];
        wearStep = new double[model.compoundCount];
        safetyCarWearStep = new double[model.compoundCount];
        cumulativeS = new double[model.compoundCount * lapSlots * lapSlots];
        failureLap = new int[model.compoundCount * lapSlots];
    }

    /**
     * Simulates scenario {@code scenario} and writes, for each strategy {@code s}, its total time to
     * {@code totalsS[scenario * strategies + s]} and its tyre failures to {@code failures[scenario * strategies + s]}
     * (at most one per lap, so at most {@link RequestReader#MAX_LAPS}: a short holds every count, a byte did not).
     */
    void evaluate(final long seed, final int scenario, final double[] totalsS, final short[] failures)
    {
        draw(seed, scenario);
        buildStintTable();
        final Strategy[] strategies = model.strategies;
        final int base = scenario * strategies.length;
        for (int s = 0; s < strategies.length; s++)
        {
            timeStrategy(strategies[s], totalsS, failures, base + s);
        }
    }

    /** The scenario's randomness, drawn once, in a fixed order: wear multipliers, rain, safety cars. */
    private void draw(final long seed, final int scenario)
    {
        final RaceModel m = model;
        random.resetForScenario(seed, scenario);
        for (int c = 0; c < m.compoundCount; c++)
        {
            // Irwin-Hall: the sum of 12 uniforms minus 6 has mean 0 and variance 1, with additions only.
            double z = -6.0;
            for (int i = 0; i < IRWIN_HALL_TERMS; i++)
            {
                z += random.nextDouble();
            }
            double multiplier = 1.0 + m.degradationStdDev * z;
            if (multiplier < MIN_WEAR_MULTIPLIER)
            {
                multiplier = MIN_WEAR_MULTIPLIER;
            }
            wearStep[c] = m.wearPerLap[c] * multiplier;
            safetyCarWearStep[c] = wearStep[c] * m.safetyCarWearFactor;
        }
        int showerLeft = 0;
        for (int lap = 1; lap <= m.laps; lap++)
        {
            if (showerLeft == 0 && random.nextDouble() < m.rainProbability)
            {
                showerLeft = m.showerMinLaps + random.nextInt(m.showerSpanLaps);
            }
            raining[lap] = showerLeft > 0;
            if (showerLeft > 0)
            {
                showerLeft--;
            }
        }
        int safetyCarLeft = 0;
        for (int lap = 1; lap <= m.laps; lap++)
        {
            if (safetyCarLeft == 0 && random.nextDouble() < m.safetyCarProbability)
            {
                safetyCarLeft = m.safetyCarMinLaps + random.nextInt(m.safetyCarSpanLaps);
            }
            safetyCar[lap] = safetyCarLeft > 0;
            if (safetyCarLeft > 0)
            {
                safetyCarLeft--;
            }
        }
    }

    private void buildStintTable()
    {
        final RaceModel m = model;
        final int laps = m.laps;
        final int lapSlots = laps + 1;
        for (int c = 0; c < m.compoundCount; c++)
        {
            if (!m.used[c])
            {
                continue;
            }
            final double pace = m.paceOffsetS[c];
            final double degradationPerWear = m.degradationPerWearS[c];
            final double cliff = m.cliffWear[c];
            final double cliffMultiplier = m.cliffMultiplier[c];
            final double failure = m.failureWear[c];
            final double rainPenalty = m.rainDeltaS + m.rainPenaltyS[c];
            final double dryPenalty = m.dryPenaltyS[c];
            final double greenWear = wearStep[c];
            final double safetyCarWear = safetyCarWearStep[c];
            for (int start = 1; start <= laps; start++)
            {
                final int row = (c * lapSlots + start) * lapSlots;
                double wear = 0.0;
                double total = 0.0;
                int failedOn = laps + 1;
                for (int lap = start; lap <= laps; lap++)
                {
                    final double degradation = wear <= cliff
                        ? degradationPerWear * wear
                        : degradationPerWear * (cliff + (wear - cliff) * cliffMultiplier);
                    double lapTime = m.dryBaseLapS[lap] + pace + degradation
                        + (raining[lap] ? rainPenalty : dryPenalty);
                    if (safetyCar[lap])
                    {
                        if (lapTime < m.safetyCarLapFloorS)
                        {
                            lapTime = m.safetyCarLapFloorS;
                        }
                        wear += safetyCarWear;
                    }
                    else
                    {
                        wear += greenWear;
                    }
                    total += lapTime;
                    cumulativeS[row + lap] = total;
                    if (wear >= failure)
                    {
                        failedOn = lap;
                        break;
                    }
                }
                failureLap[c * lapSlots + start] = failedOn;
            }
        }
    }

    private void timeStrategy(final Strategy strategy, final double[] totalsS, final short[] failures, final int slot)
    {
        final RaceModel m = model;
        final int lapSlots = m.laps + 1;
        double total = 0.0;
        int failureCount = 0;
        int start = 1;
        final int stints = strategy.stintCount();
        for (int stint = 0; stint < stints; stint++)
        {
            final int c = strategy.compound(stint);
            final int end = stint < stints - 1 ? strategy.pitLap(stint) : m.laps;
            int fitted = start;
            while (true)
            {
                final int failedOn = failureLap[c * lapSlots + fitted];
                final int row = (c * lapSlots + fitted) * lapSlots;
                if (failedOn > end)
                {
                    total += cumulativeS[row + end];
                    break;
                }
                total += cumulativeS[row + failedOn] + m.failureLossS;
                failureCount++;
                if (failedOn == end)
                {
                    break;
                }
                total += pitLoss(failedOn);
                fitted = failedOn + 1;
            }
            if (stint < stints - 1)
            {
                total += pitLoss(end);
            }
            start = end + 1;
        }
        totalsS[slot] = total;
        failures[slot] = (short)failureCount;
    }

    private double pitLoss(final int lap)
    {
        return safetyCar[lap] ? model.safetyCarPitLossS : model.pitLossS;
    }
}
