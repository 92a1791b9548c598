package io.pitgun.sinks;

import io.pitgun.engine.OutputFollower;
import io.pitgun.engine.OutputFollowerProvider;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineSetting;
import io.pitgun.engine.TelemetryPipeline;

import java.util.function.Function;

/**
 * An output setting served by a {@link JournalSinkRunner} into a database sink: what the QuestDB and PostgreSQL
 * providers share (each names its sink, its setting and how the setting opens the sink).
 */
abstract class JournalSinkProvider implements OutputFollowerProvider
{
    private final String name;
    private final PipelineSetting setting;
    private final Function<PipelineConfig, DatabaseSink.Factory> factory;

    JournalSinkProvider(final String name, final PipelineSetting setting,
        final Function<PipelineConfig, DatabaseSink.Factory> factory)
    {
        this.name = name;
        this.setting = setting;
        this.factory = factory;
    }

    @Override
    public final PipelineSetting setting()
    {
        return setting;
    }

    @Override
    public final OutputFollower start(final TelemetryPipeline pipeline, final PipelineConfig config)
    {
        final DatabaseSink.Factory opener = factory.apply(config); // checks the setting's value first
        return JournalSinkRunner.start(name, pipeline.journal().orElseThrow(), pipeline.manifest(),
            pipeline.dictionary(), config, opener);
    }
}
