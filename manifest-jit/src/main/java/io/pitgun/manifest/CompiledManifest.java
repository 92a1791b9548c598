package io.pitgun.manifest;

import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.compiler.BytecodeCompiler;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.interpreter.Interpreter;
import io.pitgun.manifest.runtime.FrameProgram;
import io.pitgun.manifest.runtime.FrameValues;

import java.util.List;
import java.util.Set;

/**
 * A checked manifest, ready to run: the per-frame {@link ProgramPlan} (derived channels and {@code where} filters),
 * which channels reach the output, and the merge, segment and output settings the engine applies around it.
 *
 * <p>Immutable and thread-safe; every {@link #newProgram()} is an independent program with its own state.
 */
public final class CompiledManifest
{
    private final PipelineManifest manifest;
    private final ParameterRegistry registry;
    private final ProgramPlan plan;
    private final List<DerivedChannel> derivedChannels;
    private final Set<String> outputChannels;
    private final Stage.Merge merge;
    private final List<Stage.Segment> segments;
    private final List<String> contracts;
    private final List<String> executionOrder;
    private volatile BytecodeCompiler.CompiledClass compiledClass;

    CompiledManifest(final PipelineManifest manifest, final ParameterRegistry registry, final ProgramPlan plan,
        final List<DerivedChannel> derivedChannels, final Set<String> outputChannels, final Stage.Merge merge,
        final List<Stage.Segment> segments, final List<String> contracts, final List<String> executionOrder)
    {
        this.manifest = manifest;
        this.registry = registry;
        this.plan = plan;
        this.derivedChannels = List.copyOf(derivedChannels);
        this.outputChannels = Set.copyOf(outputChannels);
        this.merge = merge;
        this.segments = List.copyOf(segments);
        this.contracts = List.copyOf(contracts);
        this.executionOrder = List.copyOf(executionOrder);
    }

    public PipelineManifest manifest()
    {
        return manifest;
    }

    public ParameterRegistry registry()
    {
        return registry;
    }

    /** The per-frame work, for the interpreter and the compiler. */
    public ProgramPlan plan()
    {
        return plan;
    }

    /** Derived channels by index (= output slot). */
    public List<DerivedChannel> derivedChannels()
    {
        return derivedChannels;
    }

    /** The channels read by the program, by input slot. */
    public List<ProgramPlan.Input> inputs()
    {
        return plan.inputs();
    }

    /** True when a channel (dictionary or derived) survives every filter and so reaches the output. */
    public boolean emits(final String channel)
    {
        return outputChannels.contains(channel);
    }

    /** The merge stage, or null. */
    public Stage.Merge merge()
    {
        return merge;
    }

    public List<Stage.Segment> segments()
    {
        return segments;
    }

    /** Contracts emitted; {@code pitgun-envelope/v1} when the manifest has no output stage. */
    public List<String> contracts()
    {
        return contracts;
    }

    /** A fresh input table sized for this manifest. */
    public FrameValues newInputValues()
    {
        return new FrameValues(plan.inputs().size());
    }

    /** A fresh output table sized for this manifest. */
    public FrameValues newOutputValues()
    {
        return new FrameValues(plan.derived().size());
    }

    /** A new instance of the bytecode-compiled program (the class is generated once per manifest). */
    public FrameProgram newProgram()
    {
        BytecodeCompiler.CompiledClass compiled = compiledClass;
        if (compiled == null)
        {
            synchronized (this)
            {
                compiled = compiledClass;
                if (compiled == null)
                {
                    compiled = BytecodeCompiler.compile(plan);
                    compiledClass = compiled;
                }
            }
        }
        return compiled.newProgram();
    }

    /** A new instance of the reference interpreter. */
    public FrameProgram newInterpreter()
    {
        return new Interpreter(plan);
    }

    /** The execution plan as people read it: stages, derived channels with dependencies and units, inputs. */
    public String describe()
    {
        final String newline = System.lineSeparator();
        final StringBuilder sb = new StringBuilder();
        sb.append("manifest ").append(manifest.name()).append(" (pipeline-manifest/v1, dictionary ")
            .append(registry.name()).append(')').append(newline);
        sb.append("stages:").append(newline);
        final List<Stage> stages = manifest.stages();
        for (int s = 0; s < stages.size(); s++)
        {
            final Stage stage = stages.get(s);
            sb.append(String.format("  %d. %-8s (line %d)", s + 1, stage.typeName(),
                manifest.document().locateNearest(stage.pointer()).line()));
            describeStage(sb, stage, s + 1, newline);
        }
        sb.append("execution order per frame: ").append(String.join(", ", executionOrder)).append(newline);
        sb.append("inputs read once per frame (slot: channel [type]):");
        if (plan.inputs().isEmpty())
        {
            sb.append(" none");
        }
        sb.append(newline);
        for (final ProgramPlan.Input input : plan.inputs())
        {
            final ParameterDefinition parameter = registry.byName(input.name());
            sb.append(String.format("  %d: %s [%s, %s, id %d]", input.slot(), input.name(), parameter.unit().symbol(),
                parameter.dataType().symbol(), parameter.id())).append(newline);
        }
        sb.append("time functions with state: ").append(plan.timeCalls().size()).append(newline);
        sb.append("output channels: ").append(outputSummary()).append(newline);
        sb.append("output contracts: ").append(String.join(", ", contracts)).append(newline);
        return sb.toString();
    }

    private void describeStage(final StringBuilder sb, final Stage stage, final int stageNumber,
        final String newline)
    {
        if (stage instanceof Stage.Formula)
        {
            sb.append(newline);
            for (final DerivedChannel channel : derivedChannels)
            {
                if (channel.stageNumber() != stageNumber)
                {
                    continue;
                }
                sb.append("       ").append(channel.name()).append(" = ").append(channel.expr().strip()
                    .replaceAll("\\s+", " ")).append(newline);
                sb.append("         id ").append(channel.parameterId()).append(", ")
                    .append(channel.dataType().symbol()).append(", unit ")
                    .append(channel.unit() == null ? "-" : channel.unit().symbol());
                if (channel.min() != null)
                {
                    sb.append(", range [").append(channel.min()).append(", ").append(channel.max()).append(']');
                }
                sb.append(newline).append("         depends on: ");
                if (channel.dependencies().isEmpty())
                {
                    sb.append("nothing");
                }
                for (int i = 0; i < channel.dependencies().size(); i++)
                {
                    sb.append(i == 0 ? "" : ", ").append(describeChannel(channel.dependencies().get(i)));
                }
                sb.append(newline);
            }
        }
        else if (stage instanceof Stage.Filter)
        {
            final Stage.Filter filter = (Stage.Filter)stage;
            if (filter.where() != null)
            {
                sb.append(" where ").append(filter.where().strip());
            }
            if (!filter.whitelist().isEmpty())
            {
                sb.append(" keep ").append(String.join(", ", filter.whitelist()));
            }
            if (!filter.blacklist().isEmpty())
            {
                sb.append(" drop ").append(String.join(", ", filter.blacklist()));
            }
            sb.append(newline);
        }
        else if (stage instanceof Stage.Merge)
        {
            final Stage.Merge merge = (Stage.Merge)stage;
            sb.append(" sources ").append(merge.sources()).append(", window ").append(merge.windowUs())
                .append(" us, max lateness ").append(merge.maxLatenessUs()).append(" us").append(newline);
        }
        else if (stage instanceof Stage.Segment)
        {
            final Stage.Segment segment = (Stage.Segment)stage;
            sb.append(" by ").append(segment.by().symbol()).append(newline);
            for (final AggregateSpec aggregate : segment.aggregates())
            {
                sb.append("       ").append(aggregate.channel()).append(": ").append(String.join(", ",
                    aggregate.stats()));
                if (!aggregate.percentiles().isEmpty())
                {
                    sb.append(aggregate.stats().isEmpty() ? "" : ", ").append("percentiles ")
                        .append(aggregate.percentiles());
                }
                sb.append(newline);
            }
        }
        else
        {
            sb.append(' ').append(String.join(", ", ((Stage.Output)stage).contracts())).append(newline);
        }
    }

    private String describeChannel(final String name)
    {
        if (ManifestCompiler.TIMESTAMP_NAME.equals(name))
        {
            return name + " (us, i64)";
        }
        for (final DerivedChannel channel : derivedChannels)
        {
            if (channel.name().equals(name))
            {
                return name + " (derived, " + (channel.unit() == null ? "-" : channel.unit().symbol()) + ", " +
                    channel.dataType().symbol() + ")";
            }
        }
        final ParameterDefinition parameter = registry.byName(name);
        return name + " (" + parameter.unit().symbol() + ", " + parameter.dataType().symbol() + ")";
    }

    private String outputSummary()
    {
        final int dictionaryCount = registry.parameters().size();
        int keptDictionary = 0;
        for (final ParameterDefinition parameter : registry.parameters())
        {
            if (outputChannels.contains(parameter.name()))
            {
                keptDictionary++;
            }
        }
        final StringBuilder sb = new StringBuilder();
        if (keptDictionary == dictionaryCount)
        {
            sb.append("every dictionary channel present in the frame");
        }
        else if (keptDictionary > dictionaryCount / 2)
        {
            sb.append("dictionary channels except");
            for (final ParameterDefinition parameter : registry.parameters())
            {
                if (!outputChannels.contains(parameter.name()))
                {
                    sb.append(' ').append(parameter.name());
                }
            }
        }
        else
        {
            sb.append("dictionary channels");
            for (final ParameterDefinition parameter : registry.parameters())
            {
                if (outputChannels.contains(parameter.name()))
                {
                    sb.append(' ').append(parameter.name());
                }
            }
            if (keptDictionary == 0)
            {
                sb.append(" none");
            }
        }
        sb.append("; derived");
        int keptDerived = 0;
        for (final DerivedChannel channel : derivedChannels)
        {
            if (outputChannels.contains(channel.name()))
            {
                sb.append(' ').append(channel.name());
                keptDerived++;
            }
        }
        if (keptDerived == 0)
        {
            sb.append(" none");
        }
        return sb.toString();
    }
}
