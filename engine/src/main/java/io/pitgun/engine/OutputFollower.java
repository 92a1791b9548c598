package io.pitgun.engine;

/**
 * An output that follows a pipeline's journal on a thread of its own rather than receiving the pipeline's output:
 * the live Parquet files ({@code output.parquet}), QuestDB ({@code output.questdb}), PostgreSQL
 * ({@code output.postgres}). Reading what is already journaled, it never slows ingestion and loses nothing that was
 * acknowledged; it only falls behind. A {@link TelemetryPipeline} starts one for each of those settings that is set
 * (through an {@link OutputFollowerProvider}) and closes it when it closes.
 */
public interface OutputFollower extends AutoCloseable
{
    /** The follower's name: {@code parquet}, {@code questdb} or {@code postgres} (its thread, logs and counters). */
    String name();

    /**
     * Stops following and waits (bounded) for its thread. Called before the journal it follows is closed; what it
     * has not written by then is written at its next start, from the journal.
     */
    @Override
    void close();
}
