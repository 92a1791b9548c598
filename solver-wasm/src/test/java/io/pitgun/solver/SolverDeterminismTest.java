package io.pitgun.solver;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The result depends on the request alone: not on threads, chunking or repetition. */
class SolverDeterminismTest
{
    private static final String REQUEST = Requests.example("wet-risk-given-strategies.json")
        .replace("\"scenarios_count\": 2000", "\"scenarios_count\": 700");

    private static final String SEQUENTIAL = RaceStrategySolver.solveStrategy(REQUEST);

    @Property(tries = 6)
    void shouldGiveSameResultForAnyThreadCount(@ForAll @IntRange(min = 1, max = 5) final int threads)
    {
        assertEquals(SEQUENTIAL, ParallelSolver.solve(REQUEST, threads));
    }

    @Property(tries = 6)
    void shouldGiveSameResultForAnyChunking(@ForAll @IntRange(min = 1, max = 400) final int chunk)
    {
        final SolverRun run = new SolverRun(RequestReader.read(REQUEST));
        int done = 0;
        while (done < run.request().scenariosCount())
        {
            done = run.runNext(chunk);
        }
        assertEquals(SEQUENTIAL, SimulationResultWriter.toJson(run.result()));
    }

    @Test
    void shouldChangeWithTheSeed()
    {
        assertNotEquals(SEQUENTIAL, RaceStrategySolver.solveStrategy(REQUEST.replace("\"seed\": 7", "\"seed\": 8")));
    }

    @Test
    void shouldDrawIndependentStreamsPerScenario()
    {
        final SplitMix64 a = SplitMix64.forScenario(7, 0);
        final SplitMix64 b = SplitMix64.forScenario(7, 1);
        assertNotEquals(a.nextLong(), b.nextLong());
        final SplitMix64 c = new SplitMix64(0);
        c.resetForScenario(7, 1);
        assertEquals(SplitMix64.forScenario(7, 1).nextLong(), c.nextLong());
    }
}
