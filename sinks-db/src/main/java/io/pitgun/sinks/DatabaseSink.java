package io.pitgun.sinks;

import io.pitgun.engine.OutputSink;

/**
 * An {@link OutputSink} that writes to a database, opened for one connection by a {@link JournalSinkRunner}. A
 * write that fails is not retried here: the sink records it, writes nothing more, and the runner reconnects (with
 * back-off) and runs the journal again, where the database's keys make what was written before count once.
 */
public interface DatabaseSink extends OutputSink
{
    /** The first failure, or null while every write succeeded. */
    Throwable failure();

    /** True when the database has accepted everything this sink received (nothing buffered, nothing in flight). */
    boolean isFlushed();

    /** Opens a sink for one connection: connects, creates or migrates the schema, reads the resume point. */
    @FunctionalInterface
    interface Factory
    {
        /**
         * @param names    channel names by id (the dictionary's and the manifest's derived channels).
         * @param counters the sink's counters.
         * @throws Exception when the database cannot be reached or refuses the schema: the runner retries.
         */
        DatabaseSink open(ChannelNames names, SinkCounters counters) throws Exception;
    }
}
