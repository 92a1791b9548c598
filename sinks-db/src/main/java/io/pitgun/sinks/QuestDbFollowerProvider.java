package io.pitgun.sinks;

import io.pitgun.engine.OutputFollower;
import io.pitgun.engine.OutputFollowerProvider;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineSetting;
import io.pitgun.engine.TelemetryPipeline;

/** {@code output.questdb}: a {@link JournalSinkRunner} writing into a {@link QuestDbSink}. A service provider. */
public final class QuestDbFollowerProvider implements OutputFollowerProvider
{
    /** The sink's name ({@code pitgun-sink-questdb}, {@code sink="questdb"}). */
    public static final String NAME = "questdb";

    @Override
    public PipelineSetting setting()
    {
        return PipelineSetting.OUTPUT_QUESTDB;
    }

    @Override
    public OutputFollower start(final TelemetryPipeline pipeline, final PipelineConfig config)
    {
        final DatabaseSink.Factory factory = QuestDbSink.factory(config.questDb().orElseThrow()); // checks it first
        return JournalSinkRunner.start(NAME, pipeline.journal().orElseThrow(), pipeline.manifest(),
            pipeline.dictionary(), config, factory);
    }
}
