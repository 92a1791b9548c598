package io.pitgun.codecs.dictionary;

/** The physical quantity a channel measures; the names match the schema's {@code dimension} enum. */
public enum Dimension
{
    DIMENSIONLESS, RATIO, BOOLEAN, COUNT, ANGULAR_VELOCITY, VELOCITY, ACCELERATION, LENGTH, TIME, TEMPERATURE,
    PRESSURE, MASS, FORCE, TORQUE, POWER, ENERGY, ANGLE, ANGULAR_RATE, VOLTAGE, CURRENT, VOLUME, POSITION;

    /** The name used in dictionaries, e.g. {@code angular_velocity}. */
    public String symbol()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The dimension with this dictionary name. */
    public static Dimension fromSymbol(final String symbol)
    {
        return valueOf(symbol.toUpperCase(java.util.Locale.ROOT));
    }
}
