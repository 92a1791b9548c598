package io.pitgun.engine;

/**
 * The latencies the pipeline records, from a frame's publish ({@code System.nanoTime()} at commit) to a stage.
 */
public enum LatencyStage
{
    /** Publish → appended to the journal (recorded by the journal thread). */
    PUBLISH_TO_JOURNALED("pitgun_publish_to_journaled_ns"),
    /** Publish → manifest, segment and sinks done (recorded by the processing thread). */
    PUBLISH_TO_PROCESSED("pitgun_publish_to_processed_ns");

    private final String metricName;

    LatencyStage(final String metricName)
    {
        this.metricName = metricName;
    }

    /** The tag of this stage's intervals in {@code .hlog} interval logs, e.g. {@code publish_to_journaled}. */
    public String logTag()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Prometheus-style metric name. */
    public String metricName()
    {
        return metricName;
    }
}
