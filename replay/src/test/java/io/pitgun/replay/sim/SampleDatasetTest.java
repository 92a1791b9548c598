package io.pitgun.replay.sim;

import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The shipped sample session is what the simulator generates, and every value in it is one the dictionary accepts. */
class SampleDatasetTest
{
    private static final Path SAMPLE = Path.of("..", "datasets", "sim-session-monza.csv");
    private static final int PREFIX_ROWS = 5_000;

    @Test
    void shouldRegenerateTheShippedFilePrefixFromTheSameSeed() throws IOException
    {
        final StringWriter regenerated = new StringWriter();
        assertEquals(PREFIX_ROWS, SessionGenerator.sample().write(regenerated, PREFIX_ROWS));
        final List<String> expected = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(SAMPLE, StandardCharsets.UTF_8))
        {
            for (int i = 0; i <= PREFIX_ROWS; i++)
            {
                expected.add(reader.readLine());
            }
        }
        final List<String> actual = regenerated.toString().lines().toList();
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++)
        {
            assertEquals(expected.get(i), actual.get(i), "line " + (i + 1) + " of " + SAMPLE);
        }
    }

    @Test
    void shouldHoldOnlyValuesTheDictionaryAccepts() throws IOException
    {
        final ParameterRegistry registry = ParameterRegistry.simV1();
        long rows = 0;
        int maxLap = 0;
        long previousTimestamp = -1;
        try (BufferedReader reader = Files.newBufferedReader(SAMPLE, StandardCharsets.UTF_8))
        {
            final String[] header = reader.readLine().split(",", -1);
            assertEquals(3 + registry.parameters().size(), header.length);
            assertEquals(List.of("timestamp_us", "lap_number", "sector"), List.of(header[0], header[1], header[2]));
            final ParameterDefinition[] channels = new ParameterDefinition[header.length];
            for (int i = 3; i < header.length; i++)
            {
                channels[i] = registry.byName(header[i]);
                assertEquals(registry.parameters().get(i - 3), channels[i], "column " + header[i] + " in dictionary order");
            }
            String line;
            while ((line = reader.readLine()) != null)
            {
                rows++;
                final String[] cells = line.split(",", -1);
                assertEquals(header.length, cells.length, "row " + rows);
                final long timestamp = Long.parseLong(cells[0]);
                assertEquals(previousTimestamp < 0 ? timestamp : previousTimestamp + CarSimulator.STEP_US, timestamp);
                previousTimestamp = timestamp;
                maxLap = Math.max(maxLap, Integer.parseInt(cells[1]));
                final int sector = Integer.parseInt(cells[2]);
                assertTrue(sector >= 1 && sector <= 3, "sector " + sector + " on row " + rows);
                for (int i = 3; i < cells.length; i++)
                {
                    check(channels[i], cells[i], rows);
                }
            }
        }
        assertTrue(rows >= 90_000 && rows <= 110_000, rows + " rows");
        assertEquals(SessionGenerator.SAMPLE_LAPS, maxLap);
    }

    private static void check(final ParameterDefinition channel, final String text, final long row)
    {
        final DataType type = channel.dataType();
        final double value;
        if (type == DataType.BOOL)
        {
            if (!text.equals("0") && !text.equals("1"))
            {
                fail(channel.name() + " = '" + text + "' on row " + row + " is not 0 or 1");
            }
            return;
        }
        if (type.isInteger())
        {
            final long integer;
            try
            {
                integer = Long.parseLong(text);
            }
            catch (final NumberFormatException ex)
            {
                throw new AssertionError(channel.name() + " = '" + text + "' on row " + row + " is not an integer", ex);
            }
            value = integer;
        }
        else
        {
            value = Double.parseDouble(text);
        }
        if (!channel.inRange(value))
        {
            fail(channel.name() + " = " + text + " on row " + row + " is outside [" + channel.min() + ", " +
                channel.max() + "]");
        }
    }
}
