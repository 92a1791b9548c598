package io.pitgun.sinks;

import io.pitgun.engine.PipelineSetting;

/** {@code output.questdb}: a {@link JournalSinkRunner} writing into a {@link QuestDbSink}. A service provider. */
public final class QuestDbFollowerProvider extends JournalSinkProvider
{
    /** The sink's name ({@code pitgun-sink-questdb}, {@code sink="questdb"}). */
    public static final String NAME = "questdb";

    /** For {@link java.util.ServiceLoader}. */
    public QuestDbFollowerProvider()
    {
        super(NAME, PipelineSetting.OUTPUT_QUESTDB, config -> QuestDbSink.factory(config.questDb().orElseThrow()));
    }
}
