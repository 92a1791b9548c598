package io.pitgun.engine;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The values of every {@link PipelineCounter}. Each counter sits on its own cache line: they are written by
 * different threads (producers, the journal thread, the processing thread). Single-writer counters are advanced
 * with a release store (no CAS); counters producers share use an atomic add. Readers on any thread see a recent
 * value.
 */
public final class PipelineCounters
{
    private static final int STRIDE = 16; // longs: 128 bytes, two cache lines against adjacent-line prefetch

    private final AtomicLongArray values = new AtomicLongArray(PipelineCounter.values().length * STRIDE);

    /** The current value. */
    public long get(final PipelineCounter counter)
    {
        return values.get(counter.id() * STRIDE);
    }

    /** Frames refused or lost, all reasons together. */
    public long dropped()
    {
        long sum = 0;
        for (final PipelineCounter counter : PipelineCounter.values())
        {
            if (counter.isDrop())
            {
                sum += get(counter);
            }
        }
        return sum;
    }

    /** A copy of every value (cold path). */
    public Map<PipelineCounter, Long> snapshot()
    {
        final Map<PipelineCounter, Long> snapshot = new EnumMap<>(PipelineCounter.class);
        for (final PipelineCounter counter : PipelineCounter.values())
        {
            snapshot.put(counter, get(counter));
        }
        return snapshot;
    }

    /** Adds one from the counter's only writer thread. */
    void increment(final PipelineCounter counter)
    {
        final int index = counter.id() * STRIDE;
        values.lazySet(index, values.get(index) + 1);
    }

    /** Adds {@code delta} from the counter's only writer thread. */
    void add(final PipelineCounter counter, final long delta)
    {
        final int index = counter.id() * STRIDE;
        values.lazySet(index, values.get(index) + delta);
    }

    /** Adds one from any thread. */
    void incrementShared(final PipelineCounter counter)
    {
        values.getAndIncrement(counter.id() * STRIDE);
    }

    /** Adds {@code delta} from any thread (one atomic add for a whole batch). */
    void addShared(final PipelineCounter counter, final long delta)
    {
        values.getAndAdd(counter.id() * STRIDE, delta);
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        for (final PipelineCounter counter : PipelineCounter.values())
        {
            sb.append(sb.length() == 0 ? "" : ", ").append(counter.label()).append('=').append(get(counter));
        }
        return sb.toString();
    }
}
