package io.pitgun.journal;

/**
 * What a journal holds, as {@link JournalStatsCollector} counted it.
 *
 * @param entries          entries read.
 * @param frames           {@code TelemetryFrame} entries.
 * @param sessionStarts    {@code SessionStart} entries.
 * @param sessionEnds      {@code SessionEnd} entries.
 * @param manifestsLoaded  {@code ManifestLoaded} entries.
 * @param policiesLoaded   {@code PolicyLoaded} entries.
 * @param pipelinesDrained {@code PipelineDrained} entries: graceful stops.
 * @param sessions         distinct session ids in frames and session messages.
 * @param sources          distinct source ids in frames.
 * @param firstTimestampUs smallest frame {@code timestampUs}, or {@link Long#MAX_VALUE} without frames.
 * @param lastTimestampUs  largest frame {@code timestampUs}, or {@link Long#MIN_VALUE} without frames.
 * @param firstIndex       index of the first entry, or {@link Journal#NO_INDEX}.
 * @param lastIndex        index of the last entry, or {@link Journal#NO_INDEX}.
 * @param files            queue cycle files ({@code .cq4}).
 * @param fileBytes        their apparent size; Chronicle grows them sparsely in blocks, so the disk holds less.
 * @param messageBytes     bytes of SBE messages journaled (without the per-entry headers).
 * @param badEntries       entries that are not a well-formed message (see {@link JournalVerifier}).
 * @param firstBadIndex    index of the first, or {@link Journal#NO_INDEX}.
 * @param firstProblem     what is wrong with it, or null.
 */
public record JournalStats(
    long entries, long frames, long sessionStarts, long sessionEnds, long manifestsLoaded, long policiesLoaded,
    long pipelinesDrained, int sessions, int sources,
    long firstTimestampUs, long lastTimestampUs, long firstIndex, long lastIndex, int files, long fileBytes,
    long messageBytes, long badEntries, long firstBadIndex, String firstProblem)
{
    /** True if the journal holds at least one frame (so the timestamps mean something). */
    public boolean hasFrames()
    {
        return frames > 0;
    }
}
