package io.pitgun.scaleout;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.codecs.SourceLocation;
import io.aeron.archive.status.RecordingPos;
import io.aeron.exceptions.AeronException;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.CountersReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The hive's Aeron Archive record: every batch the hive takes (one that brings frames it does not hold), offered to
 * an IPC publication the Archive records, <b>before</b> its frames are appended to the edge's journal (a
 * write-ahead record). One recording, continued across the hive's restarts with
 * {@link AeronArchive#extendRecording}: at start the hive finds its last recording, <b>replays</b> its tail through
 * the writers (the batch a hive killed between recording and appending did not append is appended now; frames
 * already held are dropped as duplicates), then opens the publication at the recording's stop position and extends
 * the recording from there, so the record's positions and bytes run on without a break.
 * <p>
 * <b>Why the tail suffices.</b> The writer thread records batch k, then appends it; so when the process dies, the
 * journals hold every batch before k, and the record holds at most batch k beyond them. A batch is at most
 * {@link #MAX_BATCH_BYTES}, an eighth of the term: replaying from the start of the term a quarter term before the
 * stop position covers it (a term's start is always a frame's start, where a replay may begin).
 * <p>
 * <b>Threading:</b> {@link #onTaking} on the writer's thread; {@link #restartRecording} on the retention thread
 * (the Archive client serialises its requests); counters from any thread.
 */
final class HiveRecorder implements BatchRecorder, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(HiveRecorder.class);
    /** The stream the hive's record is published and recorded on (IPC: the hive's own driver). */
    static final int RECORDING_STREAM_ID = 1603;
    /** The stream a replay of the record arrives on at start. */
    private static final int REPLAY_STREAM_ID = 1604;
    private static final String IPC = "aeron:ipc";
    /** 16 MiB terms: the largest message is an eighth, 2 MiB, the largest batch an edge sends (its UDP term's). */
    private static final int TERM_LENGTH = 16 * 1024 * 1024;
    /** The largest batch recorded. */
    static final int MAX_BATCH_BYTES = TERM_LENGTH / 8;
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(30);
    /** How long a batch's offer may be back-pressured by the Archive before the batch goes unrecorded. */
    private static final long OFFER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private final AeronArchive archive;
    private final ExclusivePublication publication;
    private final String recordedChannel;
    private final boolean extended;
    private final long replayedBytes;
    private volatile long batchesNotRecorded;

    private HiveRecorder(final AeronArchive archive, final ExclusivePublication publication,
        final String recordedChannel, final boolean extended, final long replayedBytes)
    {
        this.archive = archive;
        this.publication = publication;
        this.recordedChannel = recordedChannel;
        this.extended = extended;
        this.replayedBytes = replayedBytes;
    }

    /**
     * Finds the hive's last recording, replays its tail into {@code replayed} (on this thread, before the writer
     * runs), and continues it (or starts the first one); returns once the Archive records the publication.
     */
    static HiveRecorder start(final Aeron aeron, final AeronArchive archive, final FragmentHandler replayed,
        final HiveStartPhases phases)
    {
        final long[] last = {RecordingPos.NULL_RECORDING_ID, 0, 0, 0, 0, 0};
        archive.listRecordingsForUri(0, Integer.MAX_VALUE, IPC, RECORDING_STREAM_ID,
            (controlSessionId, correlationId, recordingId, startTimestamp, stopTimestamp, startPosition,
                stopPosition, initialTermId, segmentFileLength, termBufferLength, mtuLength, sessionId, streamId,
                strippedChannel, originalChannel, sourceIdentity) ->
            {
                if (recordingId > last[0])
                {
                    last[0] = recordingId;
                    last[1] = startPosition;
                    last[2] = stopPosition;
                    last[3] = initialTermId;
                    last[4] = termBufferLength;
                    last[5] = mtuLength;
                }
            });
        phases.end("recording list");
        final long recordingId = last[0];
        final long stopPosition = last[2];
        long replayedBytes = 0;
        String channel = new ChannelUriStringBuilder().media("ipc").termLength(TERM_LENGTH).build();
        final boolean extend =
            recordingId != RecordingPos.NULL_RECORDING_ID && stopPosition != AeronArchive.NULL_POSITION;
        if (extend)
        {
            final int termLength = (int)last[4];
            final long from = Math.max(last[1],
                Math.floorDiv(stopPosition - termLength / 4, termLength) * (long)termLength);
            replayedBytes = replay(aeron, archive, recordingId, from, stopPosition, replayed, phases);
            phases.end("tail replay");
            channel = new ChannelUriStringBuilder().media("ipc").initialPosition(stopPosition, (int)last[3], termLength)
                .mtu((int)last[5]).build();
        }
        ExclusivePublication publication = null;
        try
        {
            publication = aeron.addExclusivePublication(channel, RECORDING_STREAM_ID);
            final String recordedChannel = ChannelUri.addSessionId(IPC, publication.sessionId());
            if (extend)
            {
                archive.extendRecording(recordingId, recordedChannel, RECORDING_STREAM_ID, SourceLocation.LOCAL);
            }
            else
            {
                archive.startRecording(recordedChannel, RECORDING_STREAM_ID, SourceLocation.LOCAL);
            }
            awaitRecording(aeron.countersReader(), publication.sessionId(), archive.archiveId(), phases);
            phases.end("recording continued");
            LOG.info("archive: {} recording {} of the hive's record at position {} ({} bytes of its tail replayed " +
                "into the journals)", extend ? "extending" : "starting", extend ? recordingId : "a new",
                publication.position(), replayedBytes);
            return new HiveRecorder(archive, publication, recordedChannel, extend, replayedBytes);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(publication);
            throw ex;
        }
    }

    private static long replay(final Aeron aeron, final AeronArchive archive, final long recordingId,
        final long from, final long to, final FragmentHandler handler, final HiveStartPhases phases)
    {
        if (to <= from)
        {
            return 0;
        }
        final FragmentAssembler assembler = new FragmentAssembler(handler);
        final IdleStrategy idle = startWaitIdleStrategy();
        final long deadline = System.nanoTime() + WAIT_NS;
        try (Subscription replay = archive.replay(recordingId, from, to - from, IPC, REPLAY_STREAM_ID))
        {
            while (true)
            {
                final int fragments = replay.poll(assembler, 64);
                final Image image = replay.imageCount() > 0 ? replay.imageAtIndex(0) : null;
                if (image != null && image.position() >= to)
                {
                    return to - from;
                }
                if (image != null && (image.isClosed() || image.isEndOfStream()))
                {
                    return image.position() - from;
                }
                if (System.nanoTime() > deadline)
                {
                    phases.timeoutHit();
                    throw new IllegalStateException("archive: replay of recording " + recordingId + " from " + from +
                        " to " + to + " did not finish in " + TimeUnit.NANOSECONDS.toSeconds(WAIT_NS) + " s");
                }
                idle.idle(fragments);
            }
        }
    }

    private static void awaitRecording(final CountersReader counters, final int sessionId, final long archiveId,
        final HiveStartPhases phases)
    {
        final IdleStrategy idle = startWaitIdleStrategy();
        final long deadline = System.nanoTime() + WAIT_NS;
        while (RecordingPos.findCounterIdBySession(counters, sessionId, archiveId) == CountersReader.NULL_COUNTER_ID)
        {
            if (System.nanoTime() > deadline)
            {
                phases.timeoutHit();
                throw new IllegalStateException("archive: the hive's record did not start recording in " +
                    TimeUnit.NANOSECONDS.toSeconds(WAIT_NS) + " s");
            }
            idle.idle();
        }
    }

    /**
     * How the start's waits for the Archive idle: backing off to 1 ms parks rather than spinning, since the work
     * waited for runs on the driver's and the Archive's threads, which a spinning waiter would starve of a core on a
     * small, loaded machine (the start after a {@code kill -9} competes with every restarted edge).
     */
    private static IdleStrategy startWaitIdleStrategy()
    {
        return new BackoffIdleStrategy(10, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
    }

    /** Whether this run continues the previous run's recording ({@code extendRecording}). */
    boolean extended()
    {
        return extended;
    }

    /** Bytes of the record replayed into the journals at start. */
    long replayedBytes()
    {
        return replayedBytes;
    }

    /** Batches the Archive did not take in time (or too large for the record): in the journals, not the record. */
    long batchesNotRecorded()
    {
        return batchesNotRecorded;
    }

    /** The publication's position: the record's end once the Archive has caught up. */
    long position()
    {
        return publication.position();
    }

    /** The Aeron session of the record's publication. */
    int sessionId()
    {
        return publication.sessionId();
    }

    @Override
    public void onTaking(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > publication.maxMessageLength())
        {
            notRecorded("is larger than the record takes", length);
            return;
        }
        long deadlineNs = 0;
        while (true)
        {
            final long result = publication.offer(buffer, offset, length);
            if (result > 0)
            {
                return;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED ||
                result == Publication.NOT_CONNECTED)
            {
                notRecorded("cannot be recorded (" + Publication.errorString(result) + ")", length);
                return;
            }
            // Back-pressured by the Archive's recording: wait for it, a bounded time (the journal is the truth).
            final long now = System.nanoTime();
            if (deadlineNs == 0)
            {
                deadlineNs = now + OFFER_TIMEOUT_NS;
            }
            else if (now > deadlineNs)
            {
                notRecorded("waited for the Archive for 5 s", length);
                return;
            }
            Thread.onSpinWait();
        }
    }

    private void notRecorded(final String why, final int length)
    {
        if (batchesNotRecorded++ % 1_000 == 0)
        {
            LOG.warn("archive: a batch of {} bytes {}: appended to its journal, missing from the record ({} so far)",
                length, why, batchesNotRecorded);
        }
    }

    /** Stops the recording and starts a new one where the record is now ({@link ArchiveRetention}'s rotation). */
    void restartRecording()
    {
        archive.stopRecording(recordedChannel, RECORDING_STREAM_ID);
        archive.startRecording(recordedChannel, RECORDING_STREAM_ID, SourceLocation.LOCAL);
    }

    @Override
    public void close()
    {
        try
        {
            archive.stopRecording(recordedChannel, RECORDING_STREAM_ID);
        }
        catch (final AeronException ex)
        {
            LOG.warn("archive: stopping the record's recording: {}", ex.getMessage());
        }
        CloseHelper.quietClose(publication);
    }
}
