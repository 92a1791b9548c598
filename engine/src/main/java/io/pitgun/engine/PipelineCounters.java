package io.pitgun.engine;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.util.EnumMap;
import java.util.Map;

/**
 * The values of every {@link PipelineCounter}, held in an Agrona {@link CountersManager}: in process memory by
 * default, or in the counters file a gateway maps in its data directory, where another process reads them live
 * ({@link CountersFile}). Each value has its own 128-byte record ({@link CountersReader#COUNTER_LENGTH}), two
 * cache lines against false sharing and adjacent-line prefetch, since different threads write them (producers,
 * the journal thread, the processing thread).
 *
 * <p>Ordering: a single-writer counter is advanced with a plain read and a release store (no lock prefix); counters
 * producers share use an atomic add. Readers, on any thread or in another process, load with acquire semantics
 * and see a recent value; an 8-byte-aligned long is never torn.
 */
public final class PipelineCounters
{
    private final AtomicBuffer values;
    private final int[] offsetById = new int[PipelineCounter.values().length];

    /** Counters in process memory (an embedded pipeline, a replay, a test). */
    public PipelineCounters()
    {
        this(CountersFile.inMemoryManager(PipelineCounter.values().length));
    }

    /**
     * Allocates one counter per {@link PipelineCounter} from {@code manager} (type {@link PipelineCounter#TYPE_ID},
     * the id in the key, the label as label). Allocation is not thread-safe: do it while starting.
     */
    public PipelineCounters(final CountersManager manager)
    {
        this.values = manager.valuesBuffer();
        for (final PipelineCounter counter : PipelineCounter.values())
        {
            final int counterId = manager.allocate(counter.label(), PipelineCounter.TYPE_ID,
                key -> key.putInt(0, counter.id()));
            offsetById[counter.id()] = CountersReader.counterOffset(counterId);
        }
    }

    /** The current value. */
    public long get(final PipelineCounter counter)
    {
        return values.getLongVolatile(offsetById[counter.id()]);
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
        add(counter, 1);
    }

    /** Adds {@code delta} from the counter's only writer thread: plain load, release store. */
    void add(final PipelineCounter counter, final long delta)
    {
        final int offset = offsetById[counter.id()];
        values.putLongRelease(offset, values.getLong(offset) + delta);
    }

    /** Adds one from any thread: an atomic add. */
    void incrementShared(final PipelineCounter counter)
    {
        values.getAndAddLong(offsetById[counter.id()], 1);
    }

    /** Adds {@code delta} from any thread (one atomic add for a whole batch). */
    void addShared(final PipelineCounter counter, final long delta)
    {
        values.getAndAddLong(offsetById[counter.id()], delta);
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
