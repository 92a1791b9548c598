package io.pitgun.engine;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * The acknowledgement side of a pipeline: how far the journal has got, whether a producer may acknowledge a frame,
 * waiting for that, and which journal position holds a frame ({@link JournalIndexLookup}). The journal stage
 * advances the journaled sequence ({@link #journaledSequence()}, release store after it wrote the batch's journal
 * indexes); everything here reads it with acquire loads, from any thread, without allocating.
 *
 * <p>{@link #awaitJournaled} idles with an Agrona {@link BackoffIdleStrategy}: {@value #MAX_SPINS} spins,
 * {@value #MAX_YIELDS} yields, then {@value #PARK_NS} ns parks — a journal batch is written in microseconds, so
 * the waiter spins through the usual case and parks only behind a slow disk. One strategy per waiting thread
 * (idle strategies keep state), made on that thread's first wait.
 */
final class AckTracker
{
    static final int MAX_SPINS = 100;
    static final int MAX_YIELDS = 100;
    static final long PARK_NS = 10_000;

    private final Sequence journaledSequence = new Sequence(-1);
    private final JournaledListeners listeners = new JournaledListeners();
    private final RingBuffer<FrameSlot> ringBuffer;
    private final AckMode ackMode;
    private final boolean hasJournal;
    private final JournalIndexHistory journalIndexHistory;
    private final JournalIndexLookup journalIndexLookup;
    private final ThreadLocal<IdleStrategy> idleStrategies =
        ThreadLocal.withInitial(() -> new BackoffIdleStrategy(MAX_SPINS, MAX_YIELDS, PARK_NS, PARK_NS));

    /**
     * @param claimed    the highest claimed sequence, to tell a reused slot ({@link JournalIndexLookup}).
     * @param hasJournal false for a pipeline without a journal: nothing is ever journaled.
     */
    AckTracker(final RingBuffer<FrameSlot> ringBuffer, final ClaimedSequence claimed, final AckMode ackMode,
        final boolean hasJournal)
    {
        this.ringBuffer = ringBuffer;
        this.ackMode = ackMode;
        this.hasJournal = hasJournal;
        this.journalIndexHistory = new JournalIndexHistory(hasJournal ?
            JournalIndexHistory.capacityFor(ringBuffer.getBufferSize()) : 1);
        this.journalIndexLookup = new JournalIndexLookup(ringBuffer, journaledSequence, claimed, journalIndexHistory);
    }

    /** Where the journal stage records each appended message's journal position ({@link JournalIndexLookup}). */
    JournalIndexHistory journalIndexHistory()
    {
        return journalIndexHistory;
    }

    /** The sequence the journal stage advances. */
    Sequence journaledSequence()
    {
        return journaledSequence;
    }

    /** Who the journal stage tells when it advances {@link #journaledSequence()}. */
    JournaledListeners listeners()
    {
        return listeners;
    }

    /** The highest journaled ring sequence (every lower one is too), or -1. Acquire read. */
    long journaled()
    {
        return journaledSequence.get();
    }

    /**
     * True when the frame at ring sequence {@code position} is in the journal. Never for a negative position: what a
     * refused try publish returns ({@link RingPublisher#RING_FULL}, {@link RingPublisher#JOURNAL_REFUSED}) names no
     * frame, and the journaled sequence (-1 before the first) is above it.
     */
    boolean isJournaled(final long position)
    {
        return position >= 0 && journaledSequence.get() >= position;
    }

    /** Journaled in {@code journaled} mode; published in {@code accepted} mode; never for a negative position. */
    boolean isAcknowledged(final long position)
    {
        return ackMode == AckMode.ACCEPTED ? position >= 0 && position <= ringBuffer.getCursor() :
            isJournaled(position);
    }

    /** See {@link TelemetryPipeline#journalIndexOf}. */
    long journalIndexOf(final long position)
    {
        return journalIndexLookup.journalIndexOf(position);
    }

    /**
     * Idles until the frame at {@code position} is journaled.
     *
     * @return false if {@code timeoutNs} passed first, or there is no journal; at once for a negative position.
     */
    boolean awaitJournaled(final long position, final long timeoutNs)
    {
        if (!hasJournal || position < 0)
        {
            return false; // nothing to wait for: see isJournaled
        }
        if (isJournaled(position))
        {
            return true;
        }
        final long deadline = System.nanoTime() + timeoutNs;
        final IdleStrategy idle = idleStrategies.get();
        idle.reset();
        while (!isJournaled(position))
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            idle.idle();
        }
        return true;
    }
}
