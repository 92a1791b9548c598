package io.pitgun.codecs.dictionary;

/**
 * One channel of a dictionary: what a value means, in which unit, of which type and in which range.
 *
 * @param id          stable numeric id carried in SBE samples (1..65535).
 * @param name        canonical name used in envelopes and manifests.
 * @param unit        engineering unit of the value.
 * @param dataType    value type.
 * @param min         smallest expected value (0 for BOOL).
 * @param max         largest expected value (1 for BOOL).
 * @param dimension   physical quantity.
 * @param access      who may send or read it.
 * @param description what it measures, for people.
 * @param conversion  raw → engineering conversion ({@link Conversion#IDENTITY} when none).
 */
public record ParameterDefinition(
    int id,
    String name,
    Unit unit,
    DataType dataType,
    double min,
    double max,
    Dimension dimension,
    AccessLevel access,
    String description,
    Conversion conversion)
{
    /** True when {@code value} lies within the expected range (NaN never does). */
    public boolean inRange(final double value)
    {
        return value >= min && value <= max;
    }

    /**
     * True when the whole number {@code value} lies within the expected range, compared exactly: widened to a
     * double, a long above 2<sup>53</sup> rounds, and an i64 channel whose max is 10<sup>18</sup> took
     * 10<sup>18</sup> + 1 (up to + 64) as within it.
     */
    public boolean inRange(final long value)
    {
        return value >= minWhole() && value <= maxWhole();
    }

    /** The least whole number within the range (saturating at {@code Long.MIN_VALUE}). */
    public long minWhole()
    {
        return wholeAtLeast(min);
    }

    /** The greatest whole number within the range (saturating at {@code Long.MAX_VALUE}). */
    public long maxWhole()
    {
        return wholeAtMost(max);
    }

    /** The least long not below {@code bound} (saturating): how a kept lower bound limits whole numbers. */
    static long wholeAtLeast(final double bound)
    {
        return (long)Math.ceil(bound);
    }

    /** The greatest long not above {@code bound} (saturating): how a kept upper bound limits whole numbers. */
    static long wholeAtMost(final double bound)
    {
        return (long)Math.floor(bound);
    }
}
