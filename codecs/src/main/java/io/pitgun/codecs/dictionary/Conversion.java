package io.pitgun.codecs.dictionary;

/**
 * Raw → engineering conversion of a channel: {@code engineering = raw * scale + offset}. Producers that only have
 * the raw reading (tyre pressure in psi, temperatures in kelvin) send it through {@link #toEngineering(double)}.
 *
 * @param rawUnit the unit of the raw reading.
 * @param scale   multiplier applied to the raw reading.
 * @param offset  added after scaling.
 */
public record Conversion(Unit rawUnit, double scale, double offset)
{
    /** No conversion: raw and engineering values coincide. */
    public static final Conversion IDENTITY = new Conversion(null, 1.0, 0.0);

    /** Raw reading → engineering value. */
    public double toEngineering(final double raw)
    {
        return raw * scale + offset;
    }

    /** Engineering value → raw reading. */
    public double toRaw(final double engineering)
    {
        return (engineering - offset) / scale;
    }
}
