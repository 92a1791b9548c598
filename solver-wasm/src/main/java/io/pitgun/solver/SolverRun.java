package io.pitgun.solver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One solve in progress: the model, every scenario's total time per strategy, and the reduction to a
 * {@link SimulationResult}. Scenarios may be simulated in any order and by any number of
 * {@link ScenarioEvaluator}s (each writes only its own scenarios' slots); the reduction always runs in
 * scenario order, so the result depends on the request alone.
 */
public final class SolverRun
{
    private static final int DISTRIBUTION_BINS = 40;

    private final RiskAnalysisRequest request;
    private final RaceModel model;
    private final double[] totalsS;
    /** Tyre failures per scenario and strategy (up to one a lap: more than a byte holds). */
    private final short[] failures;
    private final ScenarioEvaluator sequentialEvaluator;
    private int nextScenario;

    public SolverRun(final RiskAnalysisRequest request)
    {
        this.request = request;
        this.model = new RaceModel(request);
        final int slots = request.scenariosCount() * request.strategies().size();
        this.totalsS = new double[slots];
        this.failures = new short[slots];
        this.sequentialEvaluator = new ScenarioEvaluator(model);
    }

    public RiskAnalysisRequest request()
    {
        return request;
    }

    /** Scenarios simulated so far by {@link #runNext}. */
    public int scenariosDone()
    {
        return nextScenario;
    }

    /**
     * Simulates up to {@code maxScenarios} more scenarios on the calling thread; returns how many scenarios
     * are done in total. Lets a single-threaded caller (the Web Worker) report progress between chunks.
     */
    public int runNext(final int maxScenarios)
    {
        final int end = (int)Math.min((long)nextScenario + maxScenarios, request.scenariosCount());
        runRange(sequentialEvaluator, nextScenario, end);
        nextScenario = end;
        return nextScenario;
    }

    /** A new evaluator for another thread (each thread needs its own scratch space). */
    ScenarioEvaluator newEvaluator()
    {
        return new ScenarioEvaluator(model);
    }

    /** Simulates scenarios {@code [from, to)} with {@code evaluator}. */
    void runRange(final ScenarioEvaluator evaluator, final int from, final int to)
    {
        final long seed = request.seed();
        for (int scenario = from; scenario < to; scenario++)
        {
            evaluator.evaluate(seed, scenario, totalsS, failures);
        }
    }

    /** Marks every scenario done (after {@link #runRange} covered them all, e.g. on several threads). */
    void markAllDone()
    {
        nextScenario = request.scenariosCount();
    }

    /** Reduces the stored totals; every scenario must have been simulated. */
    public SimulationResult result()
    {
        final long[] wins = wins();
        final double[] column = new double[request.scenariosCount()];
        final StrategyStatistics[] statistics = new StrategyStatistics[model.strategies.length];
        for (int s = 0; s < statistics.length; s++)
        {
            statistics[s] = statistics(s, wins, column);
        }
        return assemble(statistics, wins);
    }

    /** Number of candidate strategies. */
    int strategyCount()
    {
        return model.strategies.length;
    }

    /** For each strategy, the scenarios in which it was fastest (ties go to the earlier strategy). */
    long[] wins()
    {
        final int scenarios = request.scenariosCount();
        if (nextScenario != scenarios)
        {
            throw new IllegalStateException(nextScenario + " of " + scenarios + " scenarios simulated");
        }
        final int count = model.strategies.length;
        final long[] wins = new long[count];
        for (int n = 0; n < scenarios; n++)
        {
            final int base = n * count;
            int best = 0;
            double bestTime = totalsS[base];
            for (int s = 1; s < count; s++)
            {
                if (totalsS[base + s] < bestTime)
                {
                    bestTime = totalsS[base + s];
                    best = s;
                }
            }
            wins[best]++;
        }
        return wins;
    }

    /**
     * Statistics of strategy {@code s}, summed in scenario order. Independent of every other strategy, so
     * callers may compute strategies on different threads; {@code column} is scratch of one per scenario.
     */
    StrategyStatistics statistics(final int s, final long[] wins, final double[] column)
    {
        final int scenarios = request.scenariosCount();
        final int count = model.strategies.length;
        double sum = 0.0;
        long failedScenarios = 0;
        long failureEvents = 0;
        for (int n = 0; n < scenarios; n++)
        {
            final double total = totalsS[n * count + s];
            column[n] = total;
            sum += total;
            final int failed = failures[n * count + s];
            if (failed > 0)
            {
                failedScenarios++;
                failureEvents += failed;
            }
        }
        final int k99 = nearestRankIndex(990, scenarios);
        final int k90 = nearestRankIndex(900, scenarios);
        final int k50 = nearestRankIndex(500, scenarios);
        final double p99 = Selection.select(column, 0, scenarios - 1, k99);
        final double p90 = Selection.select(column, 0, k99, k90);
        final double p50 = Selection.select(column, 0, k90, k50);
        final Strategy strategy = model.strategies[s];
        return new StrategyStatistics(
            strategy.name(), compoundNames(strategy), pitLaps(strategy),
            sum / scenarios, p50, p90, p99,
            (double)(scenarios - failedScenarios) / scenarios, failureEvents, wins[s]);
    }

    /** The result from every strategy's statistics: recommendation, histogram and distribution. */
    SimulationResult assemble(final StrategyStatistics[] statistics, final long[] wins)
    {
        final int scenarios = request.scenariosCount();
        int recommended = 0;
        for (int s = 1; s < statistics.length; s++)
        {
            if (statistics[s].meanTotalTimeS() < statistics[recommended].meanTotalTimeS())
            {
                recommended = s;
            }
        }
        final StrategyStatistics best = statistics[recommended];
        final double tireFailureRate =
            (double)best.tyreFailures() / ((double)scenarios * model.strategies[recommended].stintCount());
        return new SimulationResult(
            request.seed(), scenarios, request.laps(),
            best.meanTotalTimeS(), best.successProbability(), tireFailureRate, best.name(),
            Collections.unmodifiableList(Arrays.asList(statistics.clone())), histogram(wins, scenarios),
            distribution(recommended));
    }

    private List<SimulationResult.HistogramEntry> histogram(final long[] wins, final int scenarios)
    {
        final List<SimulationResult.HistogramEntry> entries = new ArrayList<>();
        final boolean[] taken = new boolean[wins.length];
        while (true)
        {
            int next = -1;
            for (int s = 0; s < wins.length; s++)
            {
                if (!taken[s] && wins[s] > 0 && (next < 0 || wins[s] > wins[next]))
                {
                    next = s;
                }
            }
            if (next < 0)
            {
                return Collections.unmodifiableList(entries);
            }
            taken[next] = true;
            entries.add(new SimulationResult.HistogramEntry(
                model.strategies[next].name(), wins[next], (double)wins[next] / scenarios));
        }
    }

    private SimulationResult.TimeDistribution distribution(final int strategy)
    {
        final int scenarios = request.scenariosCount();
        final int count = model.strategies.length;
        double min = totalsS[strategy];
        double max = min;
        for (int n = 1; n < scenarios; n++)
        {
            final double total = totalsS[n * count + strategy];
            min = total < min ? total : min;
            max = total > max ? total : max;
        }
        final double width = (max - min) / DISTRIBUTION_BINS;
        final long[] bins = new long[width > 0 ? DISTRIBUTION_BINS : 1];
        for (int n = 0; n < scenarios; n++)
        {
            int bin = width > 0 ? (int)((totalsS[n * count + strategy] - min) / width) : 0;
            if (bin >= bins.length)
            {
                bin = bins.length - 1;
            }
            bins[bin]++;
        }
        final List<Long> counts = new ArrayList<>();
        for (final long bin : bins)
        {
            counts.add(bin);
        }
        return new SimulationResult.TimeDistribution(
            model.strategies[strategy].name(), min, width, Collections.unmodifiableList(counts));
    }

    /** Zero-based index of the nearest-rank percentile {@code permille / 10} of {@code n} values. */
    private static int nearestRankIndex(final int permille, final int n)
    {
        final long rank = ((long)permille * n + 999) / 1000;
        return (int)Math.max(0, rank - 1);
    }

    private List<String> compoundNames(final Strategy strategy)
    {
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < strategy.stintCount(); i++)
        {
            names.add(request.config().compounds().get(strategy.compound(i)).name());
        }
        return Collections.unmodifiableList(names);
    }

    private static List<Integer> pitLaps(final Strategy strategy)
    {
        final List<Integer> laps = new ArrayList<>();
        for (int i = 0; i < strategy.stopCount(); i++)
        {
            laps.add(strategy.pitLap(i));
        }
        return Collections.unmodifiableList(laps);
    }
}
