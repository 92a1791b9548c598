package io.pitgun.solver.browser;

import io.pitgun.solver.ParallelSolver;
import io.pitgun.solver.RaceStrategySolver;
import io.pitgun.testsupport.HeadlessChromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs fixed requests through the shipped page's Web Worker in headless Chromium (the TeaVM WebAssembly
 * build) and asserts the result documents equal the JVM's character for character. Every double is printed
 * as the shortest text that reads back to its bits, so equal text means bit-identical results.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WasmMatchesJvmTest
{
    private static final Path EXAMPLES = Path.of("../schemas/src/main/resources/examples/risk-analysis-request/v1");
    private static final Duration SOLVE_TIMEOUT = Duration.ofMinutes(2);

    private static WasmSolverRunner runner;

    @BeforeAll
    static void openBrowser() throws Exception
    {
        runner = WasmSolverRunner.open(HeadlessChromium.requireExecutable());
    }

    @AfterAll
    static void closeBrowser()
    {
        if (runner != null)
        {
            runner.close();
        }
    }

    @Test
    void shouldGiveBitIdenticalResultForGivenStrategies() throws Exception
    {
        assertWasmEqualsJvm(Files.readString(EXAMPLES.resolve("valid/wet-risk-given-strategies.json")));
    }

    @Test
    void shouldGiveBitIdenticalResultForEnumeratedStrategies() throws Exception
    {
        final String request = Files.readString(EXAMPLES.resolve("valid/dry-race-enumerated.json"))
            .replace("\"scenarios_count\": 10000", "\"scenarios_count\": 1500");
        assertTrue(request.contains("\"scenarios_count\": 1500"), "example request changed shape");
        assertWasmEqualsJvm(request);
    }

    @Test
    void shouldReportInvalidRequestWithItsPointer() throws Exception
    {
        final String request = Files.readString(EXAMPLES.resolve("valid/wet-risk-given-strategies.json"))
            .replace("\"pit_laps\": [\n        24\n      ]", "\"pit_laps\": [\n        99\n      ]");
        final WasmSolverRunner.WorkerOutcome outcome = runner.solve(request, SOLVE_TIMEOUT);
        assertNull(outcome.resultJson());
        assertEquals("/strategies/0/pit_laps/0: must be before the last lap (58)", outcome.error());
    }

    @Test
    void shouldRefuseALapOfNoTimeAsTheJvmDoes() throws Exception
    {
        final String request = Files.readString(EXAMPLES.resolve("valid/wet-risk-given-strategies.json"))
            .replace("\"pace_offset_s\": -0.65", "\"pace_offset_s\": -1000");
        final WasmSolverRunner.WorkerOutcome outcome = runner.solve(request, SOLVE_TIMEOUT);
        assertNull(outcome.resultJson());
        assertEquals("/base_config/tyre_compounds/0: a dry lap on it would take -915.5 s at best"
            + " (base_lap_time_s + pace_offset_s + dry_penalty_s); it must take more than 0 s", outcome.error());
    }

    private static void assertWasmEqualsJvm(final String request) throws Exception
    {
        final String jvm = RaceStrategySolver.solveStrategy(request);
        assertEquals(jvm, ParallelSolver.solve(request, 2), "JVM result depends on the thread count");
        final WasmSolverRunner.WorkerOutcome outcome = runner.solve(request, SOLVE_TIMEOUT);
        assertNull(outcome.error(), "worker reported an error");
        assertNotNull(outcome.resultJson());
        assertTrue(outcome.progressMessages() >= 2, "worker should report progress per chunk");
        assertEquals(jvm, outcome.resultJson());
    }
}
