package io.pitgun.engine;

/**
 * A pipeline configuration value is missing, malformed or out of range. The message starts with the key (and, for
 * YAML, the file, line and column), e.g. {@code pipeline.yaml:3:19: channel_capacity: must be a power of two}.
 */
public final class PipelineConfigException extends IllegalArgumentException
{
    private final String key;

    /**
     * @param key     the configuration key at fault, e.g. {@code channel_capacity} or {@code journal.roll_cycle}.
     * @param message the full message, naming the key.
     */
    public PipelineConfigException(final String key, final String message)
    {
        super(message);
        this.key = key;
    }

    /** The configuration key at fault. */
    public String key()
    {
        return key;
    }
}
