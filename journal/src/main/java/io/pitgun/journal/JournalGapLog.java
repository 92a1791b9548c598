package io.pitgun.journal;

import org.slf4j.Logger;

import java.util.function.Consumer;

/**
 * A live reader's count of the gaps ({@link JournalGap}) it reads across, each logged at WARN naming the missing
 * file and index range: a follower that runs on (a sink, a hive's derivation, a shipper) cannot exit 1 as a tool
 * does, so the gap is counted (its metric) and said, never passed in silence. Listen with
 * {@link JournalTailer#onGap}. One log may outlive its tailers: a reader that starts over (after a failure, a
 * rewind) reads across the same gap again, which is counted once (a gap is known by the last entry it misses).
 * <p>
 * <b>Threading:</b> told on the reading thread; {@link #gaps()} may be read from any thread.
 */
public final class JournalGapLog implements Consumer<JournalGap>
{
    private final Logger log;
    private final String reader;
    private final String consequence;
    private volatile long gaps;
    private long lastMissingUpTo = Long.MIN_VALUE;

    /**
     * @param log         where each gap is said.
     * @param reader      who read across it, e.g. {@code sink parquet}: the start of each line.
     * @param consequence what the missing entries mean to this reader, e.g. {@code their frames are in no file}.
     */
    public JournalGapLog(final Logger log, final String reader, final String consequence)
    {
        this.log = log;
        this.reader = reader;
        this.consequence = consequence;
    }

    @Override
    public void accept(final JournalGap gap)
    {
        if (gap.missingUpTo() <= lastMissingUpTo)
        {
            return; // read across again by a reader that started over
        }
        lastMissingUpTo = gap.missingUpTo();
        gaps++;
        log.warn(describe(reader, 1, gap, consequence));
    }

    /**
     * The line a reader logs gaps with: {@code reader}, what {@code gaps} gaps, the first {@code first}, leave
     * missing ({@link JournalGap#describe(long, JournalGap)}), and what that means to it ({@code consequence}).
     */
    public static String describe(final String reader, final long gaps, final JournalGap first,
        final String consequence)
    {
        return reader + ": reading the journal: " + JournalGap.describe(gaps, first) + "; " + consequence;
    }

    /** Gaps read across so far, each once. */
    public long gaps()
    {
        return gaps;
    }
}
