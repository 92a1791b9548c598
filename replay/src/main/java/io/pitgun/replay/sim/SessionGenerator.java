package io.pitgun.replay.sim;

import io.pitgun.codecs.envelope.EnvelopeDecoder;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Generates a simulated session CSV: the one entry point behind {@code pitgun simulate} and the dataset tests.
 */
public final class SessionGenerator
{
    /** Seed of the shipped sample session. */
    public static final long SAMPLE_SEED = 20260411L;
    /** Laps of the shipped sample session (timed laps after the out-lap). */
    public static final int SAMPLE_LAPS = 12;
    /** First capture time of the shipped sample: 2026-04-11T12:00:00Z, µs since the epoch. */
    public static final long SAMPLE_START_US = 1_775_908_800_000_000L;

    private final long seed;
    private final int laps;
    private final long startTimestampUs;

    public SessionGenerator(final long seed, final int laps, final long startTimestampUs)
    {
        if (laps < 1)
        {
            throw new IllegalArgumentException("laps must be at least 1, got " + laps);
        }
        if (startTimestampUs < 0 || startTimestampUs > EnvelopeDecoder.MAX_SAFE_INTEGER)
        {
            throw new IllegalArgumentException("start timestamp must be in [0, 2^53 - 1] µs (the envelope " +
                "contract's timestamp_us), got " + startTimestampUs);
        }
        this.seed = seed;
        this.laps = laps;
        this.startTimestampUs = startTimestampUs;
    }

    /** The generator of the shipped sample session. */
    public static SessionGenerator sample()
    {
        return new SessionGenerator(SAMPLE_SEED, SAMPLE_LAPS, SAMPLE_START_US);
    }

    /** Writes at most {@code maxRows} rows to {@code out}; returns the rows written. */
    public long write(final Writer out, final long maxRows) throws IOException
    {
        final CarSimulator simulator = new CarSimulator(Circuit.monzaLike(), seed, startTimestampUs);
        return new SessionCsvWriter().write(simulator, laps, maxRows, out);
    }

    /**
     * Writes the whole session to {@code file} (UTF-8, {@code \n} line ends; gzip when its name ends in {@code .gz},
     * as the replay reads such a file); returns the rows written.
     */
    public long write(final Path file) throws IOException
    {
        final boolean gzip = file.getFileName().toString().endsWith(".gz");
        try (OutputStream raw = Files.newOutputStream(file);
             Writer out = new BufferedWriter(new OutputStreamWriter(gzip ? new GZIPOutputStream(raw, 1 << 16) : raw,
                 StandardCharsets.UTF_8), 1 << 16))
        {
            return write(out, Long.MAX_VALUE);
        }
        catch (final IllegalArgumentException ex)
        {
            Files.deleteIfExists(file); // a session cut short is not one to replay
            throw ex;
        }
    }
}
