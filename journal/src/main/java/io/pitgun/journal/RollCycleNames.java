package io.pitgun.journal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

import java.util.ArrayList;
import java.util.List;

/** Resolves a roll-cycle name from configuration to Chronicle's constant, or says which names exist. */
final class RollCycleNames
{
    private RollCycleNames()
    {
    }

    static RollCycle byName(final String name)
    {
        for (final RollCycle cycle : all())
        {
            if (((Enum<?>)cycle).name().equals(name))
            {
                return cycle;
            }
        }
        throw new IllegalArgumentException("rollCycle: unknown roll cycle '" + name + "' (known: " + names() + ")");
    }

    static List<String> names()
    {
        final List<String> names = new ArrayList<>();
        for (final RollCycle cycle : all())
        {
            names.add(((Enum<?>)cycle).name());
        }
        return names;
    }

    private static List<RollCycle> all()
    {
        final List<RollCycle> cycles = new ArrayList<>(List.of(RollCycles.values()));
        cycles.addAll(List.of(LargeRollCycles.values()));
        cycles.addAll(List.of(TestRollCycles.values()));
        return cycles;
    }
}
