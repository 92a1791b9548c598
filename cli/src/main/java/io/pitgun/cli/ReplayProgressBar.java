package io.pitgun.cli;

import io.pitgun.replay.ReplayProgress;
import io.pitgun.replay.ReplayStats;

import java.io.PrintStream;

/** A one-line progress bar redrawn in place ({@code \r}); only used when a terminal is attached. */
final class ReplayProgressBar implements ReplayProgress
{
    private static final int WIDTH = 30;

    private final PrintStream terminal;
    private final long startNanos = System.nanoTime();
    private boolean drawn;

    ReplayProgressBar(final PrintStream terminal)
    {
        this.terminal = terminal;
    }

    @Override
    public void onProgress(final long framesSent, final long totalFrames, final ReplayStats stats)
    {
        final StringBuilder line = new StringBuilder("\r");
        if (totalFrames > 0)
        {
            final long pass = framesSent % totalFrames == 0 && framesSent > 0 ? totalFrames : framesSent % totalFrames;
            final int filled = (int)(WIDTH * pass / totalFrames);
            line.append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ")
                .append(String.format("%5.1f%% ", 100.0 * pass / totalFrames));
        }
        final double seconds = (System.nanoTime() - startNanos) / 1e9;
        line.append(String.format("%d frames, %d acked, %d rejected, %.0f frames/s ", framesSent, stats.framesAcked(),
            stats.envelopesRejected(), seconds > 0 ? framesSent / seconds : 0.0));
        terminal.print(line);
        terminal.flush();
        drawn = true;
    }

    /** Ends the bar's line so the summary starts on a fresh one. */
    void finish()
    {
        if (drawn)
        {
            terminal.println();
        }
    }
}
