package io.pitgun.f1;

import io.pitgun.engine.CountersFile;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The UDP source's counters: packets received, decoded and ignored, frames published, samples out of the
 * dictionary range, and drops by {@link F1DropReason}. Written by the source's one thread (ordered puts), read by
 * {@code /metrics} and, through the counters file, {@code pitgun stat}. Counter type ids {@value #TYPE_ID} (the
 * totals, the {@link Total} ordinal in the key) and {@value #DROP_TYPE_ID} (drops, the reason's ordinal).
 */
public final class F1UdpCounters
{
    /** Counter type of the totals. */
    public static final int TYPE_ID = 20;
    /** Counter type of the drops by reason. */
    public static final int DROP_TYPE_ID = 21;
    /** Counters this class allocates. */
    public static final int COUNTER_COUNT = Total.values().length + F1DropReason.values().length;

    /** The totals, in key order. */
    public enum Total
    {
        /** Datagrams received. */
        PACKETS_RECEIVED("f1 udp: packets received"),
        /** Packets decoded into frames. */
        PACKETS_DECODED("f1 udp: packets decoded"),
        /** Well-formed packets of an id the source does not decode (participants, car setups, damage...). */
        PACKETS_IGNORED("f1 udp: packets ignored"),
        /** Frames published into the ring. */
        FRAMES_PUBLISHED("f1 udp: frames published"),
        /** Samples left out of their frame because the value was outside the dictionary range (or NaN). */
        SAMPLES_OUT_OF_RANGE("f1 udp: samples out of range");

        final String label;

        Total(final String label)
        {
            this.label = label;
        }
    }

    private final AtomicCounter[] totals = new AtomicCounter[Total.values().length];
    private final AtomicCounter[] drops = new AtomicCounter[F1DropReason.values().length];

    /** Counters in process memory (embedders without a counters file, tests). */
    public F1UdpCounters()
    {
        this(CountersFile.inMemoryManager(COUNTER_COUNT));
    }

    /** Allocates every counter from {@code manager} (not thread-safe: while starting). */
    public F1UdpCounters(final CountersManager manager)
    {
        for (final Total total : Total.values())
        {
            totals[total.ordinal()] = manager.newCounter(total.label, TYPE_ID, key -> key.putInt(0, total.ordinal()));
        }
        for (final F1DropReason reason : F1DropReason.values())
        {
            drops[reason.ordinal()] = manager.newCounter("f1 udp drops: " + reason.label(), DROP_TYPE_ID,
                key -> key.putInt(0, reason.ordinal()));
        }
    }

    /** The value of a total. */
    public long get(final Total total)
    {
        return totals[total.ordinal()].get();
    }

    /** Drops so far for {@code reason}. */
    public long drops(final F1DropReason reason)
    {
        return drops[reason.ordinal()].get();
    }

    void increment(final Total total)
    {
        // One writer (the source's thread): a release increment is enough, readers are other threads.
        totals[total.ordinal()].incrementRelease();
    }

    void dropped(final F1DropReason reason)
    {
        drops[reason.ordinal()].incrementRelease();
    }
}
