package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import io.pitgun.manifest.formula.FormulaException;
import io.pitgun.manifest.formula.Parser;
import io.pitgun.manifest.formula.Syntax;
import io.pitgun.manifest.formula.TimeFunction;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which derived channels of a manifest can be present in a frame that carries none of the dictionary channels they
 * read: a constant, {@code hold(x)} (its last value), {@code default(x, v)} with a constant {@code v}, a formula of
 * the frame's time alone. Such a channel is in every frame, whichever channels the frame came with, so its presence
 * tells nothing about the frame, and a frame that shows a reader only such channels tells that reader when frames of
 * channels it may not read came ({@link ChannelAccess#marksFrames}). Any other derived channel is absent when all
 * the channels it reads are (absence propagates, docs/manifest.md). Built once per manifest (cold path).
 */
final class DerivedPresence
{
    private final Set<String> dictionaryNames = new HashSet<>();
    private final Map<String, DerivedChannel> derived = new HashMap<>();
    private final Map<String, Boolean> needsSourceByName = new HashMap<>();

    private DerivedPresence(final CompiledManifest manifest)
    {
        for (final ParameterDefinition parameter : manifest.registry().parameters())
        {
            dictionaryNames.add(parameter.name());
        }
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            derived.put(channel.name(), channel);
        }
    }

    /** Per parameter id, true for a derived channel that can be present without any channel it reads. */
    static boolean[] presentWithoutSources(final CompiledManifest manifest)
    {
        final DerivedPresence presence = new DerivedPresence(manifest);
        final boolean[] byId = new boolean[65_536];
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            byId[channel.parameterId()] = !presence.needsSource(channel);
        }
        return byId;
    }

    /** Whether {@code channel} is absent from every frame that carries none of the dictionary channels it reads. */
    private boolean needsSource(final DerivedChannel channel)
    {
        final Boolean known = needsSourceByName.get(channel.name());
        if (known != null)
        {
            return known;
        }
        final boolean needs;
        try
        {
            needs = needsSource(Parser.parse(channel.expr()));
        }
        catch (final FormulaException ex)
        {
            throw new IllegalStateException("a compiled manifest's derived channel '" + channel.name() +
                "' does not parse", ex);
        }
        needsSourceByName.put(channel.name(), needs); // the compiler refuses cycles, so the recursion ends
        return needs;
    }

    /** Whether {@code expr} is absent when every dictionary channel is. */
    private boolean needsSource(final Syntax expr)
    {
        if (expr instanceof Syntax.Name name)
        {
            // As the compiler resolves a name: a derived channel before a dictionary one; else the frame's time.
            final DerivedChannel of = derived.get(name.name());
            return of != null ? needsSource(of) : dictionaryNames.contains(name.name());
        }
        if (expr instanceof Syntax.Unary unary)
        {
            return needsSource(unary.operand());
        }
        if (expr instanceof Syntax.Binary binary)
        {
            // Absent when either side is (and/or too).
            return needsSource(binary.left()) || needsSource(binary.right());
        }
        if (expr instanceof Syntax.Conditional conditional)
        {
            // Absent when the condition is; else whichever branch it chose.
            return needsSource(conditional.condition()) ||
                needsSource(conditional.whenTrue()) && needsSource(conditional.whenFalse());
        }
        if (expr instanceof Syntax.Call call)
        {
            if (call.function().equals(TimeFunction.HOLD.functionName()))
            {
                return false; // its last value, in frames without x
            }
            if (call.function().equals("default"))
            {
                // x, or v when x is absent.
                return call.arguments().stream().allMatch(this::needsSource);
            }
            // Every other function is absent when an argument is.
            return call.arguments().stream().anyMatch(this::needsSource);
        }
        return false; // a literal
    }
}
