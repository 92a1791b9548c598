package io.pitgun.sinks;

import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.json.FrameJsonEncoder;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;

/**
 * The name of every channel id a pipeline's output frames carry that a sink may write: dictionary channels and
 * derived ones, except those {@code shown} hides (restricted and internal ones, and what derives from them, unless
 * {@code output.include_restricted}). A sink writes no sample whose id has no name.
 */
public final class ChannelNames
{
    private final String[] names = new String[1 << 16];

    /** From the dictionary and the manifest the sink's pipeline runs, naming only the channels {@code shown} shows. */
    public ChannelNames(final ParameterRegistry registry, final CompiledManifest manifest,
        final FrameJsonEncoder.ChannelFilter shown)
    {
        for (final ParameterDefinition parameter : registry.parameters())
        {
            if (shown.shows(parameter.id()))
            {
                names[parameter.id()] = parameter.name();
            }
        }
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            if (shown.shows(channel.parameterId()))
            {
                names[channel.parameterId()] = channel.name();
            }
        }
    }

    /** The channel's name, or null for an id neither defines. */
    public String name(final int id)
    {
        return names[id & 0xFFFF];
    }
}
