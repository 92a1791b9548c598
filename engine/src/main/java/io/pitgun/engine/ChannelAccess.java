package io.pitgun.engine;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.json.FrameJsonEncoder;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.Stage;
import io.pitgun.manifest.formula.FormulaException;
import io.pitgun.manifest.formula.Parser;
import io.pitgun.manifest.formula.Syntax;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

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
    /** Every channel a filter's {@code where} reads, in stage order: whether a frame passes tells about each. */
    private final List<FilterRead> filterReads = new ArrayList<>();
    /** Per derived channel id, the dictionary channel ids it is computed from (see {@link DerivedSources}). */
    private final Map<Integer, int[]> sourcesById;
    /** Per channel id, true for a derived channel present in frames without its sources ({@link DerivedPresence}). */
    private final boolean[] presentWithoutSources;

    /**
     * A channel a filter stage's {@code where} reads.
     *
     * @param pointer     the filter's {@code where}, as a JSON Pointer into the manifest.
     * @param channel     the channel's name.
     * @param parameterId its id (a dictionary channel's, or a derived channel's).
     */
    public record FilterRead(String pointer, String channel, int parameterId)
    {
    }

    private ChannelAccess(final CompiledManifest manifest)
    {
        for (final ParameterDefinition parameter : manifest.registry().parameters())
        {
            levelById[parameter.id()] = parameter.access();
            revealsById[parameter.id()] = 1 << parameter.access().ordinal();
        }
        // A derived channel's level and what it reveals follow from the dictionary channels it is computed from.
        sourcesById = DerivedSources.of(manifest);
        presentWithoutSources = DerivedPresence.presentWithoutSources(manifest);
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            AccessLevel level = AccessLevel.PUBLIC;
            int reveals = 1 << AccessLevel.PUBLIC.ordinal();
            for (final int source : sourcesById.get(channel.parameterId()))
            {
                final AccessLevel of = levelOf(source);
                level = of.compareTo(level) > 0 ? of : level;
                reveals |= 1 << of.ordinal();
            }
            levelById[channel.parameterId()] = level;
            revealsById[channel.parameterId()] = reveals;
        }
        final Map<String, Integer> ids = new HashMap<>();
        for (final ParameterDefinition parameter : manifest.registry().parameters())
        {
            ids.put(parameter.name(), parameter.id());
        }
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            ids.put(channel.name(), channel.parameterId());
        }
        for (final Stage stage : manifest.manifest().stages())
        {
            if (stage instanceof Stage.Filter && ((Stage.Filter)stage).where() != null)
            {
                final List<Syntax.Name> names = new ArrayList<>();
                try
                {
                    ManifestCompiler.collectNames(Parser.parse(((Stage.Filter)stage).where()), names);
                }
                catch (final FormulaException ex)
                {
                    throw new IllegalStateException("a compiled manifest's filter does not parse", ex);
                }
                for (final Syntax.Name name : names)
                {
                    final Integer id = ids.get(name.name());
                    if (id != null) // else the frame time, which tells about no channel
                    {
                        filterReads.add(new FilterRead(stage.pointer() + "/where", name.name(), id));
                    }
                }
            }
        }
    }

    /**
     * The first channel a filter's {@code where} reads that a reader allowed exactly {@code levels} may not read
     * (see {@link #readableIn}), or null when there is none. Such a reader must not receive the pipeline's output:
     * which frames pass the filter tells about the channel, whatever the frames carry.
     */
    public FilterRead unreadableFilterRead(final Set<AccessLevel> levels)
    {
        for (final FilterRead read : filterReads)
        {
            if (!readableIn(levels, read.parameterId()))
            {
                return read;
            }
        }
        return null;
    }

    /** Every channel a filter's {@code where} reads, in stage order (a reader must be allowed each). */
    public List<FilterRead> filterReads()
    {
        return java.util.Collections.unmodifiableList(filterReads);
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

    /**
     * Of the channels {@code readable} shows, those whose presence in a frame tells that a frame with channels the
     * reader may read came: all but derived channels present in frames without their sources (a constant,
     * {@code hold(x)}, ...; {@link DerivedPresence}). A frame showing a reader none of these is withheld from it
     * ({@link FrameJsonEncoder#showsAnySample}): sent, it would tell when frames of other channels came.
     */
    public FrameJsonEncoder.ChannelFilter marksFrames(final FrameJsonEncoder.ChannelFilter readable)
    {
        return parameterId -> readable.shows(parameterId) && !presentWithoutSources[parameterId];
    }

    /**
     * The channels a reader allowed the dictionary channels {@code allowed} accepts may read, indexed by parameter
     * id: those channels, and each derived channel computed only from them (its value tells about nothing else).
     * Cold path (a subscriber's allow-list).
     */
    public boolean[] readableFrom(final IntPredicate allowed)
    {
        final boolean[] shown = new boolean[levelById.length];
        for (int id = 0; id < shown.length; id++)
        {
            final int[] sources = sourcesById.get(id);
            if (sources == null)
            {
                shown[id] = allowed.test(id);
            }
            else
            {
                boolean all = true;
                for (final int source : sources)
                {
                    all &= allowed.test(source);
                }
                shown[id] = all;
            }
        }
        return shown;
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
