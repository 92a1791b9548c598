package io.pitgun.engine;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalAppender;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalFullException;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;

/**
 * The journal stage: appends accepted messages' bytes, exactly as they sit in the slots' frame areas, to the
 * journal — one journal entry per Disruptor batch (bounded by {@link JournalEntryDescriptor#MAX_MESSAGES_PER_ENTRY}
 * messages and {@link JournalEntryDescriptor#MAX_ENTRY_BYTES} bytes), because a Chronicle document costs a fixed
 * ~0.25–1 µs that one frame per document cannot afford. After the entry is committed it records each message's
 * journal position in its slot and advances the journaled sequence that producers wait on for a durable
 * acknowledgement ({@link AckMode#JOURNALED}), then tells the {@link JournaledListener}s. Slots that a replay
 * published already carry their position and are not appended again.
 *
 * <p>Where it runs ({@link JournalThread}): on a journal thread of its own, on the processing thread
 * ({@link JournalingProcessingStage}), or on the single producer's thread inside each publish (the publisher calls
 * {@link #onEvent} with each slot before making it visible, {@code RingPublisher}); always on one thread at a time,
 * so its counters and latency recorder keep one writer.
 *
 * <p>Memory ordering: the journaled sequence is advanced with a release store after the batch's entry was
 * committed, so a producer that reads it with an acquire load knows its frame is in the memory-mapped queue file.
 * The positions are written into the slots before this stage's Disruptor sequence moves past them, so the
 * processing stage (which waits on that sequence, or runs on this thread: {@link JournalingProcessingStage}) sees
 * them. If the journal fails, the sequence stops for good (nothing later is acknowledged); the open batch and every
 * later frame are dropped and counted.
 *
 * <p>Out of space: when the journal's file system is below its headroom the appender writes nothing and keeps the
 * batch ({@link JournalAppender#tryCommit()}); this stage then waits, re-trying with a backed-off park, until space
 * returns ({@link PipelineCounter#JOURNAL_SPACE_WAITS} counts the waits, {@link #isWaitingForSpace()} shows one).
 * Nothing is dropped and nothing is acknowledged meanwhile: the ring fills and producers are refused, and once space
 * returns the stage carries on by itself. Only a close of the pipeline ends a wait without space: the batch and
 * every later frame are then dropped as a journal failure (never acknowledged).
 */
final class JournalStage implements EventHandler<FrameSlot>
{
    /** Slot fields are in the platform's order ({@link FrameSlot}), journal records little endian: the identity is
     *  copied as one block only where the two agree (every platform Pitgun runs on; a constant the JIT folds). */
    private static final boolean SLOT_IDENTITY_IS_RECORD_LAYOUT = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final Journal journal;
    private final RingBuffer<FrameSlot> ringBuffer;
    private final Sequence journaledSequence;
    private final JournaledListeners listeners;
    /** Each appended message's journal position by ring sequence, for answers read after its slot is reused. */
    private final JournalIndexHistory history;
    private final PipelineCounters counters;
    private final BatchLatencyRecorder journaledLatency;
    private final StageErrors errors;
    private final long[] batchSequences = new long[JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY];
    private int batchCount;
    private long doneThrough = -1;
    /** Park between two attempts while waiting for space: short at first, then often enough to resume promptly
     *  (the free space itself is measured at most every {@code JournalSpaceGuard.REFRESH_INTERVAL_NS}). */
    private static final long MIN_SPACE_PARK_NS = 50_000;
    private static final long MAX_SPACE_PARK_NS = 2_000_000;

    private JournalAppender appender;
    private boolean failed;
    /** True between {@link #reserve} and {@link #endReservation}: a try publish, which must not wait for space. */
    private boolean reserved;
    /** True from a reserved commit that found no room until {@link #endReservation}: the rest of that publish is
     *  refused. */
    private boolean refusingReserved;
    private volatile boolean waitingForSpace;
    /** The journal bytes a try publish last found no room for ({@link #reserve}), 0 once one fitted again. */
    private volatile long refusedBytes;
    private volatile boolean stopWaiting;
    private volatile Throwable failure;

    JournalStage(final Journal journal, final RingBuffer<FrameSlot> ringBuffer, final Sequence journaledSequence,
        final JournaledListeners listeners, final JournalIndexHistory history, final PipelineCounters counters,
        final PipelineLatency latency, final StageErrors errors)
    {
        this.history = history;
        this.journal = journal;
        this.ringBuffer = ringBuffer;
        this.journaledSequence = journaledSequence;
        this.listeners = listeners;
        this.counters = counters;
        this.journaledLatency = latency.recorder(LatencyStage.PUBLISH_TO_JOURNALED);
        this.errors = errors;
    }

    @Override
    public void onStart()
    {
        appender = journal.appender();
    }

    /**
     * The highest ring sequence this stage is done with: every slot up to it is journaled, needs no journaling, or
     * was rejected because the journal failed. Read on this stage's thread only.
     */
    long doneThrough()
    {
        return doneThrough;
    }

    @Override
    public void onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch)
    {
        final int status = slot.status();
        if ((status & SlotDescriptor.STATUS_MASK) == SlotDescriptor.STATUS_READY)
        {
            if (failed)
            {
                slot.status(SlotDescriptor.STATUS_REJECTED);
                counters.increment(PipelineCounter.DROPPED_JOURNAL_FAILED);
            }
            else if (refusingReserved)
            {
                slot.status(SlotDescriptor.STATUS_REJECTED);
                counters.increment(PipelineCounter.DROPPED_JOURNAL_FULL);
            }
            else if ((status & SlotDescriptor.FLAG_REPLAYED) == 0)
            {
                add(slot, sequence);
            }
        }
        if (batchCount == 0)
        {
            done(sequence);
            if (endOfBatch)
            {
                notifyJournaled();
            }
        }
        else if (endOfBatch || appender.isFull())
        {
            commit(sequence);
            notifyJournaled();
        }
    }

    /** Wakes the waiters for acknowledgements: once per committed entry or Disruptor batch, not per frame. */
    private void notifyJournaled()
    {
        if (failed)
        {
            return; // the waiters were told once, by fail(): the sequence will not move again
        }
        listeners.onJournaled(journaledSequence.get(), errors);
    }

    private void add(final FrameSlot slot, final long sequence)
    {
        try
        {
            if (batchCount == 0)
            {
                appender.begin();
            }
            final UnsafeBuffer buffer = slot.buffer();
            if (SLOT_IDENTITY_IS_RECORD_LAYOUT)
            {
                // The slot holds the event identity in the record's layout: one block copy, not five loads and
                // stores.
                appender.add(buffer, SlotDescriptor.FRAME_OFFSET, slot.frameLength(), slot.ingestTimeNs(), buffer,
                    SlotDescriptor.IDENTITY_OFFSET);
            }
            else
            {
                appender.add(buffer, SlotDescriptor.FRAME_OFFSET, slot.frameLength(), slot.ingestTimeNs(),
                    slot.eventIdMsb(), slot.eventIdLsb(), slot.contentDigest(), slot.frameOrdinal(), slot.frameCount());
            }
        }
        catch (final Exception ex) // Chronicle throws IOExceptions it does not declare (see failure())
        {
            slot.status(SlotDescriptor.STATUS_REJECTED);
            counters.increment(PipelineCounter.DROPPED_JOURNAL_FAILED);
            fail(failure(ex));
            return;
        }
        batchSequences[batchCount++] = sequence;
    }

    /** Reads ahead the journal lines the next entry goes to ({@link JournalAppender#touchNextEntry}); this stage's
     *  thread, between batches (the single producer once its claim is journaled, before its publish,
     *  {@code journal.thread: producer}). */
    void touchNextEntry()
    {
        if (!failed && appender != null)
        {
            appender.touchNextEntry();
        }
    }

    /**
     * For a try publish with {@code journal.thread: producer}, before it claims anything: true when the journal has
     * room for {@code messages} messages of {@code messageBytes} bytes in all, and then the commits of that publish
     * do not ask again and never wait for space ({@link JournalAppender#reserve}); false when the file system is
     * below its headroom or the stage has stopped, and the publish is refused instead of waiting on the
     * producer's thread. End with {@link #endReservation}.
     */
    boolean reserve(final int messages, final long messageBytes)
    {
        if (failed)
        {
            return false;
        }
        final long bytes = JournalAppender.bytesFor(messages, messageBytes);
        reserved = appender.reserve(bytes);
        if (!reserved)
        {
            // Reported short (isWaitingForSpace) until a publish of this size would fit, or one fits; a producer
            // that journals inline must not refuse smaller publishes on that account (the gateway's admission does
            // not), they may fit and end the state.
            refusedBytes = bytes;
        }
        else if (refusedBytes != 0)
        {
            refusedBytes = 0;
        }
        return reserved;
    }

    /** Ends {@link #reserve}'s reservation, after its publish (or when it claimed nothing). */
    void endReservation()
    {
        refusingReserved = false;
        if (reserved)
        {
            reserved = false;
            appender.cancelReservation();
        }
    }

    /** True once the stage has stopped for good (this stage's thread: the inline producer's own view). */
    boolean hasFailed()
    {
        return failed;
    }

    /** Drops the open batch of a reserved publish whose commit found no room: rejected, counted, never journaled. */
    private void refuseOpenBatch(final long sequence)
    {
        appender.abort();
        rejectOpenBatch(PipelineCounter.DROPPED_JOURNAL_FULL);
        refusingReserved = true;
        done(sequence);
    }

    /** Marks the open batch's slots rejected (never acknowledged) and counts them as {@code reason}. */
    private void rejectOpenBatch(final PipelineCounter reason)
    {
        for (int i = 0; i < batchCount; i++)
        {
            ringBuffer.get(batchSequences[i]).status(SlotDescriptor.STATUS_REJECTED);
        }
        counters.add(reason, batchCount);
        batchCount = 0;
    }

    /** True when the current reserved publish was refused for room after all (its later frames are refused too). */
    boolean refusedReserved()
    {
        return refusingReserved;
    }

    /**
     * True while the stage holds a batch back because the journal's file system is short of space, or while the
     * last try publish it refused for space ({@link #reserve}) would still not fit: either way new frames cannot
     * go in now. Any thread.
     */
    boolean isWaitingForSpace()
    {
        final long refused = refusedBytes;
        return waitingForSpace || refused > 0 && !journal.spaceGuard().hasRoomFor(refused);
    }

    /** Why the stage stopped journaling for good, or null while it works. Any thread. */
    Throwable failure()
    {
        return failure;
    }

    /** Ends any wait for space (the pipeline is closing): what cannot be written then is dropped. Any thread. */
    void stopWaiting()
    {
        stopWaiting = true;
    }

    private void commit(final long sequence)
    {
        long first;
        try
        {
            first = appender.tryCommit();
            if (first == JournalAppender.NO_ROOM && reserved)
            {
                // The room was there at reserve(): the mapped file faulted (the appender rolled the entry back), the
                // space went to another writer since the last measurement. A try publish runs on a thread that must
                // not wait (an event loop): refuse the rest of this publish, as if reserve() had found no room, and
                // go on; the guard measures again before the next one.
                refuseOpenBatch(sequence);
                return;
            }
            if (first == JournalAppender.NO_ROOM)
            {
                first = awaitRoom();
            }
        }
        catch (final Exception ex) // Chronicle throws IOExceptions it does not declare (see failure())
        {
            fail(failure(ex));
            done(sequence);
            return;
        }
        if (first == JournalAppender.NO_ROOM)
        {
            fail(new JournalFullException("the pipeline closed while the journal waited for space (" +
                journal.spaceGuard().shortage() + "): " + batchCount + " frame(s) and every later one were not " +
                "journaled"));
            done(sequence);
            return;
        }
        final long now = System.nanoTime();
        final int count = batchCount;
        final BatchLatencyRecorder journaledLatency = this.journaledLatency;
        journaledLatency.beginBatch();
        for (int i = 0; i < count; i++)
        {
            final long appended = batchSequences[i];
            final FrameSlot slot = ringBuffer.get(appended);
            slot.journalIndex(first + i);
            history.record(appended, first + i);
            journaledLatency.record(now - slot.ingestTimeNs());
        }
        journaledLatency.endBatch();
        counters.add(PipelineCounter.FRAMES_JOURNALED, count);
        batchCount = 0;
        done(sequence);
    }

    /** Retries the open batch until it is written or the pipeline closes ({@link JournalAppender#NO_ROOM}). */
    private long awaitRoom()
    {
        counters.increment(PipelineCounter.JOURNAL_SPACE_WAITS);
        waitingForSpace = true;
        try
        {
            long parkNs = MIN_SPACE_PARK_NS;
            while (!stopWaiting)
            {
                LockSupport.parkNanos(parkNs);
                parkNs = Math.min(MAX_SPACE_PARK_NS, parkNs * 2);
                final long first = appender.tryCommit();
                if (first != JournalAppender.NO_ROOM)
                {
                    return first;
                }
            }
            return JournalAppender.NO_ROOM;
        }
        finally
        {
            waitingForSpace = false;
        }
    }

    /**
     * {@code ex} as the journal's failure: a checked exception Chronicle threw without declaring it (an
     * {@code IOException} opening a cycle file) would otherwise pass every runtime handler and reach the Disruptor's,
     * which logs it and goes on as if the batch were journaled.
     */
    private static RuntimeException failure(final Exception ex)
    {
        return ex instanceof RuntimeException ? (RuntimeException)ex :
            new io.pitgun.journal.JournalException("the journal failed: " + ex, ex);
    }

    /** Drops the open batch (nothing of it was written) and every later frame. */
    private void fail(final RuntimeException ex)
    {
        failed = true;
        failure = ex;
        try
        {
            appender.abort();
        }
        catch (final RuntimeException ignored)
        {
            // the journal is already broken; the first error is the one reported
        }
        rejectOpenBatch(PipelineCounter.DROPPED_JOURNAL_FAILED);
        errors.onError("journal", ex);
        // The waiters refuse at once (failure is set) instead of waiting out their timeout.
        listeners.onJournalFailed(journaledSequence.get(), errors);
    }

    private void done(final long sequence)
    {
        doneThrough = sequence;
        if (!failed)
        {
            journaledSequence.set(sequence);
        }
    }
}
