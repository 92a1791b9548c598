package io.pitgun.engine;

import java.util.List;

/**
 * One open segment (a lap or a session) of one stream: its time window, frame and journal ranges, and the
 * statistics of each aggregated channel.
 */
final class SegmentWindow
{
    final ChannelStats[] stats;
    boolean open;
    int lapNumber;
    long startTimestampUs;
    long endTimestampUs;
    long frameCount;
    long firstSequence;
    long lastSequence;
    long firstJournalIndex;
    long lastJournalIndex;

    SegmentWindow(final List<SegmentPlan.Aggregate> aggregates)
    {
        stats = new ChannelStats[aggregates.size()];
        for (int i = 0; i < stats.length; i++)
        {
            stats[i] = new ChannelStats(aggregates.get(i).percentiles().length > 0);
        }
    }

    void reset()
    {
        open = false;
        frameCount = 0;
        for (final ChannelStats s : stats)
        {
            s.reset();
        }
    }

    void add(final long timestampUs, final long sequence, final long firstIndex, final long lastIndex)
    {
        if (!open)
        {
            open = true;
            startTimestampUs = timestampUs;
            firstSequence = sequence;
            firstJournalIndex = firstIndex;
            lastJournalIndex = lastIndex;
        }
        // The span of its frames' times, whatever their order: a window whose last frame went back in time would
        // otherwise end before it starts.
        startTimestampUs = Math.min(startTimestampUs, timestampUs);
        endTimestampUs = frameCount == 0 ? timestampUs : Math.max(endTimestampUs, timestampUs);
        lastSequence = sequence;
        frameCount++;
        firstJournalIndex = Math.min(firstJournalIndex, firstIndex);
        lastJournalIndex = Math.max(lastJournalIndex, lastIndex);
    }
}
