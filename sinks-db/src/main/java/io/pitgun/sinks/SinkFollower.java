package io.pitgun.sinks;

import io.pitgun.engine.OutputFollower;

import java.util.ArrayList;
import java.util.List;

/** An {@link OutputFollower} that reports through {@link SinkCounters} ({@code pitgun_sink_*} in {@code /metrics}). */
public interface SinkFollower extends OutputFollower
{
    /** The follower's counters, labelled {@code sink=}{@link #name()}. */
    SinkCounters counters();

    /** The counters of those of {@code followers} that have them, in order. */
    static List<SinkCounters> countersOf(final List<OutputFollower> followers)
    {
        final List<SinkCounters> counters = new ArrayList<>();
        for (final OutputFollower follower : followers)
        {
            if (follower instanceof SinkFollower sink)
            {
                counters.add(sink.counters());
            }
        }
        return counters;
    }
}
