package io.pitgun.sinks;

import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;

/** The name of every channel id a pipeline's output frames carry: dictionary channels and derived ones. */
public final class ChannelNames
{
    private final String[] names = new String[1 << 16];

    /** From the dictionary and the manifest the sink's pipeline runs. */
    public ChannelNames(final ParameterRegistry registry, final CompiledManifest manifest)
    {
        for (final ParameterDefinition parameter : registry.parameters())
        {
            names[parameter.id()] = parameter.name();
        }
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            names[channel.parameterId()] = channel.name();
        }
    }

    /** The channel's name, or null for an id neither defines. */
    public String name(final int id)
    {
        return names[id & 0xFFFF];
    }
}
