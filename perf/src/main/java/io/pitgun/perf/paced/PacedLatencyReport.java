package io.pitgun.perf.paced;

import io.pitgun.perf.report.PipelineLatencyTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Markdown of {@code <!-- bench:PacedLatency -->}: one row per configuration and rate, then the verdict on #15's
 * embedded targets, computed from the same rows. Generated, never edited by hand.
 */
public final class PacedLatencyReport
{
    /** The rates #15's embedded targets are judged at. */
    static final long[] TARGET_RATES = {10_000, 100_000};
    /** Latency profile: publish → journaled p50 at most this many times the bare append's. */
    static final double PROFILE_P50_RATIO = 2.0;
    /** Latency profile: publish → journaled p99 at most this many times the bare append's. */
    static final double PROFILE_P99_RATIO = 3.0;
    /** Default settings: publish → journaled p50 at most this, ns. */
    static final long DEFAULT_P50_NS = 20_000;
    /** Default settings: an idle pipeline's threads at most this % of one core. */
    static final double DEFAULT_IDLE_PERCENT = 5.0;

    private PacedLatencyReport()
    {
    }

    /**
     * @param settings one sentence on how the run was made (durations, machine notes), printed above the table.
     * @param results  every configuration, in the order they ran.
     * @return the block's Markdown.
     */
    public static String render(final String settings, final List<PacedConfigurationResult> results)
    {
        final StringBuilder md = new StringBuilder();
        md.append(settings).append("\n\n");
        md.append("| configuration | frames/s | achieved/s | commit p50 / p99 / p99.9 / max | publish → journaled ")
            .append("p50 / p99 / p99.9 / max | publish → processed p50 / p99 / p99.9 / max | bare append p50 / p99 ")
            .append("/ p99.9 | journaled ÷ bare p50 | journaled ÷ bare p99 | idle CPU | journaled ring p50 / p99 / ")
            .append("p99.9 | journaled ÷ ring p50 |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        final List<String> skipped = new ArrayList<>();
        for (final PacedConfigurationResult c : results)
        {
            if (c.skipped() != null)
            {
                skipped.add("`" + c.name() + "`: " + c.skipped());
                continue;
            }
            for (final PacedPoint p : c.points())
            {
                md.append("| ").append(label(c)).append(" | ").append(rate(p)).append(" | ")
                    .append(String.format(Locale.ROOT, "%,.0f", p.achieved())).append(p.keptUp() ? "" : " (fell behind)")
                    .append(" | ").append(four(p.commit())).append(" | ").append(four(p.journaled())).append(" | ")
                    .append(four(p.processed())).append(" | ").append(three(p.bare()))
                    .append(p.bareKeptUp() ? "" : " (fell behind)").append(" | ")
                    .append(ratio(p.journaled().p50(), p.bare().p50())).append(" | ")
                    .append(ratio(p.journaled().p99(), p.bare().p99())).append(" | ")
                    .append(percent(c.idleCpuPercent())).append(" | ")
                    .append(p.ringFloor() == null ? "—" : three(p.ringFloor())).append(" | ")
                    .append(p.ringFloor() == null ? "—" : ratio(p.journaled().p50(), p.ringFloor().p50()))
                    .append(" |\n");
            }
        }
        md.append('\n');
        for (final String s : skipped)
        {
            md.append("Not run: ").append(s).append("\n\n");
        }
        md.append(highest(results));
        md.append(allocations(results));
        md.append(verdict(results));
        return md.toString();
    }

    private static String highest(final List<PacedConfigurationResult> results)
    {
        final List<String> parts = new ArrayList<>();
        for (final PacedConfigurationResult c : results)
        {
            if (c.skipped() == null && !c.points().isEmpty())
            {
                final long best = c.highestSustainable();
                parts.add("`" + c.name() + "` " + (best == 0 ? "none of the measured rates" :
                    String.format(Locale.ROOT, "%,d", best)));
            }
        }
        return parts.isEmpty() ? "" : "**Highest sustainable rate (generated)**, the highest measured rate at which " +
            "the producer kept " + Math.round(PacedSchedule.KEPT_UP_SHARE * 100) + " % of the schedule's (step-up " +
            "rows: ×" + PacedLatencyMain.STEP_FACTOR + " from the last fixed rate while it keeps up): " +
            String.join("; ", parts) + ".\n\n";
    }

    private static String allocations(final List<PacedConfigurationResult> results)
    {
        final List<String> pipeline = new ArrayList<>();
        final List<String> bare = new ArrayList<>();
        int points = 0;
        for (final PacedConfigurationResult c : results)
        {
            for (final PacedPoint p : c.points())
            {
                points++;
                if (p.pipelineAllocation().bytes() != 0)
                {
                    pipeline.add(String.format(Locale.ROOT, "`%s` at %,d/s: %s", c.name(), p.rate(),
                        p.pipelineAllocation().describe()));
                }
                if (p.bareAllocation().bytes() != 0)
                {
                    bare.add(String.format(Locale.ROOT, "`%s` at %,d/s: %s", c.name(), p.rate(),
                        p.bareAllocation().describe()));
                }
            }
        }
        if (points == 0)
        {
            return "";
        }
        return "**Allocation (generated)**, by the sending thread in a point's measured rounds (a per-frame " +
            "allocation shows in every round and grows with the frames; one in a single round is a one-off of that " +
            "moment): pipeline producer " + allocated(pipeline, points) + "; bare append " + allocated(bare, points) +
            ".\n\n";
    }

    private static String allocated(final List<String> allocating, final int points)
    {
        return allocating.isEmpty() ? "0 B at every point" : "at " + allocating.size() + " of " + points +
            " points (" + String.join("; ", allocating) + ")";
    }

    /** The verdict on the embedded targets of #15, one line per target, met or NOT met with the numbers. */
    static String verdict(final List<PacedConfigurationResult> results)
    {
        final StringBuilder md = new StringBuilder("**Verdict (generated)**, publish → journaled against the bare ")
            .append("Chronicle append in the same run:\n\n");
        PacedConfigurationResult profile = null;
        PacedConfigurationResult defaults = null;
        for (final PacedConfigurationResult c : results)
        {
            if (c.latencyProfile() && c.skipped() == null && profile == null)
            {
                profile = c;
            }
            if (c.isDefault() && c.skipped() == null && defaults == null)
            {
                defaults = c;
            }
        }
        md.append("- Latency profile, p50 ≤ ").append(times(PROFILE_P50_RATIO)).append(" and p99 ≤ ")
            .append(times(PROFILE_P99_RATIO)).append(" the bare append's at 10,000 and 100,000 frames/s: ");
        if (profile == null)
        {
            md.append("**not measured** (no configuration of this run is the latency profile).\n");
        }
        else
        {
            final List<String> figures = new ArrayList<>();
            boolean met = true;
            boolean measured = true;
            for (final long rate : TARGET_RATES)
            {
                final PacedPoint p = profile.at(rate);
                if (p == null)
                {
                    measured = false;
                    figures.add(String.format(Locale.ROOT, "%,d/s not measured", rate));
                    continue;
                }
                final double r50 = (double)p.journaled().p50() / Math.max(1, p.bare().p50());
                final double r99 = (double)p.journaled().p99() / Math.max(1, p.bare().p99());
                met &= r50 <= PROFILE_P50_RATIO && r99 <= PROFILE_P99_RATIO && p.keptUp();
                figures.add(String.format(Locale.ROOT, "%,d/s: p50 %s vs %s (%s), p99 %s vs %s (%s)%s", rate,
                    PipelineLatencyTable.duration(p.journaled().p50()), PipelineLatencyTable.duration(p.bare().p50()),
                    times(r50), PipelineLatencyTable.duration(p.journaled().p99()),
                    PipelineLatencyTable.duration(p.bare().p99()), times(r99), p.keptUp() ? "" : ", fell behind"));
            }
            md.append(outcome(measured, met)).append(" with `").append(profile.name()).append("` — ")
                .append(String.join("; ", figures)).append(".\n");
        }
        md.append(floor(profile));
        md.append("- Default settings, p50 ≤ ").append(PipelineLatencyTable.duration(DEFAULT_P50_NS))
            .append(" at 10,000 and 100,000 frames/s: ");
        if (defaults == null)
        {
            md.append("**not measured** (the default configuration did not run).\n");
            md.append("- Default settings, idle ≤ ").append(percent(DEFAULT_IDLE_PERCENT))
                .append(" of a core: **not measured**.\n");
            return md.toString();
        }
        final List<String> figures = new ArrayList<>();
        boolean met = true;
        boolean measured = true;
        for (final long rate : TARGET_RATES)
        {
            final PacedPoint p = defaults.at(rate);
            if (p == null)
            {
                measured = false;
                figures.add(String.format(Locale.ROOT, "%,d/s not measured", rate));
                continue;
            }
            met &= p.journaled().p50() <= DEFAULT_P50_NS && p.keptUp();
            figures.add(String.format(Locale.ROOT, "%,d/s: p50 %s%s", rate,
                PipelineLatencyTable.duration(p.journaled().p50()), p.keptUp() ? "" : ", fell behind"));
        }
        md.append(outcome(measured, met)).append(" with `").append(defaults.name()).append("` — ")
            .append(String.join("; ", figures)).append(".\n");
        final boolean idleMeasured = !Double.isNaN(defaults.idleCpuPercent());
        md.append("- Default settings, idle ≤ ").append(percent(DEFAULT_IDLE_PERCENT)).append(" of a core: ")
            .append(outcome(idleMeasured, defaults.idleCpuPercent() <= DEFAULT_IDLE_PERCENT)).append(" with `")
            .append(defaults.name()).append("` — ").append(percent(defaults.idleCpuPercent())).append(".\n");
        return md.toString();
    }

    /**
     * The latency profile against the journaled-ring floor: whether "2× a same-thread append" is below what any
     * design that journals on another thread than the producer's reaches on this machine — the reason the profile
     * journals on the producer's thread ({@code journal.thread: producer}), which the floor then no longer bounds.
     */
    private static String floor(final PacedConfigurationResult profile)
    {
        final StringBuilder md = new StringBuilder("- Latency profile vs the journaled-ring floor (a hand-built ")
            .append("busy-spin Disruptor ring whose consumer appends each batch to Chronicle: the least any design ")
            .append("that journals on another thread than the producer's pays; the latency profile journals on the ")
            .append("producer's own thread, `journal.thread: producer`, which this floor does not bound), p50 at ")
            .append("10,000 and 100,000 frames/s: ");
        if (profile == null)
        {
            return md.append("**not measured**.\n").toString();
        }
        final List<String> figures = new ArrayList<>();
        for (final long rate : TARGET_RATES)
        {
            final PacedPoint p = profile.at(rate);
            if (p == null || p.ringFloor() == null)
            {
                figures.add(String.format(Locale.ROOT, "%,d/s not measured", rate));
                continue;
            }
            final long ring = p.ringFloor().p50();
            final long target = Math.round(PROFILE_P50_RATIO * p.bare().p50());
            figures.add(String.format(Locale.ROOT, "%,d/s: pipeline %s vs ring %s (%s); the ring is %s the bare " +
                "append's (%s), so %s %s", rate, PipelineLatencyTable.duration(p.journaled().p50()),
                PipelineLatencyTable.duration(ring), ratio(p.journaled().p50(), ring), ratio(ring, p.bare().p50()),
                PipelineLatencyTable.duration(p.bare().p50()), times(PROFILE_P50_RATIO) + " the bare append (" +
                PipelineLatencyTable.duration(target) + ")", ring <= target ? "is within a thread handoff's reach" :
                "is below the floor of a thread handoff"));
        }
        return md.append(String.join("; ", figures)).append(".\n").toString();
    }

    private static String outcome(final boolean measured, final boolean met)
    {
        return !measured ? "**not measured**" : met ? "**met**" : "**NOT met**";
    }

    private static String label(final PacedConfigurationResult c)
    {
        return "`" + c.name() + "`" + (c.isDefault() ? " (default)" : "") + (c.latencyProfile() ? " (latency profile)" :
            "");
    }

    private static String rate(final PacedPoint p)
    {
        return String.format(Locale.ROOT, "%,d", p.rate()) + (p.stepUp() ? " (step-up)" : "");
    }

    private static String four(final Percentiles p)
    {
        return three(p) + " / " + PipelineLatencyTable.duration(p.max());
    }

    private static String three(final Percentiles p)
    {
        return PipelineLatencyTable.duration(p.p50()) + " / " + PipelineLatencyTable.duration(p.p99()) + " / " +
            PipelineLatencyTable.duration(p.p999());
    }

    static String ratio(final long value, final long base)
    {
        return times((double)value / Math.max(1, base));
    }

    private static String times(final double ratio)
    {
        return String.format(Locale.ROOT, ratio >= 100 ? "%.0f×" : ratio >= 10 ? "%.1f×" : "%.2f×", ratio);
    }

    private static String percent(final double percent)
    {
        return Double.isNaN(percent) ? "not measured" : String.format(Locale.ROOT, "%.1f %%", percent);
    }
}
