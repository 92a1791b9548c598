package io.pitgun.replay;

import java.io.PrintStream;

/**
 * Told as a replay advances; the CLI draws the tools' progress bar with it on a terminal ({@code pitgun replay},
 * {@code pitgun demo}), or prints {@link #tenths} lines to a log.
 */
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

    /** The replay has sent its last frame; a display that draws in place can clear its line. */
    default void onDone()
    {
    }

    /**
     * Progress for a log (no terminal): one line per tenth of the file, e.g.
     * {@code "   30%  900 of 3000 frames sent, 850 acked"}.
     *
     * @param messages where the lines go.
     * @return the progress.
     */
    static ReplayProgress tenths(final PrintStream messages)
    {
        return new ReplayProgress()
        {
            private int tenthsShown;

            @Override
            public void onProgress(final long framesSent, final long totalFrames, final ReplayStats stats)
            {
                if (totalFrames <= 0)
                {
                    return;
                }
                final int tenths = (int)(10 * framesSent / totalFrames);
                if (tenths > tenthsShown)
                {
                    tenthsShown = tenths;
                    messages.printf("  %3d%%  %d of %d frames sent, %d acked%n", 10 * tenths, framesSent, totalFrames,
                        stats.framesAcked());
                    messages.flush();
                }
            }
        };
    }
}
