package io.pitgun.manifest;

import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.dictionary.Unit;
import io.pitgun.manifest.formula.Binder;
import io.pitgun.manifest.formula.Expr;
import io.pitgun.manifest.formula.FormulaException;
import io.pitgun.manifest.formula.NameResolver;
import io.pitgun.manifest.formula.NameResolver.ResolvedName;
import io.pitgun.manifest.formula.Parser;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.formula.Suggestions;
import io.pitgun.manifest.formula.Syntax;
import io.pitgun.manifest.runtime.ValueKind;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@link PipelineManifest} against a dictionary and compiles it: resolves every channel name, orders each
 * formula stage's derived channels by their dependencies (rejecting cycles), type-checks the formulas and the
 * declared data types, and builds the {@link ProgramPlan} that the interpreter and the bytecode compiler run.
 *
 * <p>Channel visibility follows the pipeline: a filter's whitelist or blacklist removes channels for the stages
 * after it, and a derived channel exists from its own stage on. Every error is a {@link ManifestException} at the
 * offending line and column.
 */
public final class ManifestCompiler
{
    /** The name that reads the frame's capture time in formulas. */
    public static final String TIMESTAMP_NAME = "timestamp_us";

    private static final Set<String> BOOLEAN_STATS = Set.of("count", "first", "last");
    /**
     * What {@code insight-contract/v1} holds of one channel's percentiles: at most 32, each keyed with at most 3
     * decimals ({@code p99.999}). A manifest asking for more made summaries that broke their own contract. The
     * schemas state the same limit (insight-contract/v1's {@code maxProperties}, pipeline-manifest/v1's
     * {@code maxItems} of one aggregate); {@code ManifestCompilerTest} holds the three equal.
     */
    static final int MAX_PERCENTILES = 32;
    private static final int MAX_PERCENTILE_DECIMALS = 3;

    private final PipelineManifest manifest;
    private final ParameterRegistry registry;
    private final SourceLocator locator;
    private final Binder binder = new Binder();
    private final ProgramPlan.Builder plan = new ProgramPlan.Builder();
    private final Map<String, Integer> inputSlots = new HashMap<>();
    private final Map<String, DerivedChannel> derived = new LinkedHashMap<>();
    /** Each derived channel name's first definition in the manifest (its pointer), read before any stage is. */
    private final Map<String, String> laterDerived = new HashMap<>();
    private final Set<String> hidden = new HashSet<>();
    private final Map<String, String> hiddenBy = new HashMap<>();
    private final List<String> executionOrder = new ArrayList<>();
    private Set<String> whitelist;
    /** Every problem found so far; compilation goes on past one so that a run reports them all. */
    private final List<ManifestProblem> problems = new ArrayList<>();
    /** Derived channels whose definition failed: a reference to one is not a problem of its own. */
    private final Set<String> failed = new HashSet<>();
    /** The percentiles asked of each channel per summary kind ("lap Speed"): segments of one kind unite them. */
    private final Map<String, Set<BigDecimal>> percentilesAsked = new HashMap<>();

    private ManifestCompiler(final PipelineManifest manifest, final ParameterRegistry registry)
    {
        this.manifest = manifest;
        this.registry = registry;
        this.locator = new SourceLocator(manifest.document());
    }

    /**
     * Compiles a manifest against a dictionary.
     *
     * @throws ManifestException listing every problem found, in source order: wrong dictionary (alone), unknown
     *                           channels, type errors, cycles, ...
     */
    public static CompiledManifest compile(final PipelineManifest manifest, final ParameterRegistry registry)
        throws ManifestException
    {
        return new ManifestCompiler(manifest, registry).compile();
    }

    private CompiledManifest compile() throws ManifestException
    {
        if (!manifest.dictionary().equals(registry.name()))
        {
            throw new ManifestException(locator.at("/dictionary", "the manifest is written for dictionary '" +
                manifest.dictionary() + "' but the dictionary in use is '" + registry.name() + "'"));
        }
        final List<Stage> stages = manifest.stages();
        for (final Stage stage : stages)
        {
            if (stage instanceof Stage.Formula)
            {
                for (final DerivedChannelSpec spec : ((Stage.Formula)stage).derivedChannels())
                {
                    laterDerived.putIfAbsent(spec.name(), spec.pointer());
                }
            }
        }
        final List<Stage.Segment> segments = new ArrayList<>();
        Stage.Merge merge = null;
        List<String> contracts = List.of(CompiledManifest.FRAME_CONTRACT);
        boolean perFrameSeen = false;
        for (int s = 0; s < stages.size(); s++)
        {
            final Stage stage = stages.get(s);
            if (stage instanceof Stage.Merge)
            {
                if (perFrameSeen || merge != null)
                {
                    report(locator.at(stage.pointer() + "/type", merge != null ?
                        "a pipeline has at most one merge stage" :
                        "a merge stage must come before every other stage: sources are merged before the " +
                        "per-frame stages run"));
                    continue;
                }
                merge = (Stage.Merge)stage;
                if (merge.maxLatenessUs() > Stage.Merge.MAX_LATENESS_WINDOWS * merge.windowUs())
                {
                    report(locator.at(stage.pointer() + "/max_lateness_us",
                        "max_lateness_us " + merge.maxLatenessUs() + " is more than " +
                        Stage.Merge.MAX_LATENESS_WINDOWS + " windows of " + merge.windowUs() + " us: a session " +
                        "keeps lateness / window + 2 windows open; use a larger window_us or a smaller lateness"));
                }
                continue;
            }
            if (stage instanceof Stage.Output)
            {
                if (s != stages.size() - 1)
                {
                    report(locator.at(stage.pointer() + "/type",
                        "the output stage must be the last stage of the pipeline"));
                }
                contracts = ((Stage.Output)stage).contracts();
                if (contracts.contains("insight-contract/v1") && segments.isEmpty())
                {
                    report(locator.at(stage.pointer() + "/contracts",
                        "insight-contract/v1 needs a segment stage to produce lap or session summaries"));
                }
                continue;
            }
            perFrameSeen = true;
            if (stage instanceof Stage.Formula)
            {
                formula((Stage.Formula)stage, s + 1);
            }
            else if (stage instanceof Stage.Filter)
            {
                filter((Stage.Filter)stage);
            }
            else
            {
                segment((Stage.Segment)stage);
                segments.add((Stage.Segment)stage);
            }
        }
        if (!segments.isEmpty() && !contracts.contains("insight-contract/v1"))
        {
            // Summaries are only ever emitted as insight-contract/v1: without it a segment computes for nobody.
            report(locator.at(segments.get(0).pointer() + "/type", "this segment's summaries " +
                "go nowhere: add insight-contract/v1 to the contracts of an output stage at the end of the pipeline"));
        }
        if (!problems.isEmpty())
        {
            throw new ManifestException(ManifestProblems.inSourceOrder(problems));
        }
        final Set<String> outputChannels = new LinkedHashSet<>();
        for (final ParameterDefinition parameter : registry.parameters())
        {
            if (visible(parameter.name()))
            {
                outputChannels.add(parameter.name());
            }
        }
        for (final String name : derived.keySet())
        {
            if (visible(name))
            {
                outputChannels.add(name);
            }
        }
        return new CompiledManifest(manifest, registry, plan.build(binder), List.copyOf(derived.values()),
            outputChannels, merge, segments, contracts, executionOrder);
    }

    private boolean visible(final String name)
    {
        return !hidden.contains(name) && (whitelist == null || whitelist.contains(name));
    }

    private void formula(final Stage.Formula stage, final int stageNumber) throws ManifestException
    {
        final Map<String, DerivedChannelSpec> specs = new LinkedHashMap<>();
        final Map<String, Syntax> syntaxes = new HashMap<>();
        for (final DerivedChannelSpec spec : stage.derivedChannels())
        {
            try
            {
                checkNewName(spec);
            }
            catch (final ManifestException ex)
            {
                problems.addAll(ex.problems());
                continue; // the first definition stands; this one is not compiled
            }
            specs.put(spec.name(), spec);
            try
            {
                syntaxes.put(spec.name(), Parser.parse(spec.expr()));
            }
            catch (final FormulaException ex)
            {
                problems.addAll(formulaProblem(spec.pointer() + "/expr", spec.expr(), ex).problems());
                failed.add(spec.name());
            }
        }
        for (final DerivedChannelSpec spec : dependencyOrder(specs, syntaxes))
        {
            if (failed.contains(spec.name()))
            {
                continue;
            }
            try
            {
                bindDerived(spec, syntaxes.get(spec.name()), stageNumber);
            }
            catch (final ManifestException ex)
            {
                problems.addAll(ex.problems());
                failed.add(spec.name());
            }
            catch (final AlreadyReported ex)
            {
                failed.add(spec.name());
            }
        }
    }

    private void checkNewName(final DerivedChannelSpec spec) throws ManifestException
    {
        final String name = spec.name();
        final String where = spec.pointer() + "/name";
        if (registry.byName(name) != null)
        {
            throw new ManifestException(locator.at(where, "'" + name + "' is a channel of dictionary " +
                registry.name() + "; a derived channel needs a new name"));
        }
        if (TIMESTAMP_NAME.equals(name))
        {
            throw new ManifestException(locator.at(where, "'" + TIMESTAMP_NAME + "' is reserved for the frame time"));
        }
        // Any definition but a name's first is a duplicate, whether or not the first compiled: before, a second
        // definition of a channel whose formula had failed (a cycle, a syntax error) in an earlier stage went
        // unreported, the one problem a run did not name.
        final String first = laterDerived.get(name);
        if (!spec.pointer().equals(first))
        {
            throw new ManifestException(locator.at(where, "derived channel '" + name + "' is defined twice (first at " +
                "line " + manifest.document().locateNearest(first).line() + ")"));
        }
    }

    /** Depth-first topological order, in declaration order where dependencies allow; a cycle is an error. */
    private List<DerivedChannelSpec> dependencyOrder(final Map<String, DerivedChannelSpec> specs,
        final Map<String, Syntax> syntaxes)
    {
        final List<DerivedChannelSpec> order = new ArrayList<>();
        final Set<String> done = new HashSet<>();
        final List<String> path = new ArrayList<>();
        for (final String name : specs.keySet())
        {
            try
            {
                visit(name, specs, syntaxes, done, path, order);
            }
            catch (final ManifestException ex)
            {
                problems.addAll(ex.problems());
                failed.addAll(path); // the cycle's channels; their references are not problems of their own
                done.addAll(path);
                path.clear();
            }
        }
        return order;
    }

    private void visit(final String name, final Map<String, DerivedChannelSpec> specs,
        final Map<String, Syntax> syntaxes, final Set<String> done, final List<String> path,
        final List<DerivedChannelSpec> order) throws ManifestException
    {
        if (done.contains(name))
        {
            return;
        }
        path.add(name);
        final List<Syntax.Name> references = new ArrayList<>();
        collectNames(syntaxes.get(name), references);
        for (final Syntax.Name reference : references)
        {
            final String target = reference.name();
            if (!specs.containsKey(target))
            {
                continue;
            }
            final int cycleStart = path.indexOf(target);
            if (cycleStart >= 0)
            {
                final List<String> cycle = new ArrayList<>(path.subList(cycleStart, path.size()));
                cycle.add(target);
                final DerivedChannelSpec spec = specs.get(name);
                throw new ManifestException(locator.inFormula(spec.pointer() + "/expr", spec.expr(),
                    reference.start(), "dependency cycle between derived channels: " + String.join(" -> ", cycle) +
                    " (a derived channel cannot depend on itself, not even through prev() or another function " +
                    "of its earlier samples)"));
            }
            visit(target, specs, syntaxes, done, path, order);
        }
        path.remove(path.size() - 1);
        done.add(name);
        order.add(specs.get(name));
    }

    /** Every channel name {@code syntax} reads, in source order (the engine's access rules read filters with it). */
    public static void collectNames(final Syntax syntax, final List<Syntax.Name> names)
    {
        if (syntax instanceof Syntax.Name)
        {
            names.add((Syntax.Name)syntax);
        }
        else if (syntax instanceof Syntax.Unary)
        {
            collectNames(((Syntax.Unary)syntax).operand(), names);
        }
        else if (syntax instanceof Syntax.Binary)
        {
            collectNames(((Syntax.Binary)syntax).left(), names);
            collectNames(((Syntax.Binary)syntax).right(), names);
        }
        else if (syntax instanceof Syntax.Conditional)
        {
            final Syntax.Conditional conditional = (Syntax.Conditional)syntax;
            collectNames(conditional.condition(), names);
            collectNames(conditional.whenTrue(), names);
            collectNames(conditional.whenFalse(), names);
        }
        else if (syntax instanceof Syntax.Call)
        {
            for (final Syntax argument : ((Syntax.Call)syntax).arguments())
            {
                collectNames(argument, names);
            }
        }
    }

    private void bindDerived(final DerivedChannelSpec spec, final Syntax syntax, final int stageNumber)
        throws ManifestException
    {
        final String exprPointer = spec.pointer() + "/expr";
        final List<String> dependencies = new ArrayList<>();
        Expr expr;
        try
        {
            expr = binder.bind(syntax, resolver(dependencies));
        }
        catch (final FormulaException ex)
        {
            throw formulaProblem(exprPointer, spec.expr(), ex);
        }
        final DataType dataType = DataType.fromSymbol(spec.dataType());
        final ValueKind kind = dataType == DataType.BOOL ? ValueKind.BOOLEAN :
            dataType.isInteger() ? ValueKind.LONG : ValueKind.DOUBLE;
        if (kind == ValueKind.DOUBLE && expr.kind() == ValueKind.LONG)
        {
            expr = Binder.toDouble(expr);
        }
        if (kind != expr.kind())
        {
            final String hint = expr.kind() == ValueKind.DOUBLE && kind == ValueKind.LONG ?
                "; wrap it in round(...) or declare data_type f64" : expr.kind() == ValueKind.BOOLEAN ?
                "; declare data_type bool, or write 'condition ? 1 : 0'" : "; declare a numeric data_type";
            throw new ManifestException(locator.at(spec.pointer() + (hasDataType(spec) ? "/data_type" : "/expr"),
                "derived channel '" + spec.name() + "' is declared " + dataType.symbol() + " but its formula gives " +
                "a " + expr.kind().displayName() + hint));
        }
        if (dataType.isInteger() && expr instanceof Expr.Constant)
        {
            final long value = ((Expr.Constant)expr).longValue();
            if (value < dataType.minInteger() || value > dataType.maxInteger())
            {
                // Out-of-type values are absent (ProgramPlan.Derived): a constant one would be absent in every frame.
                throw new ManifestException(locator.at(exprPointer, "derived channel '" + spec.name() +
                    "' is declared " + dataType.symbol() + " (" + dataType.minInteger() + " to " +
                    dataType.maxInteger() + ") but its formula is the constant " + value + ", outside it: the " +
                    "channel would be absent in every frame"));
            }
        }
        Unit unit = null;
        if (spec.unit() != null)
        {
            try
            {
                unit = Unit.fromSymbol(spec.unit());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ManifestException(locator.at(spec.pointer() + "/unit", ex.getMessage()));
            }
        }
        if (spec.min() != null && !(spec.min() <= spec.max()))
        {
            throw new ManifestException(locator.at(spec.pointer() + "/range",
                "range min " + spec.min() + " is greater than max " + spec.max()));
        }
        // An integer channel holds what its type holds: a value outside it is absent (ProgramPlan.Derived).
        // f32: narrowed to a float when written, as the sample holds it (ProgramPlan.Derived).
        final int index = dataType.isInteger() ? plan.addDerived(spec.name(), kind, dataType.minInteger(),
            dataType.maxInteger()) : dataType == DataType.F32 ? plan.addFloatDerived(spec.name()) :
            plan.addDerived(spec.name(), kind);
        plan.derive(index, expr);
        final DerivedChannel channel = new DerivedChannel(index, DerivedChannel.ID_BASE + index, spec.name(), kind,
            dataType, unit, spec.min(), spec.max(), spec.expr(), List.copyOf(dependencies), stageNumber);
        derived.put(spec.name(), channel);
        if (whitelist != null)
        {
            whitelist.add(spec.name());
        }
        executionOrder.add(spec.name());
    }

    private boolean hasDataType(final DerivedChannelSpec spec)
    {
        return manifest.document().locate(spec.pointer() + "/data_type").isPresent();
    }

    private void filter(final Stage.Filter stage)
    {
        try
        {
            filterChecked(stage);
        }
        catch (final ManifestException ex)
        {
            problems.addAll(ex.problems());
        }
        catch (final AlreadyReported ex)
        {
            // the where formula names a channel whose definition failed: reported there
        }
    }

    private void filterChecked(final Stage.Filter stage) throws ManifestException
    {
        final String description = "the filter at line " +
            manifest.document().locateNearest(stage.pointer()).line();
        if (!stage.whitelist().isEmpty() && !stage.blacklist().isEmpty())
        {
            throw new ManifestException(locator.at(stage.pointer() + "/blacklist",
                "a filter takes a whitelist or a blacklist, not both; use two filter stages"));
        }
        if (stage.where() != null)
        {
            final String pointer = stage.pointer() + "/where";
            final Expr predicate;
            try
            {
                predicate = binder.bind(Parser.parse(stage.where()), resolver(new ArrayList<>()));
            }
            catch (final FormulaException ex)
            {
                throw formulaProblem(pointer, stage.where(), ex);
            }
            if (predicate.kind() != ValueKind.BOOLEAN)
            {
                throw new ManifestException(locator.inFormula(pointer, stage.where(), 0, "a where filter must be a " +
                    "boolean formula, but this one gives a " + predicate.kind().displayName() +
                    " (compare it, e.g. 'Speed > 5')"));
            }
            plan.where(predicate);
            executionOrder.add("where@" + manifest.document().locateNearest(pointer).line());
        }
        checkListed(stage.whitelist(), stage.pointer() + "/whitelist");
        checkListed(stage.blacklist(), stage.pointer() + "/blacklist");
        if (!stage.whitelist().isEmpty())
        {
            final Set<String> kept = new HashSet<>(stage.whitelist());
            for (final ParameterDefinition parameter : registry.parameters())
            {
                hideUnless(parameter.name(), kept, description);
            }
            for (final String name : derived.keySet())
            {
                hideUnless(name, kept, description);
            }
            whitelist = kept;
        }
        for (final String name : stage.blacklist())
        {
            hidden.add(name);
            hiddenBy.putIfAbsent(name, description);
        }
    }

    private void hideUnless(final String name, final Set<String> kept, final String description)
    {
        if (!kept.contains(name) && visible(name))
        {
            hiddenBy.putIfAbsent(name, description);
        }
    }

    private void checkListed(final List<String> names, final String pointer) throws ManifestException
    {
        for (int i = 0; i < names.size(); i++)
        {
            final String name = names.get(i);
            if (failed.contains(name))
            {
                continue;
            }
            if (registry.byName(name) == null && !derived.containsKey(name))
            {
                throw new ManifestException(locator.at(pointer + "/" + i, unknownChannel(name)));
            }
            if (!visible(name))
            {
                throw new ManifestException(locator.at(pointer + "/" + i, removedChannel(name)));
            }
        }
    }

    private void segment(final Stage.Segment stage)
    {
        if (stage.by() == Stage.SegmentBy.SECTOR)
        {
            // The schema names sector for a summary kind to come; run now, it would summarise nothing, silently.
            report(locator.at(stage.pointer() + "/by", "insight-contract/v1 has no sector summaries (only lap and " +
                "session ones): a sector segment would emit nothing; use by: lap or by: session"));
        }
        for (final AggregateSpec aggregate : stage.aggregates())
        {
            if (failed.contains(aggregate.channel()))
            {
                continue;
            }
            try
            {
                aggregate(aggregate);
                percentiles(stage.by(), aggregate);
            }
            catch (final ManifestException ex)
            {
                problems.addAll(ex.problems());
            }
        }
    }

    /** Refuses percentiles the insight contract cannot hold (see {@link #MAX_PERCENTILES}). */
    private void percentiles(final Stage.SegmentBy by, final AggregateSpec aggregate) throws ManifestException
    {
        final Set<BigDecimal> asked = percentilesAsked.computeIfAbsent(by.symbol() + " " + aggregate.channel(),
            key -> new HashSet<>());
        for (int i = 0; i < aggregate.percentiles().size(); i++)
        {
            final BigDecimal p = BigDecimal.valueOf(aggregate.percentiles().get(i)).stripTrailingZeros();
            final String pointer = aggregate.pointer() + "/percentiles/" + i;
            if (p.scale() > MAX_PERCENTILE_DECIMALS)
            {
                throw new ManifestException(locator.at(pointer, "percentile " + p.toPlainString() + " has more " +
                    "than " + MAX_PERCENTILE_DECIMALS + " decimals: insight-contract/v1 keys percentiles with at " +
                    "most " + MAX_PERCENTILE_DECIMALS + " (p99.999)"));
            }
            if (asked.add(p) && asked.size() > MAX_PERCENTILES)
            {
                throw new ManifestException(locator.at(pointer, "'" + aggregate.channel() + "' has more than " +
                    MAX_PERCENTILES + " percentiles in its " + by.symbol() +
                    " summaries: insight-contract/v1 holds at most " + MAX_PERCENTILES + " of a channel (segments " +
                    "of one kind naming the same channel unite their lists)"));
            }
        }
    }

    private void aggregate(final AggregateSpec aggregate) throws ManifestException
    {
        final String name = aggregate.channel();
        final String pointer = aggregate.pointer() + "/channel";
        final ValueKind kind;
        if (derived.containsKey(name))
        {
            kind = derived.get(name).kind();
        }
        else if (registry.byName(name) != null)
        {
            kind = kindOf(registry.byName(name).dataType());
        }
        else
        {
            throw new ManifestException(locator.at(pointer, unknownChannel(name)));
        }
        if (!visible(name))
        {
            throw new ManifestException(locator.at(pointer, removedChannel(name)));
        }
        if (kind == ValueKind.BOOLEAN)
        {
            for (int i = 0; i < aggregate.stats().size(); i++)
            {
                if (!BOOLEAN_STATS.contains(aggregate.stats().get(i)))
                {
                    throw new ManifestException(locator.at(aggregate.pointer() + "/stats/" + i, "'" + name +
                        "' is boolean: only count, first and last apply (derive 'x ? 1 : 0' for a duty cycle)"));
                }
            }
            if (!aggregate.percentiles().isEmpty())
            {
                throw new ManifestException(locator.at(aggregate.pointer() + "/percentiles",
                    "'" + name + "' is boolean and has no percentiles"));
            }
        }
    }

    private NameResolver resolver(final List<String> dependencies)
    {
        return (name, start, end) ->
        {
            if (TIMESTAMP_NAME.equals(name))
            {
                return new ResolvedName(ResolvedName.Target.TIMESTAMP, ValueKind.LONG, 0);
            }
            if (failed.contains(name))
            {
                throw AlreadyReported.INSTANCE;
            }
            final DerivedChannel channel = derived.get(name);
            final ParameterDefinition parameter = channel == null ? registry.byName(name) : null;
            if (channel == null && parameter == null)
            {
                if (laterDerived.containsKey(name))
                {
                    throw new FormulaException("derived channel '" + name + "' is defined in a later stage (line " +
                        manifest.document().locateNearest(laterDerived.get(name)).line() + "); a formula can only " +
                        "use channels derived in its own or an earlier stage", start, end);
                }
                throw new FormulaException(unknownChannel(name), start, end);
            }
            if (!visible(name))
            {
                throw new FormulaException(removedChannel(name), start, end);
            }
            if (!dependencies.contains(name))
            {
                dependencies.add(name);
            }
            if (channel != null)
            {
                return new ResolvedName(ResolvedName.Target.DERIVED, channel.kind(), channel.index());
            }
            final ValueKind kind = kindOf(parameter.dataType());
            Integer slot = inputSlots.get(name);
            if (slot == null)
            {
                slot = plan.addInput(name, parameter.id(), kind);
                inputSlots.put(name, slot);
            }
            return new ResolvedName(ResolvedName.Target.INPUT, kind, slot);
        };
    }

    /** The formula value type a dictionary data type is read as. */
    public static ValueKind kindOf(final DataType dataType)
    {
        return dataType == DataType.BOOL ? ValueKind.BOOLEAN : dataType.isInteger() ? ValueKind.LONG :
            ValueKind.DOUBLE;
    }

    private String unknownChannel(final String name)
    {
        final List<String> candidates = new ArrayList<>();
        for (final ParameterDefinition parameter : registry.parameters())
        {
            candidates.add(parameter.name());
        }
        for (final String derivedName : derived.keySet())
        {
            if (visible(derivedName))
            {
                candidates.add(derivedName);
            }
        }
        return "unknown channel '" + name + "': it is neither in dictionary " + registry.name() +
            " nor derived earlier" + Suggestions.hint(Suggestions.nearest(name, candidates, 3));
    }

    private String removedChannel(final String name)
    {
        return "channel '" + name + "' was removed by " + hiddenBy.getOrDefault(name, "an earlier filter") +
            " and is not available to later stages";
    }

    private void report(final ManifestProblem problem)
    {
        problems.add(problem);
    }

    /**
     * Thrown (without a stack trace) when a formula names a derived channel whose definition already failed: the
     * formula cannot be typed, but the problem was reported where the channel is defined.
     */
    private static final class AlreadyReported extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        static final AlreadyReported INSTANCE = new AlreadyReported();

        private AlreadyReported()
        {
            super("a channel this formula uses failed to compile", null, false, false);
        }
    }

    private ManifestException formulaProblem(final String pointer, final String formula, final FormulaException ex)
    {
        return new ManifestException(locator.inFormula(pointer, formula, ex.start(), ex.getMessage()));
    }
}
