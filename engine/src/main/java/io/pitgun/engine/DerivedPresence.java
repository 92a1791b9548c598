package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import io.pitgun.manifest.formula.FormulaException;
import io.pitgun.manifest.formula.FormulaPresence;
import io.pitgun.manifest.formula.Parser;

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
 * the channels it reads are ({@link FormulaPresence}). Built once per manifest (cold path).
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

    /**
     * Whether the channel {@code name} is absent from every frame that carries none of the dictionary channels it
     * reads: a dictionary channel is; a derived channel as its formula says ({@link FormulaPresence}); any other name
     * is the frame's time, always present.
     */
    private boolean needsSource(final String name)
    {
        // As the compiler resolves a name: a derived channel before a dictionary one.
        final DerivedChannel of = derived.get(name);
        return of != null ? needsSource(of) : dictionaryNames.contains(name);
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
            needs = FormulaPresence.needsChannel(Parser.parse(channel.expr()), this::needsSource);
        }
        catch (final FormulaException ex)
        {
            throw new IllegalStateException("a compiled manifest's derived channel '" + channel.name() +
                "' does not parse", ex);
        }
        needsSourceByName.put(channel.name(), needs); // the compiler refuses cycles, so the recursion ends
        return needs;
    }
}
