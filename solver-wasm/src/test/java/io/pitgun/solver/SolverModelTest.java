package io.pitgun.solver;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lap-time model against a straightforward lap-by-lap reference computed here. */
class SolverModelTest
{
    @Test
    void shouldMatchLapByLapReferenceWithoutRandomness()
    {
        final int laps = 12;
        final double wearPerLap = 0.125;
        final String request = Requests.simpleRace(laps, Requests.NO_RISK,
            "[{\"compounds\": [\"soft\", \"hard\"], \"pit_laps\": [6]}]", wearPerLap, 5, 3);
        final SimulationResult result = ParallelSolver.solve(RequestReader.read(request), 1);

        double expected = 0;
        for (int lap = 1; lap <= laps; lap++)
        {
            final boolean soft = lap <= 6;
            final int age = soft ? lap - 1 : lap - 7;
            final double fuelS = Math.max(0, 10 - (lap - 1)) * 0.5;
            final double degradation;
            if (soft)
            {
                final double wear = age * wearPerLap;
                // 0.25 s per lap of wear (0.125 per lap) = 2 s per unit of wear; ×4 past 0.5 wear.
                degradation = wear <= 0.5 ? 2 * wear : 2 * (0.5 + (wear - 0.5) * 4);
            }
            else
            {
                degradation = age * 0.125;
            }
            expected += 80 + fuelS + (soft ? -1 : 0) + degradation;
        }
        expected += 20;

        assertEquals(expected, result.averageTotalTimeS(), 1e-9);
        assertEquals(1.0, result.successProbability());
        assertEquals(0.0, result.tireFailureRate());
        assertEquals(3, result.strategies().get(0).wins());
    }

    @Test
    void shouldCountTyreFailureAndForcedStop()
    {
        // Soft wears 0.25 per lap and fails at 1.0: after lap 4 of each set. 10 laps on soft: fails on
        // lap 4 (forced stop), again on lap 8 (forced stop), then runs laps 9-10.
        final String request = Requests.simpleRace(10, Requests.NO_RISK,
            "[{\"compounds\": [\"soft\"]}, {\"compounds\": [\"hard\"]}]", 0.25, 1.0, 4);
        final SimulationResult result = ParallelSolver.solve(RequestReader.read(request), 1);

        final StrategyStatistics soft = result.strategies().get(0);
        assertEquals(0.0, soft.successProbability());
        assertEquals(2 * 4, soft.tyreFailures());
        final StrategyStatistics hard = result.strategies().get(1);
        assertEquals(1.0, hard.successProbability());
        assertEquals(hard.name(), result.recommendedStrategy());
    }

    @Test
    void shouldCountEveryTyreFailureWhenASetFailsOnEveryLap()
    {
        // Soft fails on the lap it is fitted (wear 1 per lap, failure at 0.5): 300 failures on 300 laps, each a
        // forced stop but the last. A per-scenario count kept in a byte was capped at 127, so the result reported
        // 127 failures per scenario (254 and a rate of 127) with every time still right.
        final int laps = 300;
        final String request = Requests.simpleRace(laps, Requests.NO_RISK, "[{\"compounds\": [\"soft\"]}]", 1, 0.5, 2);
        final SimulationResult result = ParallelSolver.solve(RequestReader.read(request), 1);

        final StrategyStatistics soft = result.strategies().get(0);
        assertEquals(2L * laps, soft.tyreFailures());
        assertEquals(laps, result.tireFailureRate());
        assertEquals(0.0, soft.successProbability());
    }

    @Test
    void shouldMakeEveryPercentileEqualWithoutRandomness()
    {
        final String request = Requests.simpleRace(20, Requests.NO_RISK, null, 0.05, 1, 50);
        final SimulationResult result = ParallelSolver.solve(RequestReader.read(request), 1);
        for (final StrategyStatistics s : result.strategies())
        {
            assertEquals(s.meanTotalTimeS(), s.p50TotalTimeS(), 1e-9);
            assertEquals(s.p50TotalTimeS(), s.p99TotalTimeS());
        }
        assertEquals(0.0, result.distribution().binWidthS());
        assertEquals(50L, result.distribution().counts().get(0));
    }

    @Test
    void shouldSlowEveryStrategyWhenItAlwaysRains()
    {
        final String dry = Requests.simpleRace(20, Requests.NO_RISK, null, 0.05, 1, 20);
        final String wet = Requests.simpleRace(20,
            "{\"tire_degradation_variance\": 0, \"rain_probability_per_lap\": 1, \"safety_car_chance\": 0}",
            null, 0.05, 1, 20);
        final SimulationResult dryResult = ParallelSolver.solve(RequestReader.read(dry), 1);
        final SimulationResult wetResult = ParallelSolver.solve(RequestReader.read(wet), 1);
        for (int s = 0; s < dryResult.strategies().size(); s++)
        {
            // Rain on every lap: rain delta 5 s + slick penalty 10 s per lap.
            assertEquals(dryResult.strategies().get(s).meanTotalTimeS() + 20 * 15,
                wetResult.strategies().get(s).meanTotalTimeS(), 1e-6);
        }
    }
}
