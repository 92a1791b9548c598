package io.pitgun.perf.paced;

import io.pitgun.engine.PipelineSetting;
import io.pitgun.engine.WaitStrategyKind;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The list of configurations: every wait strategy, the default labelled once. */
class PacedConfigurationTest
{
    @Test
    void shouldMeasureEveryWaitStrategyAndLabelExactlyTheDefaultOne()
    {
        final Set<WaitStrategyKind> kinds = PacedConfiguration.all().stream().map(PacedConfiguration::waitStrategy)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(WaitStrategyKind.class)));
        assertEquals(EnumSet.allOf(WaitStrategyKind.class), kinds);
        final var defaults = PacedConfiguration.all().stream().filter(PacedConfiguration::isDefault).toList();
        assertEquals(1, defaults.size(), "one default: " + defaults);
        assertEquals(PipelineSetting.WAIT_STRATEGY.defaultValue(), defaults.get(0).waitStrategy());
        assertEquals("wait-strategy-busy-spin", PacedConfiguration.slug("wait_strategy=busy_spin"));
    }
}
