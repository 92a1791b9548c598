package io.pitgun.sinks;

import io.pitgun.journal.JournalGapLog;
import org.slf4j.LoggerFactory;

/**
 * One database sink's counters, exported by the gateway's {@code /metrics} with the label {@code sink}. Written only
 * by the sink's threads (the follower and its pipeline's processing thread, each its own fields); read from any
 * thread (volatile fields: a reader sees each value as last written, not a consistent set).
 */
public final class SinkCounters
{
    /** {@link #state()}: not connected (starting, or waiting to retry). */
    public static final int NOT_CONNECTED = 0;
    /** {@link #state()}: connected and writing. */
    public static final int WRITING = 1;

    private final String sink;
    private volatile long rowsWritten;
    private volatile long rowsSkipped;
    private volatile long batchesWritten;
    private volatile long failures;
    private volatile long dropped;
    private volatile long writtenPosition = -1;
    private volatile long behindSinceNs;
    private volatile int state;
    private volatile long retryDelayMs;
    private final JournalGapLog journalGaps;

    /**
     * A sink behind from now on until its follower first reports it caught up: a start-up scan (of files written
     * before, of what a database holds) is not "caught up" however long it takes.
     *
     * @param sink the sink's name, the {@code sink} label: {@code questdb}, {@code postgres} or {@code parquet}.
     */
    public SinkCounters(final String sink)
    {
        this.sink = sink;
        this.behindSinceNs = System.nanoTime();
        this.journalGaps = new JournalGapLog(LoggerFactory.getLogger(SinkCounters.class), "sink " + sink,
            "what those entries held is not in the sink's output, unless it wrote them before the file went " +
            "(pitgun journal verify names every gap)");
    }

    /**
     * Counts and logs the gaps between cycle files the sink's follower reads across (a cycle file deleted from the
     * middle of the journal): give it to the follower's tailer ({@code onGap}). The same log for every start of the
     * follower, so a gap read again after a failure is counted once.
     */
    public JournalGapLog journalGapLog()
    {
        return journalGaps;
    }

    /** Gaps between cycle files the sink read across: entries missing from the journal, so from its output. */
    public long journalGaps()
    {
        return journalGaps.gaps();
    }

    /** The sink's name ({@code questdb}, {@code postgres}). */
    public String sink()
    {
        return sink;
    }

    /** Rows the database accepted (a re-run after a restart writes some again: the database deduplicates them). */
    public long rowsWritten()
    {
        return rowsWritten;
    }

    /** Outputs not written because the database already held them (the resume point read at connect). */
    public long rowsSkipped()
    {
        return rowsSkipped;
    }

    /** Batches (ILP flushes, JDBC commits) the database accepted. */
    public long batchesWritten()
    {
        return batchesWritten;
    }

    /** Connections lost or refused and writes that failed; each is followed by a reconnect with back-off. */
    public long failures()
    {
        return failures;
    }

    /** Outputs the sink could not represent and left out (an insight that is not JSON); each is logged. */
    public long dropped()
    {
        return dropped;
    }

    /** The journal position of the last frame written, or -1. */
    public long writtenPosition()
    {
        return writtenPosition;
    }

    /** 0 not connected, 1 writing. */
    public int state()
    {
        return state;
    }

    /** Seconds since the sink last had written everything the journal held (0: caught up); it grows while the sink
     *  is disconnected. */
    public double lagSeconds(final long nowNs)
    {
        final long since = behindSinceNs;
        return since == 0 ? 0 : Math.max(0, nowNs - since) / 1e9;
    }

    /** A batch of {@code rows} the target accepted (for Parquet: a file completed). */
    public void onRowsWritten(final long rows)
    {
        rowsWritten += rows;
        batchesWritten++;
    }

    /** An output the target already held, not written again. */
    public void onSkipped()
    {
        rowsSkipped++;
    }

    /** A failure at {@code nowNs}: from then on the sink is behind until it has caught up again, even if the
     *  journal gets nothing new meanwhile (it cannot know what the database kept). */
    public void onFailure(final long nowNs)
    {
        failures++;
        state = NOT_CONNECTED;
        if (behindSinceNs == 0)
        {
            behindSinceNs = nowNs;
        }
    }

    /** An output the sink could not represent (logged by the sink). */
    public void onDropped()
    {
        onDropped(1);
    }

    /** {@code count} outputs the sink could not represent (logged by the sink). */
    public void onDropped(final long count)
    {
        dropped += count;
    }

    /** The journal position of the last frame written. */
    public void onPosition(final long position)
    {
        writtenPosition = position;
    }

    /** The wait before the next reconnect, in milliseconds (0 before the first failure). */
    public long retryDelayMs()
    {
        return retryDelayMs;
    }

    /** The runner waits {@code ms} before its next reconnect. */
    public void onRetryDelay(final long ms)
    {
        retryDelayMs = ms;
    }

    /** {@link #NOT_CONNECTED} or {@link #WRITING}. */
    public void state(final int state)
    {
        this.state = state;
    }

    /** Called by the follower: {@code caughtUp} when it has read the journal to its end and the sink wrote it all. */
    public void onProgress(final boolean caughtUp, final long nowNs)
    {
        if (caughtUp)
        {
            behindSinceNs = 0;
        }
        else if (behindSinceNs == 0)
        {
            behindSinceNs = nowNs;
        }
    }
}
