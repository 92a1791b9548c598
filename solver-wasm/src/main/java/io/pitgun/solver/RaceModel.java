package io.pitgun.solver;

/**
 * The request flattened into arrays for the scenario loop, with everything that does not depend on the
 * random draw computed once (fuel effect per lap, degradation per unit of wear, safety-car floors).
 * Laps are numbered from 1; index 0 of per-lap arrays is unused.
 */
final class RaceModel
{
    final int laps;
    final int compoundCount;
    final double pitLossS;
    final double safetyCarPitLossS;
    final double failureLossS;
    final double safetyCarLapFloorS;
    final double safetyCarWearFactor;
    final double rainDeltaS;
    final int showerMinLaps;
    final int showerSpanLaps;
    final int safetyCarMinLaps;
    final int safetyCarSpanLaps;
    final double rainProbability;
    final double safetyCarProbability;
    final double degradationStdDev;

    /** Base lap time plus the fuel effect, per lap. */
    final double[] dryBaseLapS;
    final double[] paceOffsetS;
    final double[] degradationPerWearS;
    final double[] wearPerLap;
    final double[] cliffWear;
    final double[] cliffMultiplier;
    final double[] failureWear;
    final double[] rainPenaltyS;
    final double[] dryPenaltyS;
    /** Whether any strategy uses the compound (the stint table skips the others). */
    final boolean[] used;

    final Strategy[] strategies;

    RaceModel(final RiskAnalysisRequest request)
    {
        final CanonicalConfig config = request.config();
        laps = request.laps();
        compoundCount = config.compounds().size();
        pitLossS = config.pitLaneTimeLossS();
        safetyCarPitLossS = config.pitLaneTimeLossS() * config.safetyCar().pitLossFactor();
        failureLossS = config.tyreFailureTimeLossS();
        safetyCarLapFloorS = config.baseLapTimeS() * config.safetyCar().lapTimeFactor();
        safetyCarWearFactor = config.safetyCar().wearFactor();
        rainDeltaS = config.weather().rainLapTimeDeltaS();
        showerMinLaps = config.weather().showerMinLaps();
        showerSpanLaps = config.weather().showerMaxLaps() - config.weather().showerMinLaps() + 1;
        safetyCarMinLaps = config.safetyCar().minLaps();
        safetyCarSpanLaps = config.safetyCar().maxLaps() - config.safetyCar().minLaps() + 1;
        rainProbability = request.riskFactors().rainProbabilityPerLap();
        safetyCarProbability = request.riskFactors().safetyCarChance();
        degradationStdDev = Math.sqrt(request.riskFactors().tireDegradationVariance());

        dryBaseLapS = new double[laps + 1];
        final FuelModel fuel = config.fuel();
        for (int lap = 1; lap <= laps; lap++)
        {
            double fuelKg = fuel.startLoadKg() - fuel.burnKgPerLap() * (lap - 1);
            if (fuelKg < 0)
            {
                fuelKg = 0;
            }
            dryBaseLapS[lap] = config.baseLapTimeS() + fuelKg * fuel.timePerKgS();
        }

        paceOffsetS = new double[compoundCount];
        degradationPerWearS = new double[compoundCount];
        wearPerLap = new double[compoundCount];
        cliffWear = new double[compoundCount];
        cliffMultiplier = new double[compoundCount];
        failureWear = new double[compoundCount];
        rainPenaltyS = new double[compoundCount];
        dryPenaltyS = new double[compoundCount];
        for (int c = 0; c < compoundCount; c++)
        {
            final TyreCompound compound = config.compounds().get(c);
            paceOffsetS[c] = compound.paceOffsetS();
            degradationPerWearS[c] = compound.degradationSPerLap() / compound.wearPerLap();
            wearPerLap[c] = compound.wearPerLap();
            cliffWear[c] = compound.cliffWear();
            cliffMultiplier[c] = compound.cliffMultiplier();
            failureWear[c] = compound.failureWear();
            rainPenaltyS[c] = compound.rainPenaltyS();
            dryPenaltyS[c] = compound.dryPenaltyS();
        }

        strategies = request.strategies().toArray(new Strategy[0]);
        used = new boolean[compoundCount];
        for (final Strategy strategy : strategies)
        {
            for (int i = 0; i < strategy.stintCount(); i++)
            {
                used[strategy.compound(i)] = true;
            }
        }
    }
}
