package io.pitgun.storage;

import io.pitgun.engine.OutputFollower;
import io.pitgun.engine.OutputFollowerProvider;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineSetting;
import io.pitgun.engine.TelemetryPipeline;

/**
 * {@code output.parquet}: a {@link LiveParquetSink} with the export's rotation, writing the journal's frames and the
 * derived frames of the pipeline's manifest. A service provider.
 */
public final class ParquetFollowerProvider implements OutputFollowerProvider
{
    @Override
    public PipelineSetting setting()
    {
        return PipelineSetting.OUTPUT_PARQUET;
    }

    @Override
    public OutputFollower start(final TelemetryPipeline pipeline, final PipelineConfig config)
    {
        return LiveParquetSink.start(pipeline.journal().orElseThrow(), pipeline.dictionary(), pipeline.manifest(),
            config, config.parquetDirectory().orElseThrow(), FileRotation.defaults(),
            LiveParquetSink.DEFAULT_IDLE_CLOSE_NS);
    }
}
