package io.pitgun.engine;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.json.FrameJsonEncoder;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The access level of every channel a pipeline's frames can carry. A dictionary channel has the level its entry
 * states; a derived channel has the most restrictive level of the channels its formula reads (directly or through
 * other derived channels), since its value tells about them: power computed from a restricted torque is restricted.
 *
 * <p>What a level means on the way out: {@link AccessLevel#PUBLIC} goes to every reader; {@link AccessLevel#INTERNAL}
 * is accepted and journaled but never streamed to subscribers; {@link AccessLevel#RESTRICTED} is accepted only from
 * allowed clients and streamed only to readers allowed it (the gateway's: a token with {@code read_restricted}),
 * {@link #readableIn}. Built once (cold path); {@link #levelOf} is an array read.
 */
public final class ChannelAccess
{
    private final AccessLevel[] levelById = new AccessLevel[65_536];
    /**
     * Per channel, the levels its value tells about, one bit per {@link AccessLevel} ordinal: a dictionary channel
     * its own; a derived channel those of every channel it reads. A reader allowed some levels (restricted but not
     * internal) may read a channel only if it reveals nothing else: power from a restricted torque and an internal
     * map is hidden from it, though its level is restricted.
     */
    private final int[] revealsById = new int[65_536];

    private ChannelAccess(final CompiledManifest manifest)
    {
        final Map<String, Integer> revealsByName = new HashMap<>();
        for (final ParameterDefinition parameter : manifest.registry().parameters())
        {
            levelById[parameter.id()] = parameter.access();
            revealsById[parameter.id()] = 1 << parameter.access().ordinal();
            revealsByName.put(parameter.name(), 1 << parameter.access().ordinal());
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
                int reveals = 1 << AccessLevel.PUBLIC.ordinal();
                for (final String dependency : channel.dependencies())
                {
                    final AccessLevel of = byName.getOrDefault(dependency, AccessLevel.PUBLIC);
                    level = of.compareTo(level) > 0 ? of : level;
                    reveals |= revealsByName.getOrDefault(dependency, 1 << AccessLevel.PUBLIC.ordinal());
                }
                final Integer revealedBefore = revealsByName.get(channel.name());
                if (byName.get(channel.name()) != level || revealedBefore == null || revealedBefore != reveals)
                {
                    byName.put(channel.name(), level);
                    revealsByName.put(channel.name(), reveals);
                    levelById[channel.parameterId()] = level;
                    revealsById[channel.parameterId()] = reveals;
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

    /**
     * A filter showing the channels a reader allowed exactly {@code levels} may read: those that reveal no other
     * level (a derived channel reveals the levels of everything it reads). An id no one defines counts as public.
     */
    public FrameJsonEncoder.ChannelFilter readableIn(final Set<AccessLevel> levels)
    {
        int allowed = 0;
        for (final AccessLevel level : levels)
        {
            allowed |= 1 << level.ordinal();
        }
        final boolean[] shown = new boolean[levelById.length];
        for (int id = 0; id < shown.length; id++)
        {
            final int reveals = levelById[id] == null ? 1 << AccessLevel.PUBLIC.ordinal() : revealsById[id];
            shown[id] = (reveals & ~allowed) == 0;
        }
        return parameterId -> shown[parameterId];
    }

    /** Whether a reader allowed exactly {@code levels} may read channel {@code parameterId} (see {@link #readableIn}). */
    public boolean readableIn(final Set<AccessLevel> levels, final int parameterId)
    {
        int allowed = 0;
        for (final AccessLevel level : levels)
        {
            allowed |= 1 << level.ordinal();
        }
        final int reveals = levelById[parameterId] == null ? 1 << AccessLevel.PUBLIC.ordinal() :
            revealsById[parameterId];
        return (reveals & ~allowed) == 0;
    }
}
