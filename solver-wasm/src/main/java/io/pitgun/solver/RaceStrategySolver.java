package io.pitgun.solver;

/**
 * The solver's entry point: {@code risk-analysis-request/v1} JSON in, {@code simulation-result/v1} JSON
 * out, on the calling thread. This is what the WebAssembly build exports; on the JVM,
 * {@link ParallelSolver} gives the same answer faster.
 */
public final class RaceStrategySolver
{
    private RaceStrategySolver()
    {
    }

    /**
     * Runs a request to completion.
     *
     * @throws SolverInputException if the request is malformed, naming the offending JSON pointer
     */
    public static String solveStrategy(final String requestJson)
    {
        final SolverRun run = new SolverRun(RequestReader.read(requestJson));
        run.runNext(Integer.MAX_VALUE);
        return SimulationResultWriter.toJson(run.result());
    }
}
