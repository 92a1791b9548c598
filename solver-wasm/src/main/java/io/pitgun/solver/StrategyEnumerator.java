package io.pitgun.solver;

import java.util.ArrayList;
import java.util.List;

/**
 * Enumerates candidate strategies for {@link StrategySearch}, in a fixed order: by number of stops, then
 * pit laps (lexicographic), then compound sequence (lexicographic by compound index).
 */
public final class StrategyEnumerator
{
    private StrategyEnumerator()
    {
    }

    /** All strategies of the search; may be empty or larger than the solver accepts (the caller checks). */
    public static List<Strategy> enumerate(final CanonicalConfig config, final int laps, final StrategySearch search)
    {
        final List<Integer> slicks = new ArrayList<>();
        for (int i = 0; i < config.compounds().size(); i++)
        {
            if (config.compounds().get(i).kind() == CompoundKind.SLICK)
            {
                slicks.add(i);
            }
        }
        final List<Strategy> strategies = new ArrayList<>();
        if (slicks.isEmpty())
        {
            return strategies;
        }
        final List<Integer> grid = new ArrayList<>();
        for (int lap = search.minStintLaps(); lap <= laps - search.minStintLaps(); lap += search.stopLapStep())
        {
            grid.add(lap);
        }
        for (int stops = 1; stops <= search.maxStops(); stops++)
        {
            final List<int[]> pitLapSets = new ArrayList<>();
            collectPitLaps(grid, search.minStintLaps(), new int[stops], 0, 0, pitLapSets);
            final List<int[]> sequences = new ArrayList<>();
            collectSequences(slicks, new int[stops + 1], 0, sequences);
            for (final int[] pitLaps : pitLapSets)
            {
                for (final int[] compounds : sequences)
                {
                    strategies.add(new Strategy(Strategy.defaultName(config, compounds, pitLaps), compounds, pitLaps));
                }
                if (strategies.size() > RequestReader.MAX_STRATEGIES)
                {
                    return strategies;
                }
            }
        }
        return strategies;
    }

    private static void collectPitLaps(
        final List<Integer> grid, final int minStint, final int[] chosen, final int depth, final int from,
        final List<int[]> out)
    {
        if (depth == chosen.length)
        {
            out.add(chosen.clone());
            return;
        }
        for (int i = from; i < grid.size(); i++)
        {
            final int lap = grid.get(i);
            if (depth > 0 && lap - chosen[depth - 1] < minStint)
            {
                continue;
            }
            chosen[depth] = lap;
            collectPitLaps(grid, minStint, chosen, depth + 1, i + 1, out);
        }
    }

    /** Sequences of slick compounds; at least two different ones when two or more exist (the dry-race rule). */
    private static void collectSequences(
        final List<Integer> slicks, final int[] sequence, final int depth, final List<int[]> out)
    {
        if (depth == sequence.length)
        {
            boolean mixed = slicks.size() < 2;
            for (int i = 1; i < sequence.length && !mixed; i++)
            {
                mixed = sequence[i] != sequence[0];
            }
            if (mixed)
            {
                out.add(sequence.clone());
            }
            return;
        }
        for (final int compound : slicks)
        {
            sequence[depth] = compound;
            collectSequences(slicks, sequence, depth + 1, out);
        }
    }
}
