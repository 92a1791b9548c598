package io.pitgun.journal;

import java.io.PrintWriter;

/**
 * Draws a one-line progress bar on a terminal, redrawing in place with a carriage return and at most ten times a
 * second. Only for interactive output: callers decide (the CLI uses it when {@code System.console() != null}).
 */
public final class ProgressBar implements ProgressListener
{
    private static final int WIDTH = 30;
    private static final long REDRAW_INTERVAL_NS = 100_000_000L;

    private final PrintWriter out;
    private final String label;
    private long lastDrawNs = Long.MIN_VALUE;
    private boolean drawn;

    /** A bar written to {@code out} (stderr, so that a tool's stdout stays clean for pipes). */
    public ProgressBar(final PrintWriter out, final String label)
    {
        this.out = out;
        this.label = label;
    }

    @Override
    public void onProgress(final long done, final long total)
    {
        final long now = System.nanoTime();
        if (drawn && now - lastDrawNs < REDRAW_INTERVAL_NS)
        {
            return;
        }
        lastDrawNs = now;
        drawn = true;
        final double fraction = total <= 0 ? 1.0 : Math.min(1.0, (double)done / total);
        final int filled = (int)(fraction * WIDTH);
        final StringBuilder line = new StringBuilder(80).append('\r').append(label).append(" [");
        for (int i = 0; i < WIDTH; i++)
        {
            line.append(i < filled ? '#' : '-');
        }
        line.append("] ").append(String.format("%3d%%", (int)(fraction * 100))).append(' ')
            .append(String.format("%,d / %,d entries", done, total));
        out.print(line);
        out.flush();
    }

    @Override
    public void onDone()
    {
        if (drawn)
        {
            out.print("\r\033[K"); // clear the bar so the summary starts on a clean line
            out.flush();
        }
    }
}
