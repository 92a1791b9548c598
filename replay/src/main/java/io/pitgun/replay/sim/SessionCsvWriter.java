package io.pitgun.replay.sim;

import io.pitgun.codecs.envelope.EnvelopeDecoder;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes a simulated session as CSV: {@code timestamp_us,lap_number,sector} then one column per {@link SimChannel}
 * named as in the dictionary, one row per sample, {@code \n} line ends. Numbers are printed by hand (rounded half
 * away from zero to the channel's decimals, trailing zeros dropped, never {@code -0}) so the bytes depend on
 * nothing but the simulation: no locale, no JDK formatting differences.
 */
public final class SessionCsvWriter
{
    private static final long[] POWERS_OF_TEN = { 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000 };

    private final StringBuilder line = new StringBuilder(1024);

    /** The header line, without its line end. */
    public static String header()
    {
        final StringBuilder sb = new StringBuilder("timestamp_us,lap_number,sector");
        for (final SimChannel channel : SimChannel.all())
        {
            sb.append(',').append(channel.channelName());
        }
        return sb.toString();
    }

    /**
     * Runs {@code simulator} until it has completed {@code laps} timed laps (or written {@code maxRows} rows,
     * whichever comes first) and writes every sample.
     *
     * @return the number of data rows written.
     * @throws IllegalArgumentException when a capture time would pass {@link EnvelopeDecoder#MAX_SAFE_INTEGER}.
     */
    public long write(final CarSimulator simulator, final int laps, final long maxRows, final Writer out)
        throws IOException
    {
        out.write(header());
        out.write('\n');
        long rows = 0;
        while (rows < maxRows && simulator.completedLaps() < laps)
        {
            if (simulator.timestampUs() > EnvelopeDecoder.MAX_SAFE_INTEGER)
            {
                // Beyond it no frame is valid (the envelope contract), and further on a long wraps to negative times.
                throw new IllegalArgumentException("the session's capture times pass 2^53 - 1 µs, the largest " +
                    "timestamp_us a frame may have, at lap " + simulator.lapNumber() + ": start it earlier");
            }
            line.setLength(0);
            line.append(simulator.timestampUs()).append(',')
                .append(simulator.lapNumber()).append(',')
                .append(simulator.sector());
            for (final SimChannel channel : SimChannel.all())
            {
                line.append(',');
                appendRounded(line, simulator.value(channel), channel.decimals());
            }
            line.append('\n');
            out.append(line);
            rows++;
            simulator.step();
        }
        return rows;
    }

    /** Appends {@code value} rounded to {@code decimals} places, without trailing zeros or a negative zero. */
    static void appendRounded(final StringBuilder sb, final double value, final int decimals)
    {
        if (!Double.isFinite(value))
        {
            throw new IllegalArgumentException("not a finite value: " + value);
        }
        final long scale = POWERS_OF_TEN[decimals];
        final long scaled = (long)StrictMath.floor(StrictMath.abs(value) * scale + 0.5);
        if (scaled == 0)
        {
            sb.append('0');
            return;
        }
        if (value < 0)
        {
            sb.append('-');
        }
        sb.append(scaled / scale);
        long fraction = scaled % scale;
        if (fraction == 0)
        {
            return;
        }
        int digits = decimals;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }
        sb.append('.');
        final String text = Long.toString(fraction);
        for (int i = text.length(); i < digits; i++)
        {
            sb.append('0');
        }
        sb.append(text);
    }
}
