package io.pitgun.storage;

import io.pitgun.journal.Journal;

import java.util.UUID;

/**
 * Which journal messages an export takes: an index range, a time range (frame and session-marker
 * {@code timestamp_us}, inclusive) and one session, each optional.
 *
 * @param fromIndex first journal index, or {@link Journal#NO_INDEX} for the first.
 * @param toIndex   last journal index, or {@link Journal#NO_INDEX} for the last.
 * @param fromTimeUs earliest timestamp in microseconds since the epoch, or {@link Long#MIN_VALUE}.
 * @param toTimeUs   latest timestamp, or {@link Long#MAX_VALUE}.
 * @param session    only this session, or null.
 */
public record ExportSelection(long fromIndex, long toIndex, long fromTimeUs, long toTimeUs, UUID session)
{
    /** The whole journal. */
    public static ExportSelection all()
    {
        return new ExportSelection(Journal.NO_INDEX, Journal.NO_INDEX, Long.MIN_VALUE, Long.MAX_VALUE, null);
    }

    boolean inTime(final long timestampUs)
    {
        return timestampUs >= fromTimeUs && timestampUs <= toTimeUs;
    }
}
