package io.pitgun.solver;

import io.pitgun.solver.json.JsonWriter;

/** Writes a {@link SimulationResult} as a {@code simulation-result/v1} document. */
public final class SimulationResultWriter
{
    private SimulationResultWriter()
    {
    }

    /** The document text; identical on the JVM and in WebAssembly for the same result. */
    public static String toJson(final SimulationResult result)
    {
        final JsonWriter w = new JsonWriter();
        w.beginObject();
        w.name("seed").value(result.seed());
        w.name("scenarios_count").value(result.scenariosCount());
        w.name("laps").value(result.laps());
        w.name("average_total_time").value(result.averageTotalTimeS());
        w.name("success_probability").value(result.successProbability());
        w.name("tire_failure_rate").value(result.tireFailureRate());
        w.name("recommended_strategy").value(result.recommendedStrategy());

        w.name("strategies_histogram").beginArray();
        for (final SimulationResult.HistogramEntry entry : result.histogram())
        {
            w.beginObject();
            w.name("strategy").value(entry.strategy());
            w.name("wins").value(entry.wins());
            w.name("share").value(entry.share());
            w.endObject();
        }
        w.endArray();

        final SimulationResult.TimeDistribution distribution = result.distribution();
        w.name("total_time_distribution").beginObject();
        w.name("strategy").value(distribution.strategy());
        w.name("min_total_time").value(distribution.minTotalTimeS());
        w.name("bin_width").value(distribution.binWidthS());
        w.name("counts").beginInlineArray();
        for (final long count : distribution.counts())
        {
            w.value(count);
        }
        w.endArray();
        w.endObject();

        w.name("strategies").beginArray();
        for (final StrategyStatistics s : result.strategies())
        {
            w.beginObject();
            w.name("name").value(s.name());
            w.name("compounds").beginInlineArray();
            for (final String compound : s.compounds())
            {
                w.value(compound);
            }
            w.endArray();
            w.name("pit_laps").beginInlineArray();
            for (final int lap : s.pitLaps())
            {
                w.value(lap);
            }
            w.endArray();
            w.name("mean_total_time").value(s.meanTotalTimeS());
            w.name("p50_total_time").value(s.p50TotalTimeS());
            w.name("p90_total_time").value(s.p90TotalTimeS());
            w.name("p99_total_time").value(s.p99TotalTimeS());
            w.name("success_probability").value(s.successProbability());
            w.name("tyre_failures").value(s.tyreFailures());
            w.name("wins").value(s.wins());
            w.endObject();
        }
        w.endArray();
        w.endObject();
        return w.toJson();
    }
}
