package io.pitgun.perf.paced;

import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineSetting;
import io.pitgun.engine.WaitStrategyKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * One pipeline configuration the paced benchmark measures: a name, the wait strategy of its stage threads and any
 * other settings. {@link #all()} is the one list of them.
 *
 * @param name           as the table prints it, e.g. {@code wait_strategy=sleeping}.
 * @param waitStrategy   how its stage threads wait ({@link WaitStrategyKind#BUSY_SPIN} never gives a core away).
 * @param settings       anything else it changes on top of the benchmark pipeline's settings (identity for none).
 * @param latencyProfile whether #15's latency-profile targets are judged on it.
 */
public record PacedConfiguration(String name, WaitStrategyKind waitStrategy,
    UnaryOperator<PipelineConfig.Builder> settings, boolean latencyProfile)
{
    /**
     * The configurations of a run, in the order they run. Every wait strategy with nothing else changed; a profile
     * (say the {@code latency} one) is one more line here, with {@code latencyProfile} true.
     */
    public static List<PacedConfiguration> all()
    {
        final List<PacedConfiguration> all = new ArrayList<>();
        for (final WaitStrategyKind kind : WaitStrategyKind.values())
        {
            all.add(new PacedConfiguration("wait_strategy=" + kind.symbol(), kind, UnaryOperator.identity(), false));
        }
        all.add(new PacedConfiguration("profile=latency", WaitStrategyKind.BUSY_SPIN,
            PipelineConfig.Builder::latencyProfile, true));
        return List.copyOf(all);
    }

    /** The settings a pipeline gets when nothing is configured: the default wait strategy, no profile. */
    public boolean isDefault()
    {
        return !latencyProfile && waitStrategy == PipelineSetting.WAIT_STRATEGY.defaultValue();
    }

    /** Whether its stage threads spin on a core while idle (they then need a core each, with the producer). */
    public boolean spinsWhenIdle()
    {
        return waitStrategy == WaitStrategyKind.BUSY_SPIN;
    }

    /** Applies this configuration to the benchmark pipeline's builder. */
    public PipelineConfig.Builder apply(final PipelineConfig.Builder builder)
    {
        return settings.apply(builder.waitStrategy(waitStrategy));
    }

    /** The name as a file name part, e.g. {@code wait-strategy-sleeping}. */
    public String slug()
    {
        return slug(name);
    }

    static String slug(final String name)
    {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }
}
