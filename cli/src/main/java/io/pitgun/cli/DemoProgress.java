package io.pitgun.cli;

import io.pitgun.replay.ReplayProgress;
import io.pitgun.replay.ReplayStats;

import java.io.PrintStream;

/** The demo's progress: a bar on a terminal, otherwise one line per tenth of the session. */
final class DemoProgress implements ReplayProgress
{
    private final PrintStream messages;
    private final ReplayProgressBar bar;
    private int tenthsShown;

    DemoProgress(final PrintStream messages)
    {
        this.messages = messages;
        bar = System.console() != null ? new ReplayProgressBar(messages) : null;
    }

    @Override
    public void onProgress(final long framesSent, final long totalFrames, final ReplayStats stats)
    {
        if (bar != null)
        {
            bar.onProgress(framesSent, totalFrames, stats);
            if (totalFrames > 0 && framesSent >= totalFrames)
            {
                bar.finish();
            }
            return;
        }
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
}
