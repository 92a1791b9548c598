package io.pitgun.scaleout;

import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.status.RecordingPos;
import io.aeron.exceptions.AeronException;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.status.CountersReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the hive's Aeron Archive from growing without bound: purges every <b>stopped</b> recording of the hive's
 * record ({@link HiveRecorder}), and of the shipping stream itself (recorded as it arrived by earlier versions),
 * keeping the ones being written; and when one being written passes {@link #maxLiveBytes}, restarts the record's
 * recording, which stops it (purged by the next sweep) and begins a new one where the record is.
 * <p>
 * <b>Why that is safe:</b> the per-edge journals, not the recordings, are the hive's record of truth. Only the tail
 * of the last recording is ever read back (at start, {@link HiveRecorder}), and a batch missing from it is one the
 * hive never acknowledged, which the edge ships again from its own journal.
 * <p>
 * <b>Threading:</b> {@link #sweep()} runs on the hive's retention thread (and once at start, after the record's
 * recording is continued); the counters are read from any thread.
 */
final class ArchiveRetention
{
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveRetention.class);
    /** Recordings listed per control request: a sweep pages through the catalogue in steps of this many. */
    private static final int LIST_PAGE = 256;

    private final AeronArchive archive;
    private final CountersReader counters;
    private final int streamId;
    /** The shipping stream: earlier versions recorded it as it arrived; those recordings are purged once stopped. */
    private final int legacyStreamId;
    private final long maxLiveBytes;
    private final Runnable restartRecording;
    private boolean restartNeeded;
    private volatile long recordingRestarts;
    private final LongArrayList stopped = new LongArrayList();
    /** Recordings a purge failed for, so each is logged once. */
    private final LongHashSet warned = new LongHashSet();
    /** The bytes of each recording in {@link #stopped}, at the same index. */
    private final LongArrayList stoppedLengths = new LongArrayList();
    private long lastListedId;
    private volatile long recordingsPurged;
    private volatile long bytesPurged;
    private volatile long failures;

    /**
     * @param counters         the driver's counters: a recording is being written while its position counter exists.
     * @param maxLiveBytes     the most bytes a recording being written may hold before the recording restarts.
     * @param restartRecording stops and starts the shipping stream's recording.
     */
    ArchiveRetention(final AeronArchive archive, final CountersReader counters, final int streamId,
        final int legacyStreamId, final long maxLiveBytes, final Runnable restartRecording)
    {
        this.legacyStreamId = legacyStreamId;
        this.archive = archive;
        this.counters = counters;
        this.streamId = streamId;
        this.maxLiveBytes = maxLiveBytes;
        this.restartRecording = restartRecording;
    }

    /** Times the recording restarted because one being written passed the most bytes. */
    long recordingRestarts()
    {
        return recordingRestarts;
    }

    /** Stopped recordings purged since the hive started. */
    long recordingsPurged()
    {
        return recordingsPurged;
    }

    /** Bytes of those recordings (stop minus start position; 0 for one a killed hive left without a stop). */
    long bytesPurged()
    {
        return bytesPurged;
    }

    /** Purges or listings that failed (the archive refused or did not answer); the next sweep tries again. */
    long failures()
    {
        return failures;
    }

    /** Purges every stopped recording of the shipping stream; returns how many. */
    int sweep()
    {
        try
        {
            stopped.clear();
            stoppedLengths.clear();
            lastListedId = -1;
            restartNeeded = false;
            int listed;
            do
            {
                // Lists valid recordings (purged ones are not) from the id given: page on after the last one seen.
                listed = archive.listRecordings(lastListedId + 1, LIST_PAGE, this::onRecording);
            }
            while (listed == LIST_PAGE);
            if (restartNeeded)
            {
                restartRecording.run();
                recordingRestarts++;
                LOG.info("archive: a recording passed {} bytes: recording restarted (the next sweep purges the " +
                    "finished ones)", maxLiveBytes);
            }
            int purged = 0;
            long purgedBytes = 0;
            for (int i = 0; i < stopped.size(); i++)
            {
                final long recordingId = stopped.getLong(i);
                try
                {
                    archive.purgeRecording(recordingId);
                    recordingsPurged++;
                    purged++;
                    purgedBytes += stoppedLengths.getLong(i);
                }
                catch (final AeronException ex)
                {
                    // E.g. listed between its catalogue entry and its position counter: active after all. Tried
                    // again next sweep; said once.
                    failures++;
                    if (warned.add(recordingId))
                    {
                        LOG.warn("archive: recording {} not purged (tried again each sweep): {}", recordingId,
                            ex.getMessage());
                    }
                }
            }
            if (purged > 0)
            {
                // Only what was purged: a recording whose purge failed is tried (and counted) again next sweep.
                bytesPurged += purgedBytes;
                LOG.info("archive: purged {} finished recording(s), {} bytes (their batches are in the edges' " +
                    "journals or will be shipped again)", purged, purgedBytes);
            }
            return purged;
        }
        catch (final RuntimeException ex)
        {
            // Caught whatever it is: an exception escaping a periodic task would end the sweeps silently.
            failures++;
            LOG.warn("archive: retention sweep failed, tried again later: {}", ex.toString());
            return 0;
        }
    }

    @SuppressWarnings("checkstyle:ParameterNumber")
    private void onRecording(final long controlSessionId, final long correlationId, final long recordingId,
        final long startTimestamp, final long stopTimestamp, final long startPosition, final long stopPosition,
        final int initialTermId, final int segmentFileLength, final int termBufferLength, final int mtuLength,
        final int sessionId, final int recordingStreamId, final String strippedChannel,
        final String originalChannel, final String sourceIdentity)
    {
        lastListedId = Math.max(lastListedId, recordingId);
        // Stopped: no position counter. (A hive killed mid-recording leaves its stop position unset in the catalogue,
        // so the counter, not the stop position, says whether the archive is still writing it.)
        if (recordingStreamId != streamId && recordingStreamId != legacyStreamId)
        {
            return;
        }
        final int positionCounter = RecordingPos.findCounterIdByRecording(counters, recordingId);
        if (positionCounter == CountersReader.NULL_COUNTER_ID)
        {
            stopped.addLong(recordingId);
            stoppedLengths.addLong(stopPosition == AeronArchive.NULL_POSITION ? 0 : stopPosition - startPosition);
        }
        else if (counters.getCounterValue(positionCounter) - startPosition > maxLiveBytes)
        {
            restartNeeded = true;
        }
    }
}
