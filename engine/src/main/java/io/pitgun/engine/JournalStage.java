package io.pitgun.engine;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalAppender;

/**
 * The journal stage: appends every accepted message's bytes, exactly as they sit in the slot's frame area, to the
 * journal, records the entry's index in the slot, and then advances the journaled sequence that producers wait on
 * for a durable acknowledgement ({@link AckMode#JOURNALED}). Slots that a replay published already carry their
 * index and are not appended again.
 *
 * <p>Memory ordering: the journaled sequence is advanced with a release store after the append returned, so a
 * producer that reads it with an acquire load knows its entry is in the memory-mapped queue file. If the journal
 * fails, the sequence stops for good (nothing later is acknowledged) and later frames are dropped and counted.
 */
final class JournalStage implements EventHandler<FrameSlot>
{
    private final Journal journal;
    private final Sequence journaledSequence;
    private final PipelineCounters counters;
    private final PipelineLatency latency;
    private final StageErrors errors;
    private JournalAppender appender;
    private boolean failed;

    JournalStage(final Journal journal, final Sequence journaledSequence, final PipelineCounters counters,
        final PipelineLatency latency, final StageErrors errors)
    {
        this.journal = journal;
        this.journaledSequence = journaledSequence;
        this.counters = counters;
        this.latency = latency;
        this.errors = errors;
    }

    @Override
    public void onStart()
    {
        appender = journal.appender();
    }

    @Override
    public void onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch)
    {
        final int status = slot.status();
        if ((status & SlotDescriptor.STATUS_MASK) != SlotDescriptor.STATUS_READY)
        {
            if (!failed)
            {
                journaledSequence.set(sequence);
            }
            return;
        }
        if (failed)
        {
            slot.status(SlotDescriptor.STATUS_REJECTED);
            counters.increment(PipelineCounter.DROPPED_JOURNAL_FAILED);
            return;
        }
        if ((status & SlotDescriptor.FLAG_REPLAYED) == 0)
        {
            try
            {
                final long index = appender.append(slot.buffer(), SlotDescriptor.FRAME_OFFSET, slot.frameLength(),
                    slot.ingestTimeNs());
                slot.journalIndex(index);
            }
            catch (final RuntimeException ex)
            {
                failed = true;
                slot.status(SlotDescriptor.STATUS_REJECTED);
                counters.increment(PipelineCounter.DROPPED_JOURNAL_FAILED);
                errors.onError("journal", ex);
                return;
            }
            counters.increment(PipelineCounter.FRAMES_JOURNALED);
            latency.record(LatencyStage.PUBLISH_TO_JOURNALED, System.nanoTime() - slot.ingestTimeNs());
        }
        journaledSequence.set(sequence);
    }
}
