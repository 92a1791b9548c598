package io.pitgun.sinks;

import io.pitgun.engine.OutputFollower;
import io.pitgun.engine.OutputFollowerProvider;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineSetting;
import io.pitgun.engine.TelemetryPipeline;

/** {@code output.postgres}: a {@link JournalSinkRunner} writing into a {@link PostgresSink}. A service provider. */
public final class PostgresFollowerProvider implements OutputFollowerProvider
{
    /** The sink's name ({@code pitgun-sink-postgres}, {@code sink="postgres"}). */
    public static final String NAME = "postgres";

    @Override
    public PipelineSetting setting()
    {
        return PipelineSetting.OUTPUT_POSTGRES;
    }

    @Override
    public OutputFollower start(final TelemetryPipeline pipeline, final PipelineConfig config)
    {
        final DatabaseSink.Factory factory = PostgresSink.factory(config.postgresUrl().orElseThrow()); // checks it first
        return JournalSinkRunner.start(NAME, pipeline.journal().orElseThrow(), pipeline.manifest(),
            pipeline.dictionary(), config, factory);
    }
}
