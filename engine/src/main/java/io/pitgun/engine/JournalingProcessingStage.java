package io.pitgun.engine;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;

/**
 * Journal and processing on one consumer thread ({@link PipelineConfig#journalThread()} {@link JournalThread#PROCESS},
 * the default): each batch is journaled first (its entry committed, the journaled sequence advanced), then its frames are processed in ring
 * order. On a 2-core machine this leaves one core to the producer instead of three busy threads sharing two; the
 * order guarantee is the same as with two threads — nothing is processed (or reaches a subscriber) before it is
 * journaled.
 */
final class JournalingProcessingStage implements EventHandler<FrameSlot>
{
    private final RingBuffer<FrameSlot> ringBuffer;
    private final JournalStage journal;
    private final ProcessingStage processing;
    private final StageErrors errors;
    private long nextToProcess;

    JournalingProcessingStage(final RingBuffer<FrameSlot> ringBuffer, final JournalStage journal,
        final ProcessingStage processing, final StageErrors errors)
    {
        this.ringBuffer = ringBuffer;
        this.journal = journal;
        this.processing = processing;
        this.errors = errors;
    }

    @Override
    public void onStart()
    {
        journal.onStart();
    }

    @Override
    public void onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch)
    {
        journal.onEvent(slot, sequence, endOfBatch);
        final long done = journal.doneThrough();
        while (nextToProcess <= done)
        {
            // Advance first: a frame whose processing throws is reported once, not retried. Go on to `done`
            // whatever happens: when this call returns or throws, the Disruptor releases every slot up to the
            // current one to the producers, so none of them may be left unprocessed. Each failure is reported
            // here, against its own slot: rethrown, the Disruptor would name the batch's current slot instead.
            // Errors too: the Disruptor's loop carries on after one, so this loop must as well.
            final long next = nextToProcess++;
            final FrameSlot frame = ringBuffer.get(next);
            try
            {
                processing.onEvent(frame, next, next == done);
            }
            catch (final RuntimeException | Error ex)
            {
                errors.handleEventException(ex, next, frame);
            }
        }
    }
}
