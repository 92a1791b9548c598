package io.pitgun.engine;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.json.FrameJsonEncoder;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;

import java.util.HashMap;
import java.util.Map;

/**
 * The access level of every channel a pipeline's frames can carry. A dictionary channel has the level its entry
 * states; a derived channel has the most restrictive level of the channels its formula reads (directly or through
 * other derived channels), since its value tells about them: power computed from a restricted torque is restricted.
 *
 * <p>What a level means on the way out: {@link AccessLevel#PUBLIC} goes to every reader; {@link AccessLevel#INTERNAL}
 * is accepted and journaled but never streamed to subscribers; {@link AccessLevel#RESTRICTED} is also accepted only
 * from allowed clients. Built once (cold path); {@link #levelOf} is an array read.
 */
public final class ChannelAccess
{
    private final AccessLevel[] levelById = new AccessLevel[65_536];

    private ChannelAccess(final CompiledManifest manifest)
    {
        for (final ParameterDefinition parameter : manifest.registry().parameters())
        {
            levelById[parameter.id()] = parameter.access();
        }
        final Map<String, AccessLevel> byName = new HashMap<>();
        for (final ParameterDefinition parameter : manifest.registry().parameters())
        {
            byName.put(parameter.name(), parameter.access());
        }
        // Derived channels in index order: a formula reads only channels derived before it (or in its stage, in
        // dependency order), so a fixed point takes at most as many passes as there are derived channels.
        boolean changed = true;
        while (changed)
        {
            changed = false;
            for (final DerivedChannel channel : manifest.derivedChannels())
            {
                AccessLevel level = AccessLevel.PUBLIC;
                for (final String dependency : channel.dependencies())
                {
                    final AccessLevel of = byName.getOrDefault(dependency, AccessLevel.PUBLIC);
                    level = of.compareTo(level) > 0 ? of : level;
                }
                if (byName.get(channel.name()) != level)
                {
                    byName.put(channel.name(), level);
                    levelById[channel.parameterId()] = level;
                    changed = true;
                }
            }
        }
    }

    /** The access levels of {@code manifest}'s channels (its dictionary's and those it derives). */
    public static ChannelAccess of(final CompiledManifest manifest)
    {
        return new ChannelAccess(manifest);
    }

    /** The level of channel {@code parameterId}; {@link AccessLevel#PUBLIC} for an id no one defines. */
    public AccessLevel levelOf(final int parameterId)
    {
        final AccessLevel level = levelById[parameterId];
        return level == null ? AccessLevel.PUBLIC : level;
    }

    /** A filter showing the channels a reader with {@code ceiling} may read (levels up to it). */
    public FrameJsonEncoder.ChannelFilter readableAt(final AccessLevel ceiling)
    {
        final boolean[] shown = new boolean[levelById.length];
        for (int id = 0; id < shown.length; id++)
        {
            shown[id] = levelOf(id).compareTo(ceiling) <= 0;
        }
        return parameterId -> shown[parameterId];
    }
}
