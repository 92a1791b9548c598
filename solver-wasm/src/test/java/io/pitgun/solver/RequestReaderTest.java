package io.pitgun.solver;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestReaderTest
{
    @Test
    void shouldEnumerateDefaultStrategiesForFiftyEightLaps()
    {
        final RiskAnalysisRequest request = RequestReader.read(Requests.example("dry-race-enumerated.json"));
        final List<Strategy> strategies = request.strategies();
        // 5 one-stop pit laps × 6 sequences + 6 two-stop pairs × 24 + 1 three-stop triple × 78.
        assertEquals(5 * 6 + 6 * 24 + 78, strategies.size());
        for (final Strategy strategy : strategies)
        {
            int previous = 0;
            for (int stop = 0; stop < strategy.stopCount(); stop++)
            {
                assertTrue(strategy.pitLap(stop) - previous >= 10, strategy.name());
                previous = strategy.pitLap(stop);
            }
            assertTrue(58 - previous >= 10, strategy.name());
            boolean mixed = false;
            for (int stint = 1; stint < strategy.stintCount(); stint++)
            {
                mixed |= strategy.compound(stint) != strategy.compound(0);
                // intermediates (index 3) are never enumerated for a dry race
                assertTrue(strategy.compound(stint) < 3, strategy.name());
            }
            assertTrue(mixed, strategy.name());
        }
        assertEquals("soft-medium@10", strategies.get(0).name());
    }

    @Test
    void shouldNameUnknownCompound()
    {
        assertProblem("/strategies/0/compounds/1", "no tyre compound named \"supersoft\"",
            "[{\"compounds\": [\"soft\", \"supersoft\"], \"pit_laps\": [5]}]");
    }

    @Test
    void shouldRequireOnePitLapPerCompoundChange()
    {
        assertProblem("/strategies/0/pit_laps",
            "needs one pit lap per compound change: 1 for 2 compounds, found 0",
            "[{\"compounds\": [\"soft\", \"hard\"]}]");
    }

    @Test
    void shouldRequireIncreasingPitLaps()
    {
        assertProblem("/strategies/0/pit_laps/1", "pit laps must be strictly increasing",
            "[{\"compounds\": [\"soft\", \"hard\", \"soft\"], \"pit_laps\": [8, 8]}]");
    }

    @Test
    void shouldRejectDuplicateStrategyNames()
    {
        assertProblem("/strategies/1", "duplicate strategy name \"soft-hard@5\"",
            "[{\"compounds\": [\"soft\", \"hard\"], \"pit_laps\": [5]},"
                + " {\"compounds\": [\"soft\", \"hard\"], \"pit_laps\": [5]}]");
    }

    @Test
    void shouldRejectTooLargeStrategySearch()
    {
        final String request = Requests.example("dry-race-enumerated.json")
            .replace("\"laps\": 58,", "\"laps\": 58, \"strategy_search\": {\"stop_lap_step\": 1, \"min_stint_laps\": 2},");
        final SolverInputException ex = assertThrows(SolverInputException.class, () -> RequestReader.read(request));
        assertEquals("/strategy_search", ex.pointer());
    }

    @Test
    void shouldReportMalformedJsonAtTheRoot()
    {
        final SolverInputException ex = assertThrows(SolverInputException.class, () -> RequestReader.read("{\"laps\": }"));
        assertEquals("", ex.pointer());
        assertEquals("not valid JSON: unexpected character '}' at character 9", ex.getMessage());
    }

    @Test
    void shouldReportOutOfRangeNumberWithItsBounds()
    {
        final String request = Requests.simpleRace(20, Requests.NO_RISK, null, 0.05, 1, 10)
            .replace("\"pit_loss_factor\": 0.5", "\"pit_loss_factor\": 1.5");
        final SolverInputException ex = assertThrows(SolverInputException.class, () -> RequestReader.read(request));
        assertEquals("/base_config/safety_car/pit_loss_factor", ex.pointer());
        assertEquals("must be between 0 and 1", ex.getMessage());
    }

    private static void assertProblem(final String pointer, final String message, final String strategies)
    {
        final String request = Requests.simpleRace(20, Requests.NO_RISK, strategies, 0.05, 1, 10);
        final SolverInputException ex = assertThrows(SolverInputException.class, () -> RequestReader.read(request));
        assertEquals(pointer, ex.pointer());
        assertEquals(message, ex.getMessage());
    }
}
