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
