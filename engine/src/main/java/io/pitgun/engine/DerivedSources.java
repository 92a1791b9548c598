package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The dictionary channels each derived channel of a manifest is computed from, directly or through other derived
 * channels: what its value tells about. Access levels and channel allow-lists both follow from it
 * ({@link ChannelAccess}). Built once per manifest (cold path).
 */
final class DerivedSources
{
    private DerivedSources()
    {
    }

    /** Per derived channel's parameter id, the ids of the dictionary channels it is computed from, ascending. */
    static Map<Integer, int[]> of(final CompiledManifest manifest)
    {
        final Map<String, Integer> dictionaryIds = new HashMap<>();
        for (final ParameterDefinition parameter : manifest.registry().parameters())
        {
            dictionaryIds.put(parameter.name(), parameter.id());
        }
        final Map<String, DerivedChannel> derived = new HashMap<>();
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            derived.put(channel.name(), channel);
        }
        final Map<String, TreeSet<Integer>> memo = new HashMap<>();
        final Map<Integer, int[]> byId = new HashMap<>();
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            byId.put(channel.parameterId(), sources(channel, derived, dictionaryIds, memo).stream()
                .mapToInt(Integer::intValue).toArray());
        }
        return byId;
    }

    /** A derived channel's sources; the compiler refuses cycles, so the recursion ends. */
    private static TreeSet<Integer> sources(final DerivedChannel channel, final Map<String, DerivedChannel> derived,
        final Map<String, Integer> dictionaryIds, final Map<String, TreeSet<Integer>> memo)
    {
        final TreeSet<Integer> known = memo.get(channel.name());
        if (known != null)
        {
            return known;
        }
        final TreeSet<Integer> sources = new TreeSet<>();
        for (final String dependency : channel.dependencies())
        {
            // As the compiler resolves a name: a derived channel before a dictionary one.
            final DerivedChannel of = derived.get(dependency);
            if (of != null)
            {
                sources.addAll(sources(of, derived, dictionaryIds, memo));
            }
            else
            {
                final Integer id = dictionaryIds.get(dependency);
                if (id == null)
                {
                    throw new IllegalStateException("derived channel '" + channel.name() + "' reads '" + dependency +
                        "', which is neither a dictionary channel nor derived");
                }
                sources.add(id);
            }
        }
        memo.put(channel.name(), sources);
        return sources;
    }
}
