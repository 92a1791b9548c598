package io.pitgun.perf;

import java.util.List;
import java.util.Locale;

/**
 * The Markdown block of {@link JournaledPairsMain}: every round's rates, each pipeline layout's ratio to the
 * journaled ring in that round, and the verdict on the target from the median ratio's interval.
 */
final class JournaledPairsTable
{
    private JournaledPairsTable()
    {
    }

    /**
     * @param names the configurations, the journaled ring first (the denominator of every ratio).
     * @param rates frames/s per round (rows) and configuration (columns, in {@code names}' order).
     * @param cpu   per round and configuration, CPU nanoseconds per finished frame by
     *              {@link JournaledPairsMain.CpuRole} ordinal.
     */
    static String markdown(final JournaledPairsMain.Options options, final List<String> names, final double[][] rates,
        final double[][][] cpu)
    {
        final int n = names.size();
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Settings: %d rounds after %d warm-up rounds; in each, every " +
            "configuration publishes for a %d ms lead-in, then %d ms measured, then drains; the order rotates from " +
            "round to round; one JVM (Pitgun's JVM flags), each configuration with its own journal and pretoucher, " +
            "wait strategy SLEEPING.%n%n",
            options.rounds(), JournaledPairsMain.WARM_UP_ROUNDS, JournaledPairsMain.LEAD_IN_MS, options.sliceMs()));
        out.append("| round | first |");
        for (final String name : names)
        {
            out.append(' ').append(name).append(" frames/s |");
        }
        for (int c = 1; c < n; c++)
        {
            out.append(' ').append(names.get(c)).append(" / ring |");
        }
        out.append('\n').append("|---:|---|").append("---:|".repeat(2 * n - 1)).append('\n');
        final double[][] ratios = new double[n][rates.length];
        for (int r = 0; r < rates.length; r++)
        {
            out.append("| ").append(r + 1).append(" | ").append(names.get(Math.floorMod(r, n))).append(" |");
            for (int c = 0; c < n; c++)
            {
                out.append(String.format(Locale.ROOT, " %,.0f |", rates[r][c]));
            }
            for (int c = 1; c < n; c++)
            {
                ratios[c][r] = rates[r][c] / rates[r][0];
                out.append(' ').append(percent(ratios[c][r])).append(" |");
            }
            out.append('\n');
        }
        out.append('\n').append("CPU time per frame the consumer finished, by thread, median over the rounds (the " +
            "producer is the measuring thread; consumers and the rest are every other thread but the pretouchers):")
            .append("\n\n| configuration |");
        for (final JournaledPairsMain.CpuRole role : JournaledPairsMain.CpuRole.VALUES)
        {
            out.append(' ').append(role.label).append(" |");
        }
        out.append(" total |\n|---|").append("---:|".repeat(JournaledPairsMain.CpuRole.VALUES.length + 1))
            .append('\n');
        for (int c = 0; c < n; c++)
        {
            out.append("| ").append(names.get(c)).append(" |");
            double total = 0;
            for (final JournaledPairsMain.CpuRole role : JournaledPairsMain.CpuRole.VALUES)
            {
                final double[] perRound = new double[rates.length];
                for (int r = 0; r < rates.length; r++)
                {
                    perRound[r] = cpu[r][c][role.ordinal()];
                }
                final double median = MedianRatioInterval.median(perRound);
                total += median;
                out.append(String.format(Locale.ROOT, " %.0f ns |", median));
            }
            out.append(String.format(Locale.ROOT, " %.0f ns |%n", total));
        }
        out.append('\n').append("**Summary (generated):** ");
        for (int c = 1; c < n; c++)
        {
            final MedianRatioInterval interval = MedianRatioInterval.of(ratios[c], JournaledPairsMain.CONFIDENCE);
            out.append('`').append(names.get(c)).append("` runs at ").append(percent(interval.median()))
                .append(String.format(Locale.ROOT, " of the journaled ring's frames/s (median of %d paired rounds; " +
                    "%s–%s within the %.1f %% interval of the median): ", rates.length, percent(interval.low()),
                    percent(interval.high()), interval.confidence() * 100))
                .append(verdict(interval)).append(c + 1 < n ? " " : "\n");
        }
        return out.toString();
    }

    /** The target's verdict: met only when the whole interval is at or above it. */
    static String verdict(final MedianRatioInterval interval)
    {
        final String target = percent(JournaledPairsMain.TARGET);
        if (interval.low() >= JournaledPairsMain.TARGET)
        {
            return "the " + target + " target is **met**.";
        }
        if (interval.high() < JournaledPairsMain.TARGET)
        {
            return "the " + target + " target is **not met**.";
        }
        return "the interval spans the " + target + " target (not decided).";
    }

    private static String percent(final double ratio)
    {
        return String.format(Locale.ROOT, "%.1f %%", ratio * 100);
    }
}
