package io.pitgun.solver.browser;

import io.pitgun.solver.ParallelSolver;
import io.pitgun.solver.RequestReader;
import io.pitgun.solver.RiskAnalysisRequest;
import io.pitgun.solver.SimulationResultWriter;
import io.pitgun.testsupport.HeadlessChromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The documented solver benchmark (docs/performance.md): the 10,000-scenario × 58-lap example request on
 * the JVM (one thread, all threads) and in headless Chromium's WebAssembly. Prints figures, asserts only
 * that every run gives the same document. Opt-in, because it measures rather than tests:
 * {@code mvn -pl solver-wasm verify -Dpitgun.solver.benchmark=true -Dtest=SolverBenchmarkRun}.
 */
@EnabledIfSystemProperty(named = "pitgun.solver.benchmark", matches = "true")
class SolverBenchmarkRun
{
    private static final Path REQUEST =
        Path.of("../schemas/src/main/resources/examples/risk-analysis-request/v1/valid/dry-race-enumerated.json");
    private static final int RUNS = 5;

    @Test
    void measureJvmAndWasm() throws Exception
    {
        final String json = Files.readString(REQUEST);
        final RiskAnalysisRequest request = RequestReader.read(json);
        final int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf("request: %d scenarios x %d laps x %d strategies%n",
            request.scenariosCount(), request.laps(), request.strategies().size());

        final String reference = SimulationResultWriter.toJson(ParallelSolver.solve(request, 1));
        for (final int t : new int[] {1, threads})
        {
            for (int run = 0; run < RUNS; run++)
            {
                final long start = System.nanoTime();
                final String result = SimulationResultWriter.toJson(ParallelSolver.solve(request, t));
                final long elapsedNs = System.nanoTime() - start;
                assertEquals(reference, result);
                System.out.printf("JVM %d thread(s) run %d: %.1f ms%n", t, run, elapsedNs / 1e6);
            }
        }
        try (WasmSolverRunner runner = WasmSolverRunner.open(HeadlessChromium.requireExecutable()))
        {
            for (int run = 0; run < RUNS; run++)
            {
                final long start = System.nanoTime();
                final WasmSolverRunner.WorkerOutcome outcome = runner.solve(json, Duration.ofMinutes(5));
                final long elapsedNs = System.nanoTime() - start;
                assertEquals(reference, outcome.resultJson());
                System.out.printf("WASM (Chromium worker) run %d: solve %.1f ms in the worker,"
                    + " %.1f ms round trip incl. worker start and wasm load%n", run, outcome.solveMs(), elapsedNs / 1e6);
            }
        }
    }
}
