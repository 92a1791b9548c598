package io.pitgun.scaleout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How long each phase of a hive's start took, and how many of its bounded waits ran into their timeout: a start
 * after a {@code kill -9} must not spend a timeout in full waiting for something that can no longer happen. Logged
 * as one line ({@link #summary()}) once the hive listens, at INFO under this class's logger (which {@code pitgun}'s
 * logging configuration shows although it shows other INFO lines not). Used by the starting thread only.
 */
final class HiveStartPhases
{
    private static final Logger LOG = LoggerFactory.getLogger(HiveStartPhases.class);

    /** One phase's name and duration. */
    record Phase(String name, long durationNs)
    {
    }

    private final List<Phase> phases = new ArrayList<>();
    private final long startNs = System.nanoTime();
    private long phaseStartNs = startNs;
    private int timeoutsHit;

    /** Ends the phase under way, named {@code name}, and starts the next one now. */
    void end(final String name)
    {
        final long now = System.nanoTime();
        phases.add(new Phase(name, now - phaseStartNs));
        phaseStartNs = now;
    }

    /** A bounded wait of the start ran into its timeout (the start went on, or failed). */
    void timeoutHit()
    {
        timeoutsHit++;
    }

    /** Logs {@link #summary()}: at INFO once started, at WARN when the start failed. */
    void log(final boolean started)
    {
        if (started)
        {
            LOG.info(summary());
        }
        else
        {
            LOG.warn("{} (failed)", summary());
        }
    }

    /** The phases ended so far, in order. */
    List<Phase> phases()
    {
        return List.copyOf(phases);
    }

    /** Waits of the start that ran into their timeout. */
    int timeoutsHit()
    {
        return timeoutsHit;
    }

    /** From the start to the end of the last phase. */
    long totalNs()
    {
        return phaseStartNs - startNs;
    }

    /** {@code "hive start: archive 1.2 s, tail replay 0.8 s, ..., total 2.1 s, timeouts hit 0"}. */
    String summary()
    {
        final StringBuilder line = new StringBuilder("hive start: ");
        for (final Phase phase : phases)
        {
            line.append(phase.name()).append(' ').append(seconds(phase.durationNs())).append(" s, ");
        }
        return line.append("total ").append(seconds(totalNs())).append(" s, timeouts hit ").append(timeoutsHit)
            .toString();
    }

    private static String seconds(final long ns)
    {
        return String.format(Locale.ROOT, "%.3f", ns / (double)TimeUnit.SECONDS.toNanos(1));
    }
}
