package io.pitgun.perf.shipping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code Shipping} block of {@code docs/performance.md}: per edge count, the hive's ingest rate while the edges
 * ship (frames/s and MB/s of frame bytes, all edges together, and per edge), bare Aeron's rate for the same batches
 * from as many publishers, their ratio, and the verdict on issue 16's target.
 */
public final class ShippingTable
{
    /** Issue 16's target: shipping at least this share of bare Aeron's throughput. */
    public static final double TARGET_RATIO = 0.80;

    private ShippingTable()
    {
    }

    /**
     * One side of a run.
     *
     * @param framesPerSecond the receiving side's rate, all edges (publishers) together.
     * @param cpuNsPerFrame   CPU time of every thread of the run over the same window, per frame.
     * @param cpuNsPerFrameByRole the same by {@link ShippingThreadRole} (empty when not measured); {@code OTHER} is
     *                        what the named roles leave of {@code cpuNsPerFrame}, so the roles add up to it.
     */
    public record Side(double framesPerSecond, double cpuNsPerFrame,
        Map<ShippingThreadRole, Double> cpuNsPerFrameByRole)
    {
        public Side
        {
            cpuNsPerFrameByRole = cpuNsPerFrameByRole.isEmpty() ? Map.of() : new EnumMap<>(cpuNsPerFrameByRole);
        }

        /** A side without the breakdown by role. */
        public Side(final double framesPerSecond, final double cpuNsPerFrame)
        {
            this(framesPerSecond, cpuNsPerFrame, Map.of());
        }

        /** CPU per frame of {@code role}, 0 when not measured. */
        double cpuNsPerFrame(final ShippingThreadRole role)
        {
            return cpuNsPerFrameByRole.getOrDefault(role, 0.0);
        }
    }

    /**
     * One measured pair, taken back to back: shipping and bare Aeron with the same edge count and frames.
     *
     * @param shipping the hive's ingest, all edges together.
     * @param bare     the bare subscriber's, all publishers together.
     */
    public record Run(Side shipping, Side bare)
    {
        /** The hive's ingest rate. */
        public double shippingFramesPerSecond()
        {
            return shipping.framesPerSecond();
        }

        /** The bare subscriber's rate. */
        public double bareFramesPerSecond()
        {
            return bare.framesPerSecond();
        }

        /** Shipping's share of bare Aeron's rate in this pair. */
        public double ratio()
        {
            return shippingFramesPerSecond() / bareFramesPerSecond();
        }
    }

    /**
     * The runs of one edge count.
     *
     * @param edges      edges (shippers; bare: publishers), each with its own media driver.
     * @param frameBytes bytes of one frame (the SBE message), for MB/s.
     * @param runs       the pairs, in the order they ran.
     */
    public record Point(int edges, int frameBytes, List<Run> runs)
    {
        public Point
        {
            if (edges < 1 || frameBytes < 1 || runs.isEmpty())
            {
                throw new IllegalArgumentException("a point needs edges, frame bytes and runs: " + edges + ", " +
                    frameBytes + ", " + runs);
            }
            runs = List.copyOf(runs);
        }

        /** The median of the runs' shipping rates. */
        public double shippingFramesPerSecond()
        {
            return median(runs.stream().mapToDouble(Run::shippingFramesPerSecond).toArray());
        }

        /** The median of the runs' bare Aeron rates. */
        public double bareFramesPerSecond()
        {
            return median(runs.stream().mapToDouble(Run::bareFramesPerSecond).toArray());
        }

        /** The median of the runs' CPU per frame, shipping. */
        public double shippingCpuNsPerFrame()
        {
            return median(runs.stream().mapToDouble(r -> r.shipping().cpuNsPerFrame()).toArray());
        }

        /** The median of the runs' CPU per frame, bare Aeron. */
        public double bareCpuNsPerFrame()
        {
            return median(runs.stream().mapToDouble(r -> r.bare().cpuNsPerFrame()).toArray());
        }

        /** Whether every run's sides carry the breakdown by role. */
        boolean hasRoles()
        {
            return runs.stream().allMatch(r -> !r.shipping().cpuNsPerFrameByRole().isEmpty() &&
                !r.bare().cpuNsPerFrameByRole().isEmpty());
        }

        /** The median of the runs' CPU per frame of {@code role}, shipping. */
        public double shippingCpuNsPerFrame(final ShippingThreadRole role)
        {
            return median(runs.stream().mapToDouble(r -> r.shipping().cpuNsPerFrame(role)).toArray());
        }

        /** The median of the runs' CPU per frame of {@code role}, bare Aeron. */
        public double bareCpuNsPerFrame(final ShippingThreadRole role)
        {
            return median(runs.stream().mapToDouble(r -> r.bare().cpuNsPerFrame(role)).toArray());
        }

        /**
         * The median of the pairs' ratios: each pair ran back to back, so a drift of the machine between pairs
         * falls on both sides of a ratio rather than on one median.
         */
        public double ratio()
        {
            return median(runs.stream().mapToDouble(Run::ratio).toArray());
        }
    }

    /** The median; the mean of the middle two for an even count. */
    static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * The block: {@code settings} (one paragraph), the table and the verdict.
     *
     * @param settings what ran and how, one paragraph of Markdown.
     * @param points   the edge counts in the order to list them.
     */
    public static String render(final String settings, final List<Point> points)
    {
        if (points.isEmpty())
        {
            throw new IllegalArgumentException("no points measured");
        }
        final StringBuilder out = new StringBuilder(settings.strip()).append("\n\n");
        out.append("| edges | hive ingest frames/s (all edges) | MB/s | per edge frames/s | bare Aeron frames/s | " +
            "MB/s | shipping / bare | CPU ns per frame shipping / bare | runs (shipping / bare, back to back) |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        Point worst = null;
        final List<String> all = new ArrayList<>();
        for (final Point p : points)
        {
            final double ship = p.shippingFramesPerSecond();
            final double bare = p.bareFramesPerSecond();
            final List<String> runs = new ArrayList<>();
            for (final Run r : p.runs())
            {
                runs.add(String.format(Locale.ROOT, "%,.0f / %,.0f = %s", r.shippingFramesPerSecond(),
                    r.bareFramesPerSecond(), percent(r.ratio())));
            }
            out.append(String.format(Locale.ROOT,
                "| %d | %,.0f | %.1f | %,.0f | %,.0f | %.1f | %s | %,.0f / %,.0f | %s |\n",
                p.edges(), ship, megabytes(ship, p.frameBytes()), ship / p.edges(), bare,
                megabytes(bare, p.frameBytes()), percent(p.ratio()), p.shippingCpuNsPerFrame(),
                p.bareCpuNsPerFrame(), String.join("; ", runs)));
            all.add(p.edges() + (p.edges() == 1 ? " edge " : " edges ") + percent(p.ratio()));
            if (worst == null || p.ratio() < worst.ratio())
            {
                worst = p;
            }
        }
        final List<String> cpu = new ArrayList<>();
        for (final Point p : points)
        {
            cpu.add(String.format(Locale.ROOT, "%d %s %.1f×", p.edges(), p.edges() == 1 ? "edge" : "edges",
                p.shippingCpuNsPerFrame() / p.bareCpuNsPerFrame()));
        }
        final boolean met = worst.ratio() >= TARGET_RATIO;
        out.append(String.format(Locale.ROOT, "\nVerdict on issue 16's target (medians of back-to-back ratios " +
                "from this run):\n\n- shipping ≥ %s of bare Aeron's frames/s at every edge count: **%s** (worst: " +
                "%d %s, %s, the median of its pairs' ratios; median rates %,.0f and %,.0f frames/s; all: %s)\n",
            percent(TARGET_RATIO), met ? "met" : "NOT met", worst.edges(), worst.edges() == 1 ? "edge" : "edges",
            percent(worst.ratio()), worst.shippingFramesPerSecond(), worst.bareFramesPerSecond(),
            String.join(", ", all)));
        out.append(String.format(Locale.ROOT, "- CPU per frame, shipping against bare Aeron (medians): %s; where " +
            "both paths are bound by the same cores, shipping's rate is at most bare Aeron's divided by that\n",
            String.join(", ", cpu)));
        if (points.stream().allMatch(Point::hasRoles))
        {
            renderRoles(out, points);
        }
        return out.toString();
    }

    /**
     * Where each side's CPU goes, by thread role (medians over the runs; a role's median, so the columns of a row add
     * up to about its total, not exactly), and what shipping spends beyond bare Aeron in the roles bare Aeron does
     * not have or does less in.
     */
    private static void renderRoles(final StringBuilder out, final List<Point> points)
    {
        final ShippingThreadRole[] roles = ShippingThreadRole.values();
        out.append("\nCPU ns per frame by thread (medians; the JVM's threads by name, `ShippingThreadRole`):\n\n");
        out.append("| edges | side |");
        final StringBuilder rule = new StringBuilder("|---:|---|");
        for (final ShippingThreadRole role : roles)
        {
            out.append(' ').append(role.label()).append(" |");
            rule.append("---:|");
        }
        out.append(" total |\n").append(rule).append("---:|\n");
        for (final Point p : points)
        {
            for (final boolean shipping : new boolean[] {true, false})
            {
                out.append("| ").append(p.edges()).append(" | ").append(shipping ? "shipping" : "bare Aeron")
                    .append(" |");
                for (final ShippingThreadRole role : roles)
                {
                    out.append(String.format(Locale.ROOT, " %,.0f |",
                        shipping ? p.shippingCpuNsPerFrame(role) : p.bareCpuNsPerFrame(role)));
                }
                out.append(String.format(Locale.ROOT, " %,.0f |\n",
                    shipping ? p.shippingCpuNsPerFrame() : p.bareCpuNsPerFrame()));
            }
        }
        out.append("\nThe roles, shipping / bare Aeron: ");
        final List<String> what = new ArrayList<>();
        for (final ShippingThreadRole role : roles)
        {
            what.add(role.label() + ": " + role.shipping() + " / " + role.bare());
        }
        out.append(String.join("; ", what)).append(".\n");
        final List<String> extra = new ArrayList<>();
        for (final Point p : points)
        {
            final double archive = p.shippingCpuNsPerFrame(ShippingThreadRole.ARCHIVE);
            final double writer = p.shippingCpuNsPerFrame(ShippingThreadRole.RECEIVER) -
                p.bareCpuNsPerFrame(ShippingThreadRole.RECEIVER);
            final double reader = p.shippingCpuNsPerFrame(ShippingThreadRole.SENDERS) -
                p.bareCpuNsPerFrame(ShippingThreadRole.SENDERS);
            final double bound = p.bareCpuNsPerFrame() / (p.bareCpuNsPerFrame() + archive + writer + reader);
            extra.add(String.format(Locale.ROOT, "%d %s: Archive %,.0f + journal append %,.0f + journal read %,.0f " +
                    "ns/frame, so at most %s of bare Aeron's rate on shared cores even with nothing else added",
                p.edges(), p.edges() == 1 ? "edge" : "edges", archive, writer, reader, percent(bound)));
        }
        out.append("\nWork shipping does that bare Aeron does not (medians, beyond the bare thread of the same role): ")
            .append(String.join("; ", extra)).append(".\n");
    }

    private static double megabytes(final double framesPerSecond, final int frameBytes)
    {
        return framesPerSecond * frameBytes / 1e6;
    }

    private static String percent(final double ratio)
    {
        return String.format(Locale.ROOT, "%.0f %%", ratio * 100);
    }
}
