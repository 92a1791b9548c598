package io.pitgun.sinks;

import io.pitgun.engine.PipelineSetting;

/** {@code output.postgres}: a {@link JournalSinkRunner} writing into a {@link PostgresSink}. A service provider. */
public final class PostgresFollowerProvider extends JournalSinkProvider
{
    /** The sink's name ({@code pitgun-sink-postgres}, {@code sink="postgres"}). */
    public static final String NAME = "postgres";

    /** For {@link java.util.ServiceLoader}. */
    public PostgresFollowerProvider()
    {
        super(NAME, PipelineSetting.OUTPUT_POSTGRES, config -> PostgresSink.factory(config.postgresUrl().orElseThrow()));
    }
}
