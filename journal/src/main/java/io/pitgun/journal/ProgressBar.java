package io.pitgun.journal;

import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * The one progress bar of the tools: draws a one-line bar on a terminal, redrawing in place with a carriage return
 * and at most ten times a second, and clears it when done. Only for interactive output: callers decide (the CLI uses
 * it when {@code System.console() != null}). A journal tool feeds it as a {@link ProgressListener} (entries);
 * another tool calls {@link #draw} with its own detail text (the CSV replay: frames, acks, rate).
 * <pre>
 * label [#############-----------------]  43% detail
 * </pre>
 */
public final class ProgressBar implements ProgressListener
{
    private static final int WIDTH = 30;
    private static final long REDRAW_INTERVAL_NS = 100_000_000L;

    private final PrintWriter out;
    private final String label;
    private long lastDrawNs = Long.MIN_VALUE;
    private boolean drawn;

    /**
     * @param out   where the bar goes (stderr, so that a tool's stdout stays clean for pipes).
     * @param label what the bar measures, printed before it.
     */
    public ProgressBar(final PrintWriter out, final String label)
    {
        this.out = out;
        this.label = label;
    }

    /** Draws {@code done} of {@code total} journal entries. */
    @Override
    public void onProgress(final long done, final long total)
    {
        draw(done, total, () -> String.format("%,d / %,d entries", done, total));
    }

    /**
     * Redraws the bar at {@code done / total} followed by {@code detail}, unless it was drawn less than a tenth of a
     * second ago (then {@code detail} is not called).
     *
     * @param done   units done so far.
     * @param total  units expected; at most 0 shows a full bar.
     * @param detail the text after the percentage.
     */
    public void draw(final long done, final long total, final Supplier<String> detail)
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
        line.append("] ").append(String.format("%3d%%", (int)(fraction * 100))).append(' ').append(detail.get());
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
