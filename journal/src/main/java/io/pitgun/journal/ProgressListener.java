package io.pitgun.journal;

/** Told how far a journal tool has got; called on the tool's thread every few thousand entries and at the end. */
@FunctionalInterface
public interface ProgressListener
{
    /** A listener that ignores progress (output is not a terminal, tests). */
    ProgressListener NONE = (done, total) -> { };

    /**
     * @param done  entries read so far.
     * @param total entries expected (from the queue's index; entries appended meanwhile may take it past 100%).
     */
    void onProgress(long done, long total);

    /** The tool finished (or stopped); a listener that draws can clear its line. */
    default void onDone()
    {
    }
}
