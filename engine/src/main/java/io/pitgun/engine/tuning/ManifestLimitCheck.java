package io.pitgun.engine.tuning;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.AggregateSpec;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannelSpec;
import io.pitgun.manifest.PipelineManifest;
import io.pitgun.manifest.Stage;
import io.pitgun.manifest.formula.FormulaException;
import io.pitgun.manifest.formula.Parser;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.formula.Syntax;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a compiled manifest keeps within a tuning policy; checked when a pipeline is built, so a gateway with a
 * manifest the policy forbids never starts. The rules:
 * <ul>
 *   <li>{@code manifest_limits}: at most {@code max_stages} stages, {@code max_derived_channels} derived channels,
 *       {@code max_expression_length} characters and {@code max_expression_depth} levels of nesting in any formula
 *       (a derived channel's {@code expr} or a filter's {@code where}), and no dictionary channel read (by a formula,
 *       a filter or a segment aggregate) whose access level is above {@code max_access};</li>
 *   <li>a {@code limits.channels} entry that names no dictionary channel must name a channel the manifest
 *       derives, and that channel must declare a {@code range} within the limit (the manifest states what its
 *       output can be; an output that may exceed a limit, or says nothing, is refused), and its formula must not
 *       be able to leave the limit over the ranges of what it reads ({@link FormulaRange}; where no bound can be
 *       shown, the declared range decides). Derived values are not checked again at run time.</li>
 * </ul>
 */
public final class ManifestLimitCheck
{
    private ManifestLimitCheck()
    {
    }

    /**
     * Checks {@code manifest} against {@code policy}.
     *
     * @throws TuningPolicyException naming the manifest file, line and column, and the policy limit, of every
     *                               violation.
     */
    public static void check(final TuningPolicy policy, final CompiledManifest manifest)
    {
        final List<String> problems = new ArrayList<>();
        final PipelineManifest source = manifest.manifest();
        final ManifestLimits limits = policy.manifestLimits();
        final String by = " (tuning policy " + policy.name() + ", " + policy.source() + ")";
        if (limits.maxStages() != null && source.stages().size() > limits.maxStages())
        {
            problems.add(where(source, "/pipeline") + ": " + source.stages().size() + " stages, above " +
                "manifest_limits.max_stages " + limits.maxStages() + by);
        }
        if (limits.maxDerivedChannels() != null && manifest.derivedChannels().size() > limits.maxDerivedChannels())
        {
            problems.add(where(source, "/pipeline") + ": " + manifest.derivedChannels().size() + " derived " +
                "channels, above manifest_limits.max_derived_channels " + limits.maxDerivedChannels() + by);
        }
        final List<DerivedChannelSpec> derived = new ArrayList<>();
        for (final Stage stage : source.stages())
        {
            if (stage instanceof Stage.Formula)
            {
                for (final DerivedChannelSpec spec : ((Stage.Formula)stage).derivedChannels())
                {
                    derived.add(spec);
                    expression(source, spec.pointer() + "/expr", spec.expr(), limits, by, problems);
                }
            }
            else if (stage instanceof Stage.Filter && ((Stage.Filter)stage).where() != null)
            {
                expression(source, stage.pointer() + "/where", ((Stage.Filter)stage).where(), limits, by, problems);
            }
        }
        if (limits.maxAccess() != null)
        {
            access(manifest, limits.maxAccess(), by, problems);
        }
        final FormulaRange.Interval[] ranges = policy.derivedLimits().isEmpty() ? null : formulaRanges(policy, manifest);
        for (final DerivedChannelLimit limit : policy.derivedLimits())
        {
            derivedChannel(source, manifest, derived, ranges, limit, problems);
        }
        if (!problems.isEmpty())
        {
            throw new TuningPolicyException(problems);
        }
    }

    private static void expression(final PipelineManifest source, final String pointer, final String text,
        final ManifestLimits limits, final String by, final List<String> problems)
    {
        if (limits.maxExpressionLength() != null && text.length() > limits.maxExpressionLength())
        {
            problems.add(where(source, pointer) + ": the formula has " + text.length() + " characters, above " +
                "manifest_limits.max_expression_length " + limits.maxExpressionLength() + by);
        }
        if (limits.maxExpressionDepth() != null)
        {
            try
            {
                final int depth = depth(Parser.parse(text));
                if (depth > limits.maxExpressionDepth())
                {
                    problems.add(where(source, pointer) + ": the formula nests " + depth + " deep, above " +
                        "manifest_limits.max_expression_depth " + limits.maxExpressionDepth() + by);
                }
            }
            catch (final FormulaException ex)
            {
                // Compiled already, so it parses; should it not, the compiler's own message is the one to read.
                problems.add(where(source, pointer) + ": " + ex.getMessage());
            }
        }
    }

    /** Depth of a syntax tree: a name or literal is 1, each operator or call adds one. */
    static int depth(final Syntax node)
    {
        if (node instanceof Syntax.Unary)
        {
            return 1 + depth(((Syntax.Unary)node).operand());
        }
        if (node instanceof Syntax.Binary)
        {
            final Syntax.Binary binary = (Syntax.Binary)node;
            return 1 + Math.max(depth(binary.left()), depth(binary.right()));
        }
        if (node instanceof Syntax.Conditional)
        {
            final Syntax.Conditional conditional = (Syntax.Conditional)node;
            return 1 + Math.max(depth(conditional.condition()), Math.max(depth(conditional.whenTrue()),
                depth(conditional.whenFalse())));
        }
        if (node instanceof Syntax.Call)
        {
            int deepest = 0;
            for (final Syntax argument : ((Syntax.Call)node).arguments())
            {
                deepest = Math.max(deepest, depth(argument));
            }
            return 1 + deepest;
        }
        return 1;
    }

    private static void access(final CompiledManifest manifest, final AccessLevel maxAccess, final String by,
        final List<String> problems)
    {
        final ParameterRegistry registry = manifest.registry();
        final Set<String> read = new LinkedHashSet<>();
        for (final ProgramPlan.Input input : manifest.inputs())
        {
            read.add(input.name());
        }
        for (final Stage.Segment segment : manifest.segments())
        {
            for (final AggregateSpec aggregate : segment.aggregates())
            {
                read.add(aggregate.channel());
            }
        }
        for (final String channel : read)
        {
            final ParameterDefinition definition = registry.byName(channel);
            if (definition != null && definition.access().compareTo(maxAccess) > 0)
            {
                final String level = definition.access().symbol();
                problems.add(manifest.manifest().document().path() + ": reads " + channel + ", " +
                    (level.startsWith("i") ? "an " : "a ") + level + " channel, above manifest_limits.max_access " +
                    maxAccess.symbol() + by);
            }
        }
    }

    /**
     * The values each derived channel's formula can take, in execution order, each read of a dictionary channel
     * ranging over the dictionary's range tightened by the policy's reject limits (frames outside those never
     * arrive); flag limits let values through, so they do not narrow it.
     */
    private static FormulaRange.Interval[] formulaRanges(final TuningPolicy policy, final CompiledManifest manifest)
    {
        final ParameterRegistry registry = manifest.registry();
        final ChannelLimitTable table = policy.table();
        final FormulaRange.Interval[] ranges = new FormulaRange.Interval[manifest.derivedChannels().size()];
        final FormulaRange range = new FormulaRange(name ->
        {
            final ParameterDefinition channel = registry.byName(name);
            return channel == null ? FormulaRange.Interval.UNBOUNDED : FormulaRange.Interval.of(
                Math.max(channel.min(), table.rejectMin(channel.id())),
                Math.min(channel.max(), table.rejectMax(channel.id())));
        }, index -> index < ranges.length && ranges[index] != null ? ranges[index] : FormulaRange.Interval.UNBOUNDED);
        for (final ProgramPlan.Step step : manifest.plan().steps())
        {
            if (step instanceof ProgramPlan.Derive)
            {
                final ProgramPlan.Derive derive = (ProgramPlan.Derive)step;
                ranges[derive.derivedIndex()] = range.of(derive.expr());
            }
        }
        return ranges;
    }

    private static void derivedChannel(final PipelineManifest source, final CompiledManifest manifest,
        final List<DerivedChannelSpec> derived, final FormulaRange.Interval[] ranges, final DerivedChannelLimit limit,
        final List<String> problems)
    {
        final ParameterRegistry registry = manifest.registry();
        final String bound = limit.min() == Double.NEGATIVE_INFINITY ? "(at most " +
            ChannelLimitTable.number(limit.max()) + ")" : limit.max() == Double.POSITIVE_INFINITY ? "(at least " +
            ChannelLimitTable.number(limit.min()) + ")" : "[" + ChannelLimitTable.number(limit.min()) + ", " +
            ChannelLimitTable.number(limit.max()) + "]";
        for (final DerivedChannelSpec spec : derived)
        {
            if (!spec.name().equals(limit.channel()))
            {
                continue;
            }
            if (spec.min() == null || spec.max() == null)
            {
                problems.add(where(source, spec.pointer()) + ": derived channel " + spec.name() + " declares no " +
                    "range, so nothing shows it keeps within the tuning limit channels." + limit.channel() + " " +
                    bound + " at " + limit.where() + "; declare a range within it");
            }
            else if (spec.min() < limit.min() || spec.max() > limit.max())
            {
                problems.add(where(source, spec.pointer()) + ": derived channel " + spec.name() + " declares range " +
                    "[" + ChannelLimitTable.number(spec.min()) + ", " + ChannelLimitTable.number(spec.max()) + "], " +
                    "beyond the tuning limit channels." + limit.channel() + " " + bound + " at " + limit.where());
            }
            else
            {
                final FormulaRange.Interval range = ranges[indexOf(manifest, spec.name())];
                // Unbounded: no bound can be shown (time functions, ...), and the declared range is what holds.
                final boolean bounded = !Double.isInfinite(range.min()) && !Double.isInfinite(range.max());
                if (bounded && (range.min() < limit.min() || range.max() > limit.max()))
                {
                    problems.add(where(source, spec.pointer() + "/expr") + ": the formula of derived channel " +
                        spec.name() + " can reach [" + rounded(range.min()) + ", " + rounded(range.max()) + "] over " +
                        "the ranges of the channels it reads (the dictionary's, tightened by the policy's reject " +
                        "limits), beyond the tuning limit channels." + limit.channel() + " " + bound + " at " +
                        limit.where() + "; bound its inputs in the policy, or clamp() it in the formula");
                }
            }
            return;
        }
        final List<String> names = new ArrayList<>();
        derived.forEach(spec -> names.add(spec.name()));
        final List<String> near = registry.suggest(limit.channel(), 3);
        problems.add(limit.where() + ": limits.channels." + limit.channel() + " names no channel of dictionary " +
            registry.name() + " nor one the manifest " + source.document().path() + " derives" +
            (near.isEmpty() ? "" : "; nearest dictionary channels: " + String.join(", ", near)) +
            (names.isEmpty() ? "" : "; derived channels: " + String.join(", ", names)));
    }

    private static int indexOf(final CompiledManifest manifest, final String name)
    {
        for (final io.pitgun.manifest.DerivedChannel channel : manifest.derivedChannels())
        {
            if (channel.name().equals(name))
            {
                return channel.index();
            }
        }
        throw new IllegalStateException("derived channel " + name + " is not in the compiled manifest");
    }

    /** Four decimals at most: enough to see how far over a limit a formula goes. */
    private static String rounded(final double value)
    {
        return ChannelLimitTable.number(Math.round(value * 10_000) / 10_000.0);
    }

    private static String where(final PipelineManifest source, final String pointer)
    {
        return source.document().path() + ":" + source.document().locateNearest(pointer);
    }
}
