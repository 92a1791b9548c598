package io.pitgun.replay;

/** Told as a replay advances; the CLI draws a progress bar with it. */
public interface ReplayProgress
{
    /** Nothing is shown. */
    ReplayProgress NONE = (framesSent, totalFrames, stats) ->
    {
    };

    /**
     * @param framesSent  frames sent so far (all loops).
     * @param totalFrames frames in one pass over the file, or -1 when unknown.
     * @param stats       the counts so far.
     */
    void onProgress(long framesSent, long totalFrames, ReplayStats stats);
}
