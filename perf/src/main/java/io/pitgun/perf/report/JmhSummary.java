package io.pitgun.perf.report;

import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.perf.BenchPipeline;
import io.pitgun.perf.JournalAppendBenchmark;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The derived figures the prose of {@code docs/performance.md} talks about ("the decoder is N× Jackson", "compiled
 * is N× exp4j", "the pipeline is N % of the bare Disruptor"), computed from one run's JMH results so that no such
 * figure is typed by hand. One short Markdown paragraph per benchmark class; empty for a class without one.
 */
final class JmhSummary
{
    private static final String LEAD = "**Summary (generated):** ";

    private JmhSummary()
    {
    }

    /** What a journaled frame of the pipeline benchmark occupies in the journal: its record header and bytes. */
    static final int JOURNALED_FRAME_BYTES =
        JournalEntryDescriptor.MESSAGE_OFFSET + BenchPipeline.FRAME_BYTES;

    static final int PAGE_BYTES = JournalAppendBenchmark.FreshPages.PAGE_BYTES;

    /**
     * The summary of one benchmark class.
     *
     * @param results the class's results.
     * @param all     every result of the run: a summary may put one class's figure next to another's.
     */
    static String render(final String group, final List<JmhResult> results, final List<JmhResult> all)
    {
        final List<String> sentences;
        switch (group)
        {
            case "EnvelopeDecode":
                sentences = envelopeDecode(results);
                break;
            case "Formula":
                sentences = formula(results);
                break;
            case "PipelineThroughput":
                sentences = pipeline(results, find(all, "freshPagePopulated"));
                break;
            case "JournalAppend":
                sentences = journal(results);
                break;
            case "Solver":
                sentences = solver(results);
                break;
            case "F1UdpDecode":
                sentences = f1UdpDecode(results);
                break;
            default:
                sentences = List.of();
        }
        return sentences.isEmpty() ? "" : LEAD + String.join(" ", sentences) + "\n";
    }

    private static List<String> envelopeDecode(final List<JmhResult> results)
    {
        final JmhResult sbe = find(results, "decodeToSbe");
        final JmhResult jackson = find(results, "jacksonDatabind");
        final Speedup speedup = Speedup.of(sbe, jackson);
        if (speedup == null)
        {
            return List.of();
        }
        final List<String> out = new ArrayList<>();
        out.add("`decodeToSbe` has " + speedup.timesWithRange() + " the throughput of `jacksonDatabind`" +
            megabytes(sbe, jackson) + ".");
        out.add("Bytes allocated per envelope: `decodeToSbe` " + bytes(sbe.allocated()) + ", `jacksonDatabind` " +
            bytes(jackson.allocated()) + ".");
        return out;
    }

    /** The F1 game's highest send rate: motion, lap data, car telemetry and car status every frame at 60 Hz. */
    static final int F1_FRAME_HZ = 60;
    /** The packet ids the game sends every frame at that rate, of those the source decodes. */
    static final List<String> F1_PER_FRAME_IDS = List.of("0", "2", "6", "7");

    /**
     * The decode cost of one game frame (one packet of each per-frame id, 22 cars each) against the 1/60 s the game
     * leaves between frames: the margin over 22 cars at the game's highest rate.
     */
    private static List<String> f1UdpDecode(final List<JmhResult> results)
    {
        double frameNs = 0;
        double worstAllocated = 0;
        for (final String id : F1_PER_FRAME_IDS)
        {
            JmhResult found = null;
            for (final JmhResult r : results)
            {
                if (id.equals(r.params().get("packetId")))
                {
                    found = r;
                }
            }
            if (found == null || !(found.score() > 0))
            {
                return List.of();
            }
            frameNs += 1e9 / found.score();
            worstAllocated = Double.isNaN(found.allocated()) ? Double.NaN : Math.max(worstAllocated, found.allocated());
        }
        final double budgetNs = 1e9 / F1_FRAME_HZ;
        return List.of(String.format(Locale.ROOT, "One game frame of 22 cars (packet ids %s, one each) costs %,.0f ns " +
            "to decode: at the game's highest rate (%d Hz, %d packets/s) that is %.3f %% of one core, a margin of " +
            "%,.0f×.", String.join(", ", F1_PER_FRAME_IDS), frameNs, F1_FRAME_HZ,
            F1_FRAME_HZ * F1_PER_FRAME_IDS.size(), 100 * frameNs / budgetNs, budgetNs / frameNs),
            "Bytes allocated per packet, the most of those ids: " + bytes(worstAllocated) + ".");
    }

    /** {@code  (887 vs 275 MB/s of JSON)} from the {@code jsonBytes} counters, when both have one. */
    private static String megabytes(final JmhResult sbe, final JmhResult jackson)
    {
        final JmhResult.Metric a = sbe.counters().get("jsonBytes");
        final JmhResult.Metric b = jackson.counters().get("jsonBytes");
        if (a == null || b == null)
        {
            return "";
        }
        return String.format(Locale.ROOT, " (%,.0f vs %,.0f MB/s of JSON)", a.score() / 1e6, b.score() / 1e6);
    }

    private static List<String> formula(final List<JmhResult> results)
    {
        final Set<String> cases = new LinkedHashSet<>();
        for (final JmhResult r : results)
        {
            if (r.method().startsWith("compiled"))
            {
                cases.add(r.method().substring("compiled".length()));
            }
        }
        final List<String> out = new ArrayList<>();
        for (final String c : cases)
        {
            final JmhResult compiled = find(results, "compiled" + c);
            final List<String> parts = new ArrayList<>();
            final Speedup hand = Speedup.of(find(results, "handWritten" + c), compiled);
            if (hand != null)
            {
                // Hand-written over compiled, as a time ratio: "compiled takes N× hand-written Java's time".
                parts.add("compiled code takes " + hand.times() + " hand-written Java's time");
            }
            final List<String> faster = new ArrayList<>();
            for (final String library : List.of("exp4j", "jexl", "interpreted"))
            {
                final Speedup s = Speedup.of(compiled, find(results, library + c));
                if (s != null)
                {
                    faster.add(s.timesWithRange() + " as fast as " + label(library));
                }
            }
            if (!faster.isEmpty())
            {
                parts.add((parts.isEmpty() ? "compiled code is " : "is ") + String.join(", ", faster));
            }
            if (!parts.isEmpty())
            {
                out.add("`" + c + "`: " + String.join(" and ", parts) + ".");
            }
        }
        return out;
    }

    private static String label(final String library)
    {
        switch (library)
        {
            case "jexl":
                return "JEXL";
            case "interpreted":
                return "the interpreter";
            default:
                return library;
        }
    }

    /** @param freshPage the cost of a fresh journal page as the pretoucher pays it (JournalAppend), or null. */
    private static List<String> pipeline(final List<JmhResult> results, final JmhResult freshPage)
    {
        final JmhResult bare = find(results, "bareDisruptor");
        final JmhResult journaled = journaled(results);
        final List<String> out = new ArrayList<>();
        for (final JmhResult r : results)
        {
            final Speedup s = Speedup.of(r, bare);
            if (r.method().equals("pipeline") && s != null)
            {
                out.add("`pipeline` (" + params(r) + ") runs at " + s.percentWithRange() + " of `bareDisruptor`'s " +
                    "frames/s (" + nanosPerOp(r) + " per frame against " + nanosPerOp(bare) + ").");
            }
        }
        for (final JmhResult r : results)
        {
            final Speedup s = Speedup.of(r, journaled);
            if (r.method().equals("pipeline") && !"none".equals(r.params().get("journal")) && s != null)
            {
                final String which = journaled.params().containsKey("write") ?
                    " (write=" + journaled.params().get("write") + ", the faster way)" : "";
                out.add("`pipeline` (" + params(r) + ") runs at " + s.percentWithRange() + " of " +
                    "`bareJournaledDisruptor`" + which + "'s frames/s (" + nanosPerOp(r) + " per frame against " +
                    nanosPerOp(journaled) + "; target ≥ 80 %).");
            }
        }
        if (isThroughput(bare) && isThroughput(freshPage))
        {
            // Half the bare ring's rate gives each frame twice the bare ring's time, for every stage of the
            // pipeline; the page faults of a growing journal are a cost no layout of those stages avoids.
            final double budgetNs = 2e9 / bare.score();
            final double pagesNs = 1e9 / freshPage.score() * JOURNALED_FRAME_BYTES / PAGE_BYTES;
            out.add(String.format(Locale.ROOT, "At 50 %% of `bareDisruptor`'s rate a frame has %s ns; populating " +
                "fresh journal pages alone costs each journaled frame (%d bytes) %s ns of CPU time on this " +
                "machine (JournalAppend's `freshPagePopulated` × %d / %,d), paid by the pretoucher's thread.",
                BenchTable.number(budgetNs), JOURNALED_FRAME_BYTES, BenchTable.number(pagesNs),
                JOURNALED_FRAME_BYTES, PAGE_BYTES));
        }
        return out;
    }

    /** The journaled baseline's best parameter set (the ceiling: its faster way of writing), or null. */
    private static JmhResult journaled(final List<JmhResult> results)
    {
        final List<JmhResult> rows = new ArrayList<>();
        for (final JmhResult r : results)
        {
            if (r.method().equals("bareJournaledDisruptor") && isThroughput(r))
            {
                rows.add(r);
            }
        }
        return rows.isEmpty() ? null : BenchTable.baselineOf(rows.get(0), rows, "bareJournaledDisruptor");
    }

    private static boolean isThroughput(final JmhResult r)
    {
        return r != null && r.score() > 0 && r.unit().equals("ops/s");
    }

    private static List<String> journal(final List<JmhResult> results)
    {
        final JmhResult append = find(results, "append");
        final JmhResult batched = find(results, "appendBatched");
        final JmhResult read = find(results, "read");
        final List<String> out = new ArrayList<>();
        final Speedup s = Speedup.of(batched, append);
        if (s != null)
        {
            out.add("`appendBatched` appends " + s.timesWithRange() + " as many frames/s as `append` (one entry per " +
                "frame).");
        }
        final List<String> costs = new ArrayList<>();
        if (append != null)
        {
            costs.add("`append` " + nanosPerOp(append) + " per entry");
        }
        if (batched != null)
        {
            costs.add("`appendBatched` " + nanosPerOp(batched) + " per frame");
        }
        if (read != null)
        {
            costs.add("`read` " + nanosPerOp(read) + " per entry");
        }
        for (final String method : List.of("freshPage", "freshPagePopulated"))
        {
            final JmhResult page = find(results, method);
            if (page != null)
            {
                costs.add("`" + method + "` " + nanosPerOp(page) + " per 4 KiB page");
            }
        }
        if (!costs.isEmpty())
        {
            out.add("Mean cost: " + String.join(", ", costs) + ".");
        }
        return out;
    }

    private static List<String> solver(final List<JmhResult> results)
    {
        final List<String> out = new ArrayList<>();
        JmhResult one = null;
        for (final JmhResult r : results)
        {
            if (r.params().getOrDefault("threads", "").equals("1"))
            {
                one = r;
            }
        }
        for (final JmhResult r : results)
        {
            final Speedup s = Speedup.of(r, one);
            if (r != one && s != null)
            {
                out.add("With " + params(r) + " a solve is " + s.timesWithRange() + " as fast as with threads=1.");
            }
        }
        return out;
    }

    /** The first result of {@code method} (whatever its parameters), or null. */
    private static JmhResult find(final List<JmhResult> results, final String method)
    {
        for (final JmhResult r : results)
        {
            if (r.method().equals(method))
            {
                return r;
            }
        }
        return null;
    }

    private static String params(final JmhResult r)
    {
        final List<String> parts = new ArrayList<>();
        r.params().forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }

    /** Mean time per op of a throughput result, e.g. {@code 706 ns}. */
    private static String nanosPerOp(final JmhResult r)
    {
        if (!isThroughput(r))
        {
            return "?";
        }
        return BenchTable.number(1e9 / r.score()) + " ns";
    }

    private static String bytes(final double allocated)
    {
        if (Double.isNaN(allocated))
        {
            return "not measured (no -prof gc)";
        }
        return allocated < 1 ? "≈ 0 B (JMH's own bookkeeping)" : String.format(Locale.ROOT, "%,.0f B", allocated);
    }
}
