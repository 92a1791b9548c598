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
}
