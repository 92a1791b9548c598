package io.pitgun.perf.storage;

import java.util.List;
import java.util.Locale;

/**
 * The {@code Storage} block of {@code docs/performance.md}: the journal's plain read rate, then the export (Parquet,
 * CSV) and each database sink over the same journal, each as frames/s, MB/s of what it wrote where that is a file,
 * and its share of the read rate. A path that did not run says "not measured" and why.
 */
public final class StorageTable
{
    private StorageTable()
    {
    }

    /**
     * One path over the journal's frames.
     *
     * @param name      what ran (first column).
     * @param frames    journal frames it took.
     * @param bytes     bytes it wrote (or read, for the journal), or -1 when not a file's size (a database).
     * @param elapsedNs how long it took.
     * @param note      what the figure includes, or what went wrong; empty for nothing to add.
     */
    public record Measured(String name, long frames, long bytes, long elapsedNs, String note)
    {
        public Measured
        {
            if (frames < 1 || elapsedNs < 1)
            {
                throw new IllegalArgumentException(name + ": a measurement needs frames and time, got " + frames +
                    " frames in " + elapsedNs + " ns");
            }
        }

        /** Frames per second. */
        public double framesPerSecond()
        {
            return frames * 1e9 / elapsedNs;
        }

        /** Megabytes (10^6) per second, or NaN without bytes. */
        public double megabytesPerSecond()
        {
            return bytes < 0 ? Double.NaN : bytes * 1e3 / elapsedNs;
        }
    }

    /**
     * A path that did not run in this run.
     *
     * @param name   what would have run.
     * @param reason why it did not.
     */
    public record NotMeasured(String name, String reason)
    {
    }

    /**
     * The block.
     *
     * @param settings    what ran and how, one paragraph of Markdown.
     * @param read        the journal's plain read (the reference of every ratio).
     * @param paths       export and sinks, in the order to list them.
     * @param notMeasured paths that did not run, with the reason.
     */
    public static String render(final String settings, final Measured read, final List<Measured> paths,
        final List<NotMeasured> notMeasured)
    {
        final StringBuilder out = new StringBuilder(settings.strip()).append("\n\n");
        out.append("| path | frames | seconds | frames/s | MB/s | share of the journal's read rate | notes |\n");
        out.append("|---|---:|---:|---:|---:|---:|---|\n");
        row(out, read, read);
        for (final Measured m : paths)
        {
            row(out, read, m);
        }
        for (final NotMeasured n : notMeasured)
        {
            out.append("| ").append(n.name()).append(" | - | - | - | - | - | not measured: ").append(n.reason())
                .append(" |\n");
        }
        if (!paths.isEmpty())
        {
            final Measured slowest = paths.stream().min((a, b) -> Double.compare(a.framesPerSecond(),
                b.framesPerSecond())).orElseThrow();
            out.append(String.format(Locale.ROOT, "%nThe slowest path over the journal: %s at %,.0f frames/s, %s of " +
                "the journal's read rate (%,.0f frames/s).%n", slowest.name(), slowest.framesPerSecond(),
                percent(slowest.framesPerSecond() / read.framesPerSecond()), read.framesPerSecond()));
        }
        return out.toString();
    }

    private static void row(final StringBuilder out, final Measured read, final Measured m)
    {
        final double mbs = m.megabytesPerSecond();
        out.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %s | %s | %s |%n", m.name(), m.frames(),
            m.elapsedNs() / 1e9, m.framesPerSecond(), Double.isNaN(mbs) ? "-" : String.format(Locale.ROOT, mbs < 1 ? "%.3f" : "%.1f",
                mbs), percent(m.framesPerSecond() / read.framesPerSecond()), m.note()));
    }

    private static String percent(final double ratio)
    {
        return ratio >= 0.1 ? String.format(Locale.ROOT, "%.0f %%", ratio * 100) :
            String.format(Locale.ROOT, "%.1f %%", ratio * 100);
    }
}
