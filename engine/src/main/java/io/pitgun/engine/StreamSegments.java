package io.pitgun.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The open lap and session segments of one stream, and the laps the session has had so far.
 */
final class StreamSegments
{
    /** A finished lap, listed in the session summary. */
    record LapEntry(int lapNumber, long startTimestampUs, long endTimestampUs, long frameCount, String insightId)
    {
    }

    /**
     * The most laps a session summary lists (within the insight contract's {@code laps.maxItems}). Without a bound a
     * stream whose {@code lap_number} changed on every frame kept an entry per frame until its session ended (heap
     * growing with a producer's input), and its summary outgrew what a subscriber can be sent (an eighth of
     * {@code subscriber_buffer_bytes}, 128 KiB by default; 500 entries take about 90 KB). Every lap still has its own
     * lap summary; the session summary counts the laps it leaves out ({@code laps_omitted}).
     */
    static final int MAX_LISTED_LAPS = 500;

    final SegmentWindow lap;
    final SegmentWindow session;
    final List<LapEntry> laps = new ArrayList<>();
    /** Laps of the session past {@link #MAX_LISTED_LAPS}, not listed. */
    long lapsOmitted;

    StreamSegments(final SegmentPlan plan)
    {
        lap = plan.hasLap() ? new SegmentWindow(plan.lapAggregates) : null;
        session = plan.hasSession() ? new SegmentWindow(plan.sessionAggregates) : null;
    }

    void reset()
    {
        if (lap != null)
        {
            lap.reset();
        }
        if (session != null)
        {
            session.reset();
        }
        clearLaps();
    }

    /** Forgets the session's laps (its summary was written, or its stream ended). */
    void clearLaps()
    {
        laps.clear();
        lapsOmitted = 0;
    }

    /** Lists a finished lap in the session's summary, or counts it as left out once the list is full. */
    void addLap(final LapEntry entry)
    {
        if (laps.size() < MAX_LISTED_LAPS)
        {
            laps.add(entry);
        }
        else
        {
            lapsOmitted++;
        }
    }
}
