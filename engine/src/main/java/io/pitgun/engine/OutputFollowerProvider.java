package io.pitgun.engine;

/**
 * Starts the {@link OutputFollower} of one pipeline setting. A service provider ({@link java.util.ServiceLoader}):
 * the module that implements the output registers it in
 * {@code META-INF/services/io.pitgun.engine.OutputFollowerProvider}, so that the engine, which does not depend on
 * those modules, starts the outputs of whatever is on the class path and refuses to build a pipeline whose setting
 * has no provider there ({@link OutputFollowers}).
 */
public interface OutputFollowerProvider
{
    /** The setting that switches the output on: {@link PipelineSetting#OUTPUT_PARQUET}, ... */
    PipelineSetting setting();

    /**
     * Starts following {@code pipeline}'s journal.
     *
     * @param pipeline a pipeline with a journal, which outlives the follower: its manifest and dictionary name the
     *                 output's columns (and run again where the output needs derived frames or insights).
     * @param config   settings with this provider's {@link #setting()} set: the pipeline's own, or (a test, a
     *                 benchmark) the pipeline's with an output it was not built with.
     * @throws IllegalArgumentException if the setting's value cannot be used (checked before any thread starts).
     */
    OutputFollower start(TelemetryPipeline pipeline, PipelineConfig config);
}
