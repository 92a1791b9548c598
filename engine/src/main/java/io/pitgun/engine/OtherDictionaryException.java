package io.pitgun.engine;

/**
 * A replayed journal's {@code ManifestLoaded} records another dictionary than the replaying pipeline's: the frames
 * after it were written with that one, and are not replayed ({@code ReplayedDictionaryCheck}). Like a
 * {@link FrameRejectedException}, it follows from the journal's bytes and the pipeline alone, so a replay of the same
 * journal by the same pipeline is refused at the same message every time.
 */
public final class OtherDictionaryException extends IllegalStateException
{
    OtherDictionaryException(final String message)
    {
        super(message);
    }
}
