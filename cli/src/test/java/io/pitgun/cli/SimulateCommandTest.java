package io.pitgun.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun simulate} through the CLI entry point. */
class SimulateCommandTest
{
    @TempDir
    Path dir;

    /**
     * A session whose capture times would pass 2^53 - 1 µs, the largest {@code timestamp_us} a frame may have, is
     * refused and no file is left: a start beyond it at once, as a usage error (a value out of its range, exit 2),
     * one close to it when a row reaches it (exit 1). Before, both were written, exit 0: the replay refused the first
     * at its third line, and {@code --start-us} near {@code Long.MAX_VALUE} wrapped the times to negative ones.
     */
    @Test
    void shouldRefuseCaptureTimesBeyondTheContract()
    {
        final Map<String, Integer> exitByStartUs = Map.of(
            "9223372036854775000", CliErrorHandler.USAGE, "9007199254740000", CliErrorHandler.FAILED);
        for (final Map.Entry<String, Integer> start : exitByStartUs.entrySet())
        {
            final String startUs = start.getKey();
            final Path csv = dir.resolve(startUs + ".csv");

            final CliRun run = CliRun.of("simulate", "--output", csv.toString(), "--laps", "1", "--start-us", startUs);

            assertEquals(start.getValue(), run.exitCode(), startUs);
            assertTrue(run.err().startsWith("pitgun simulate: ") && run.err().contains("2^53 - 1"), run.err());
            assertFalse(Files.exists(csv), startUs);
        }
    }

    /** An output in a directory that does not exist: said so (it printed only the path). */
    @Test
    void shouldSayTheOutputsDirectoryDoesNotExist()
    {
        final Path csv = dir.resolve("missing").resolve("x.csv");

        final CliRun run = CliRun.of("simulate", "--output", csv.toString(), "--laps", "1");

        assertEquals(1, run.exitCode(), run.out());
        assertEquals("pitgun simulate: " + csv + ": the directory " + csv.getParent() + " does not exist",
            run.err().strip());
    }

    /**
     * A {@code .csv.gz} output is gzip, the same text as the {@code .csv} one, as {@code pitgun replay} reads a
     * {@code .csv.gz} input (docs/replay.md). Before, the file held plain text under that name, and the replay of it
     * failed at once with "Not in GZIP format".
     */
    @Test
    void shouldCompressAnOutputNamedGz() throws IOException
    {
        final Path plain = dir.resolve("one-lap.csv");
        final Path compressed = dir.resolve("one-lap.csv.gz");

        assertEquals(0, CliRun.of("simulate", "--output", plain.toString(), "--laps", "1").exitCode());
        assertEquals(0, CliRun.of("simulate", "--output", compressed.toString(), "--laps", "1").exitCode());

        try (InputStream in = new GZIPInputStream(Files.newInputStream(compressed)))
        {
            assertArrayEquals(Files.readAllBytes(plain), in.readAllBytes());
        }
    }

    /** A lap count below 1 is a value out of its range: a usage error (exit 2, with the usage); before, exit 1. */
    @Test
    void shouldRefuseALapCountBelowOneAsAUsageError()
    {
        final Path csv = dir.resolve("none.csv");

        final CliRun run = CliRun.of("simulate", "--output", csv.toString(), "--laps", "0");

        assertEquals(CliErrorHandler.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith("pitgun simulate: laps must be at least 1, got 0"), run.err());
        assertTrue(run.err().contains("Usage: pitgun simulate"), run.err());
        assertFalse(Files.exists(csv));
    }
}
