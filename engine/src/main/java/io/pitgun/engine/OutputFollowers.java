package io.pitgun.engine;

import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The outputs that follow a pipeline's journal ({@link OutputFollower}), started from its settings: the one way
 * they are started, by an embedded pipeline and by the gateway alike. Each setting's provider is found with
 * {@link ServiceLoader}; a setting that is set without its provider on the class path refuses the pipeline (a
 * setting that silently did nothing would lose the user's data), naming the artifact to add.
 *
 * <pre>
 *   setting            provider's artifact          follower
 *   output.parquet     io.pitgun:pitgun-storage     LiveParquetSink (journal frames, and derived frames)
 *   output.questdb     io.pitgun:pitgun-sinks-db    JournalSinkRunner + QuestDbSink
 *   output.postgres    io.pitgun:pitgun-sinks-db    JournalSinkRunner + PostgresSink
 * </pre>
 */
public final class OutputFollowers implements AutoCloseable
{
    /** Each follower setting and the artifact (module) that provides it, in the order they are started. */
    private static final Map<PipelineSetting, String> ARTIFACTS = new EnumMap<>(Map.of(
        PipelineSetting.OUTPUT_QUESTDB, "io.pitgun:pitgun-sinks-db (module sinks-db)",
        PipelineSetting.OUTPUT_POSTGRES, "io.pitgun:pitgun-sinks-db (module sinks-db)",
        PipelineSetting.OUTPUT_PARQUET, "io.pitgun:pitgun-storage (module storage)"));

    private static final OutputFollowers NONE = new OutputFollowers(List.of());

    private final List<OutputFollower> followers;

    private OutputFollowers(final List<OutputFollower> followers)
    {
        this.followers = followers;
    }

    /** No follower. */
    static OutputFollowers none()
    {
        return NONE;
    }

    /**
     * Starts a follower for every follower setting set in {@code config}, all or none: if one fails to start, those
     * started before it are closed.
     *
     * @param pipeline the pipeline whose journal they follow.
     * @param config   the settings naming the outputs (usually {@code pipeline.config()}).
     * @throws PipelineConfigException if a set output has no provider on the class path, or the pipeline has no
     *                                  journal; nothing is started then.
     */
    public static OutputFollowers start(final TelemetryPipeline pipeline, final PipelineConfig config)
    {
        final List<OutputFollowerProvider> providers = providers(config, pipeline.journal().isPresent());
        if (providers.isEmpty())
        {
            return NONE;
        }
        final List<OutputFollower> started = new ArrayList<>();
        try
        {
            for (final OutputFollowerProvider provider : providers)
            {
                started.add(provider.start(pipeline, config));
            }
        }
        catch (final RuntimeException | Error ex)
        {
            CloseHelper.quietCloseAll(started);
            throw ex;
        }
        return new OutputFollowers(Collections.unmodifiableList(started));
    }

    /**
     * The providers of the follower settings set in {@code config}, in start order.
     *
     * @param hasJournal whether the pipeline has a journal to follow.
     * @throws PipelineConfigException if a set output has no provider on the class path, or there is no journal.
     */
    static List<OutputFollowerProvider> providers(final PipelineConfig config, final boolean hasJournal)
    {
        final List<OutputFollowerProvider> providers = new ArrayList<>();
        List<OutputFollowerProvider> available = null;
        for (final Map.Entry<PipelineSetting, String> entry : ARTIFACTS.entrySet())
        {
            final PipelineSetting setting = entry.getKey();
            if (setting.get(config) == null)
            {
                continue;
            }
            if (!hasJournal)
            {
                throw new PipelineConfigException(setting.key(), setting.key() + ": follows the journal: the " +
                    "pipeline needs journal.directory");
            }
            if (available == null)
            {
                available = new ArrayList<>();
                ServiceLoader.load(OutputFollowerProvider.class).forEach(available::add);
            }
            providers.add(available.stream().filter(provider -> provider.setting() == setting).findFirst()
                .orElseThrow(() -> new PipelineConfigException(setting.key(), setting.key() + " is set, but no " +
                    "provider of it is on the class path: add the artifact " + entry.getValue() + " to the " +
                    "application (or leave " + setting.key() + " unset)")));
        }
        return providers;
    }

    /**
     * {@code builder} with every follower setting cleared: for a pipeline that runs the journal's messages again
     * (a replay, a follower's own pipeline), which is not the journal's writer and must not start its outputs.
     */
    public static PipelineConfig.Builder withoutFollowers(final PipelineConfig.Builder builder)
    {
        for (final PipelineSetting setting : ARTIFACTS.keySet())
        {
            setting.set(builder, null);
        }
        return builder;
    }

    /** The running followers, in start order. */
    public List<OutputFollower> followers()
    {
        return followers;
    }

    /** Stops every follower, last started first (before the journal they follow is closed). */
    @Override
    public void close()
    {
        final List<OutputFollower> reversed = new ArrayList<>(followers);
        Collections.reverse(reversed);
        CloseHelper.closeAll(reversed);
    }
}
