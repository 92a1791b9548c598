package io.pitgun.engine;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;

import java.lang.invoke.VarHandle;

/**
 * Answers which journal position holds the message published at a ring sequence, from any thread, without
 * allocating — the durable acknowledgement's last step. From the message's slot while it is not reused, then from
 * the {@link JournalIndexHistory} while that remembers it. The slot's protocol:
 * <pre>
 *   journal stage: slot.journalIndex(i) ─▶ journaled.set(seq)          (release: index before sequence)
 *   producer:      claim seq + size (ClaimedSequence) ─▶ reset the slot  (claim before any slot write)
 *   reader:        journaled.get() &gt;= seq (acquire) ─▶ read slot index ─▶ load-load fence ─▶
 *                  claimed.highest() - seq &lt; size ? index : history.positionOf(seq)
 * </pre>
 */
final class JournalIndexLookup
{
    private final RingBuffer<FrameSlot> ringBuffer;
    private final Sequence journaled;
    private final ClaimedSequence claimed;
    private final JournalIndexHistory history;

    JournalIndexLookup(final RingBuffer<FrameSlot> ringBuffer, final Sequence journaled, final ClaimedSequence claimed,
        final JournalIndexHistory history)
    {
        this.ringBuffer = ringBuffer;
        this.journaled = journaled;
        this.claimed = claimed;
        this.history = history;
    }

    /**
     * The journal position of the message at {@code sequence}, or -1 if it is not journaled yet, or was not
     * appended (rejected, replayed), or its slot was reused more than the history remembers ago.
     */
    long journalIndexOf(final long sequence)
    {
        if (sequence < 0 || journaled.get() < sequence)
        {
            return -1; // the acquire read above orders the slot read below after the journal stage's write
        }
        final long index = ringBuffer.get(sequence).journalIndex();
        // A producer claims before it resets or writes a slot for reuse: if the highest claim, read after the slot,
        // has not wrapped onto it, the value read is this message's.
        VarHandle.loadLoadFence();
        if (claimed.highest() - sequence >= ringBuffer.getBufferSize())
        {
            return history.positionOf(sequence);
        }
        return index;
    }
}
