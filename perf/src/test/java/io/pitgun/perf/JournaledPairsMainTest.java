package io.pitgun.perf;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paired run end to end in its shortest form (the fewest rounds a 99.9 % interval allows, 100 ms slices): three
 * real journaled configurations take turns, every round measures each, and the block's ratios are those rounds'.
 * Rates are not judged here (benchmarks are for that), only that each was measured and reported, with its CPU time.
 */
class JournaledPairsMainTest
{
    private static final Pattern ROW = Pattern.compile(
        "^\\| (\\d+) \\| [^|]+ \\| ([\\d,]+) \\| ([\\d,]+) \\| ([\\d,]+) \\| ([\\d.]+) % \\| ([\\d.]+) % \\|$",
        Pattern.MULTILINE);

    private static final Pattern CPU_ROW = Pattern.compile(
        "^\\| [^|]+ \\| (\\d+) ns \\| (\\d+) ns \\| (\\d+) ns \\| (\\d+) ns \\|$", Pattern.MULTILINE);

    @Test
    void shouldMeasureEveryConfigurationInEveryRoundAndReportTheirRatios() throws Exception
    {
        final int rounds = MedianRatioInterval.roundsFor(JournaledPairsMain.CONFIDENCE);
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final String block = JournaledPairsMain.run(new JournaledPairsMain.Options(rounds, 100, null),
            new PrintStream(log, true, StandardCharsets.UTF_8));

        final Matcher row = ROW.matcher(block);
        int seen = 0;
        while (row.find())
        {
            seen++;
            assertEquals(seen, Integer.parseInt(row.group(1)));
            final long ring = rate(row.group(2));
            final long shared = rate(row.group(3));
            final long separate = rate(row.group(4));
            assertTrue(ring > 0 && shared > 0 && separate > 0, row.group());
            assertEquals(100.0 * shared / ring, Double.parseDouble(row.group(5)), 0.051, row.group());
            assertEquals(100.0 * separate / ring, Double.parseDouble(row.group(6)), 0.051, row.group());
        }
        assertEquals(rounds, seen, block);
        final Matcher cpu = CPU_ROW.matcher(block);
        int configurations = 0;
        while (cpu.find())
        {
            configurations++;
            final long sum = Long.parseLong(cpu.group(1)) + Long.parseLong(cpu.group(2)) + Long.parseLong(cpu.group(3));
            assertTrue(sum > 0, cpu.group());
            assertEquals(sum, Long.parseLong(cpu.group(4)), 2.0, cpu.group()); // each rounded on its own
        }
        assertEquals(3, configurations, block);
        assertTrue(block.contains("median of " + rounds + " paired rounds"), block);
        assertEquals(JournaledPairsMain.WARM_UP_ROUNDS + rounds,
            log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("journaled pairs:")).count());
    }

    @Test
    void shouldRefuseFewerRoundsThanTheIntervalNeeds()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> JournaledPairsMain.Options.parse(new String[] { "--rounds", "10" }));
        assertTrue(refused.getMessage().contains("at least 11"), refused.getMessage());
        assertEquals(List.of(22, 44), List.of(JournaledPairsMain.Options.parse(new String[0]).rounds(),
            JournaledPairsMain.Options.parse(new String[] { "--profile", "full" }).rounds()));
    }

    private static long rate(final String digits)
    {
        return Long.parseLong(digits.replace(",", ""));
    }
}
