package io.pitgun.perf;

import io.pitgun.solver.ParallelSolver;
import io.pitgun.solver.RequestReader;
import io.pitgun.solver.RiskAnalysisRequest;
import io.pitgun.solver.SimulationResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The race-strategy solver on the shipped 10,000-scenario × 58-lap example (252 enumerated strategies),
 * on one thread and on two: one whole solve per operation (scenarios, reduction; the request is parsed
 * once in setup). The WebAssembly figure for the same request comes from {@code SolverBenchmarkRun} in
 * solver-wasm, which drives headless Chromium.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SolverBenchmark
{
    private static final String REQUEST = "examples/risk-analysis-request/v1/valid/dry-race-enumerated.json";

    @Param({"1", "2"})
    int threads;

    private RiskAnalysisRequest request;

    @Setup
    public void setUp() throws IOException
    {
        try (InputStream in = SolverBenchmark.class.getClassLoader().getResourceAsStream(REQUEST))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing class-path resource " + REQUEST);
            }
            request = RequestReader.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Benchmark
    public SimulationResult solve()
    {
        return ParallelSolver.solve(request, threads);
    }
}
