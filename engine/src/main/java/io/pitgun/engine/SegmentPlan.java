package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.dictionary.ParameterTable;
import io.pitgun.manifest.AggregateSpec;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import io.pitgun.manifest.Stage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the segment stage aggregates, resolved once from the manifest: the channels it captures from each derived
 * frame (by parameter id) and, for lap and session segments, which captured channel each aggregate reads and
 * which percentiles it reports. Several segments of one kind are merged (their channels united). A manifest has
 * lap and session segments only (the compiler refuses sector ones: {@code insight-contract/v1} has no such kind).
 */
final class SegmentPlan
{
    /**
     * One aggregated channel of a segment kind: the statistics its segments list ({@code stats}, united across
     * segments of one kind, in {@link SegmentStatistic} order) and its percentiles.
     */
    record Aggregate(String channel, String unit, int captureIndex, Set<SegmentStatistic> statistics,
        double[] percentiles)
    {
    }

    /** Per parameter id: the capture index of an aggregated channel as the slot ({@code NO_SLOT}: none). */
    final ParameterTable captures;
    final int captureCount;
    final List<Aggregate> lapAggregates;
    final List<Aggregate> sessionAggregates;

    SegmentPlan(final CompiledManifest manifest)
    {
        final ParameterTable.Builder captureTable = ParameterTable.builder();
        final Map<String, Integer> captureByName = new LinkedHashMap<>();
        final Map<String, Aggregate> lap = new LinkedHashMap<>();
        final Map<String, Aggregate> session = new LinkedHashMap<>();
        for (final Stage.Segment segment : manifest.segments())
        {
            final Map<String, Aggregate> target = segment.by() == Stage.SegmentBy.LAP ? lap : session;
            for (final AggregateSpec spec : segment.aggregates())
            {
                final String name = spec.channel();
                final int id = parameterId(manifest, name);
                final Integer existing = captureByName.get(name);
                final int capture = existing != null ? existing : captureByName.size();
                if (existing == null)
                {
                    captureByName.put(name, capture);
                    captureTable.slot(id, capture, 0);
                }
                final Aggregate previous = target.get(name);
                final Set<SegmentStatistic> statistics = EnumSet.noneOf(SegmentStatistic.class);
                spec.stats().forEach(symbol -> statistics.add(SegmentStatistic.fromSymbol(symbol)));
                final List<Double> percentiles = new ArrayList<>(spec.percentiles());
                if (previous != null)
                {
                    statistics.addAll(previous.statistics());
                    for (final double p : previous.percentiles())
                    {
                        if (!percentiles.contains(p))
                        {
                            percentiles.add(p);
                        }
                    }
                }
                final double[] ps = new double[percentiles.size()];
                for (int i = 0; i < ps.length; i++)
                {
                    ps[i] = percentiles.get(i);
                }
                target.put(name, new Aggregate(name, unitOf(manifest, name), capture,
                    Collections.unmodifiableSet(statistics), ps));
            }
        }
        captures = captureTable.build();
        captureCount = captureByName.size();
        lapAggregates = List.copyOf(lap.values());
        sessionAggregates = List.copyOf(session.values());
    }

    boolean hasLap()
    {
        return !lapAggregates.isEmpty();
    }

    boolean hasSession()
    {
        return !sessionAggregates.isEmpty();
    }

    private static int parameterId(final CompiledManifest manifest, final String name)
    {
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            if (channel.name().equals(name))
            {
                return channel.parameterId();
            }
        }
        final ParameterDefinition parameter = manifest.registry().byName(name);
        if (parameter == null)
        {
            throw new IllegalArgumentException("segment channel '" + name + "' is neither derived nor in dictionary " +
                manifest.registry().name());
        }
        return parameter.id();
    }

    private static String unitOf(final CompiledManifest manifest, final String name)
    {
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            if (channel.name().equals(name))
            {
                return channel.unit() == null ? null : channel.unit().symbol();
            }
        }
        final ParameterRegistry registry = manifest.registry();
        return registry.byName(name).unit().symbol();
    }
}
