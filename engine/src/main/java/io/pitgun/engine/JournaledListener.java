package io.pitgun.engine;

/**
 * Told when the journal stage has advanced the journaled sequence, so that a waiter for durable acknowledgements
 * can be woken instead of polling ({@link TelemetryPipeline#addJournaledListener}). Called on the journal stage's
 * thread, once per journaled batch (up to 64 frames) — with {@code journal.thread: producer} that is the producer's
 * own thread, inside its publish, once per publish: keep it short; {@link #onJournalFailed} once the journal stops
 * for good.
 *
 * <p>Memory ordering: the journaled sequence is stored, then a full fence is issued, then listeners are called. A
 * waiter that publishes its interest (a volatile store), issues a full fence and then reads
 * {@link TelemetryPipeline#journaledSequence()} therefore cannot miss a wake-up: either it sees the new sequence, or
 * the listener call sees its interest. The loop a waiter writes:
 *
 * <pre>{@code
 * // waiting thread                              // journal thread: onJournaled(journaled)
 * interestedFrom = position;     // volatile     if (journaled >= interestedFrom && wake.compareAndSet(false, true))
 * VarHandle.fullFence();                         // {
 * if (pipeline.journaledSequence() >= position)  //     hand the waiter a pre-allocated task;
 * {                                              // }
 *     complete now;
 * }
 * }</pre>
 */
@FunctionalInterface
public interface JournaledListener
{
    /**
     * The frames up to ring sequence {@code journaledSequence} are journaled (or the journal has just failed for
     * good: then it is the last sequence that was). Must return at once: never block, never allocate, never throw
     * (an exception is reported to the pipeline's error handler and counted as {@code STAGE_ERRORS}). Every frame
     * of the stage waits for it.
     */
    void onJournaled(long journaledSequence);

    /**
     * The journal stage has stopped journaling for good ({@link TelemetryPipeline#journalFailure()} is set): the
     * journaled sequence will not advance again, so every waiter should be woken to refuse. Same thread and rules as
     * {@link #onJournaled}; by default it calls {@link #onJournaled} with the last journaled sequence.
     */
    default void onJournalFailed(final long journaledSequence)
    {
        onJournaled(journaledSequence);
    }
}
