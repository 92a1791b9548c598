package io.pitgun.sinks;

import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.journal.Journal;
import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.List;

/**
 * The database sinks a pipeline's settings switch on ({@code output.questdb}, {@code output.postgres}), each a
 * {@link JournalSinkRunner} following the pipeline's journal with the pipeline's manifest and dictionary.
 */
public final class DatabaseSinks implements AutoCloseable
{
    private final List<JournalSinkRunner> runners;

    private DatabaseSinks(final List<JournalSinkRunner> runners)
    {
        this.runners = runners;
    }

    /**
     * Starts a runner per configured sink (none when neither is set).
     *
     * @param pipeline a journaled pipeline: its journal is followed, its manifest and dictionary run again.
     * @param config   its settings, with the sinks' ({@code output.questdb}, {@code output.postgres}).
     * @throws IllegalArgumentException if a sink's setting is malformed (checked before any thread starts).
     */
    public static DatabaseSinks start(final TelemetryPipeline pipeline, final PipelineConfig config)
    {
        final List<JournalSinkRunner> runners = new ArrayList<>();
        final Journal journal = pipeline.journal().orElse(null);
        if (journal == null && (config.questDb().isPresent() || config.postgresUrl().isPresent()))
        {
            throw new IllegalArgumentException("output.questdb and output.postgres follow the journal: the pipeline " +
                "needs journal.directory");
        }
        final DatabaseSink.Factory questDb = config.questDb().map(QuestDbSink::factory).orElse(null);
        final DatabaseSink.Factory postgres = config.postgresUrl().map(PostgresSink::factory).orElse(null);
        if (questDb != null)
        {
            runners.add(JournalSinkRunner.start("questdb", journal, pipeline.manifest(), pipeline.dictionary(),
                config, questDb));
        }
        if (postgres != null)
        {
            runners.add(JournalSinkRunner.start("postgres", journal, pipeline.manifest(), pipeline.dictionary(),
                config, postgres));
        }
        return new DatabaseSinks(runners);
    }

    /** The counters of every running sink. */
    public List<SinkCounters> counters()
    {
        final List<SinkCounters> counters = new ArrayList<>();
        for (final JournalSinkRunner runner : runners)
        {
            counters.add(runner.counters());
        }
        return counters;
    }

    /** True when no sink is configured. */
    public boolean isEmpty()
    {
        return runners.isEmpty();
    }

    /** Stops every runner (before the journal they follow is closed). */
    @Override
    public void close()
    {
        CloseHelper.closeAll(runners);
    }
}
