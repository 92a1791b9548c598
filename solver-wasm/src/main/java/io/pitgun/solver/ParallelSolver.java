package io.pitgun.solver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * JVM-only driver that simulates a request's scenarios on several threads. Threads claim fixed chunks
 * of consecutive scenarios; every scenario has its own random stream and its own result slots, and the
 * reduction runs after all threads have joined, in scenario order, so the result is identical for any
 * thread count (and identical to the WebAssembly build). Not reachable from the WebAssembly entry point.
 */
public final class ParallelSolver
{
    /** Scenarios claimed at a time: big enough to amortise the claim, small enough to balance threads. */
    static final int CHUNK_SCENARIOS = 64;

    private ParallelSolver()
    {
    }

    /** Solves {@code requestJson} on {@code threads} threads and returns the result document. */
    public static String solve(final String requestJson, final int threads)
    {
        return SimulationResultWriter.toJson(solve(RequestReader.read(requestJson), threads));
    }

    /** Solves a parsed request on {@code threads} threads (at least 1). */
    public static SimulationResult solve(final RiskAnalysisRequest request, final int threads)
    {
        if (threads < 1)
        {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        final SolverRun run = new SolverRun(request);
        if (threads == 1)
        {
            run.runNext(Integer.MAX_VALUE);
            return run.result();
        }
        final int scenarios = request.scenariosCount();
        final AtomicInteger nextChunk = new AtomicInteger();
        runOnThreads(threads, t ->
        {
            final ScenarioEvaluator evaluator = run.newEvaluator();
            while (true)
            {
                final long from = (long)nextChunk.getAndIncrement() * CHUNK_SCENARIOS;
                if (from >= scenarios)
                {
                    return;
                }
                run.runRange(evaluator, (int)from, (int)Math.min(from + CHUNK_SCENARIOS, scenarios));
            }
        });
        run.markAllDone();

        // Each strategy's statistics only read the (now complete) totals, so they may run in parallel too.
        final long[] wins = run.wins();
        final StrategyStatistics[] statistics = new StrategyStatistics[run.strategyCount()];
        runOnThreads(threads, t ->
        {
            final double[] column = new double[scenarios];
            for (int s = t; s < statistics.length; s += threads)
            {
                statistics[s] = run.statistics(s, wins, column);
            }
        });
        return run.assemble(statistics, wins);
    }

    /** Runs {@code task(0..threads-1)} on that many threads and waits; join() publishes their writes. */
    private static void runOnThreads(final int threads, final IntConsumer task)
    {
        final List<Thread> workers = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int index = t;
            final Thread worker = new Thread(() -> task.accept(index), "pitgun-solver-" + t);
            worker.setUncaughtExceptionHandler((thread, error) ->
            {
                synchronized (failures)
                {
                    failures.add(error);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (final Thread worker : workers)
        {
            try
            {
                worker.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while solving", ex);
            }
        }
        synchronized (failures)
        {
            if (!failures.isEmpty())
            {
                throw new IllegalStateException("solver thread failed", failures.get(0));
            }
        }
    }
}
