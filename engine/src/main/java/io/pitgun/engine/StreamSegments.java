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

    final SegmentWindow lap;
    final SegmentWindow session;
    final List<LapEntry> laps = new ArrayList<>();

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
        laps.clear();
    }
}
