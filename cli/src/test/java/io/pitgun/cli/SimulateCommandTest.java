package io.pitgun.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
     * A {@code .csv.gz} output is gzip, the same text as the {@code .csv} one, as {@code pitgun replay} reads a
     * {@code .csv.gz} input (docs/replay.md). Before, the file held plain text under that name, and the replay of it
     * failed at once with "Not in GZIP format".
     */
    /**
     * A session whose capture times would pass 2^53 - 1 µs, the largest {@code timestamp_us} a frame may have, is
     * refused and no file is left: a start beyond it at once, one close to it when a row reaches it. Before, both
     * were written, exit 0: the replay refused the first at its third line, and {@code --start-us} near
     * {@code Long.MAX_VALUE} wrapped the times to negative ones.
     */
    @Test
    void shouldRefuseCaptureTimesBeyondTheContract()
    {
        for (final String startUs : new String[] {"9223372036854775000", "9007199254740000"})
        {
            final Path csv = dir.resolve(startUs + ".csv");

            final CliRun run = CliRun.of("simulate", "--output", csv.toString(), "--laps", "1", "--start-us", startUs);

            assertEquals(1, run.exitCode(), startUs);
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
}
