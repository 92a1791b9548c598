package io.pitgun.codecs.dictionary;

/**
 * The fixed unit vocabulary of {@code metrics-dictionary/v1}. A dictionary entry may use no other unit, which is
 * what stops milliseconds, seconds and microseconds from being mixed silently. The order and symbols match the
 * schema's {@code unit} enum (a test checks it).
 */
public enum Unit
{
    DIMENSIONLESS("1", Dimension.DIMENSIONLESS),
    PERCENT("%", Dimension.RATIO),
    BOOL("bool", Dimension.BOOLEAN),
    COUNT("count", Dimension.COUNT),
    RPM("rpm", Dimension.ANGULAR_VELOCITY),
    KILOMETRES_PER_HOUR("km/h", Dimension.VELOCITY),
    METRES_PER_SECOND("m/s", Dimension.VELOCITY),
    MILES_PER_HOUR("mph", Dimension.VELOCITY),
    METRES_PER_SECOND_SQUARED("m/s^2", Dimension.ACCELERATION),
    STANDARD_GRAVITY("g", Dimension.ACCELERATION),
    METRE("m", Dimension.LENGTH),
    KILOMETRE("km", Dimension.LENGTH),
    MILLIMETRE("mm", Dimension.LENGTH),
    SECOND("s", Dimension.TIME),
    MILLISECOND("ms", Dimension.TIME),
    MICROSECOND("us", Dimension.TIME),
    DEGREE_CELSIUS("degC", Dimension.TEMPERATURE),
    KELVIN("K", Dimension.TEMPERATURE),
    DEGREE_FAHRENHEIT("degF", Dimension.TEMPERATURE),
    KILOPASCAL("kPa", Dimension.PRESSURE),
    BAR("bar", Dimension.PRESSURE),
    PSI("psi", Dimension.PRESSURE),
    KILOGRAM("kg", Dimension.MASS),
    POUND("lb", Dimension.MASS),
    NEWTON("N", Dimension.FORCE),
    NEWTON_METRE("Nm", Dimension.TORQUE),
    WATT("W", Dimension.POWER),
    KILOWATT("kW", Dimension.POWER),
    JOULE("J", Dimension.ENERGY),
    KILOJOULE("kJ", Dimension.ENERGY),
    MEGAJOULE("MJ", Dimension.ENERGY),
    DEGREE("deg", Dimension.ANGLE),
    RADIAN("rad", Dimension.ANGLE),
    DEGREE_PER_SECOND("deg/s", Dimension.ANGULAR_RATE),
    RADIAN_PER_SECOND("rad/s", Dimension.ANGULAR_RATE),
    VOLT("V", Dimension.VOLTAGE),
    AMPERE("A", Dimension.CURRENT),
    LITRE("L", Dimension.VOLUME);

    private final String symbol;
    private final Dimension dimension;

    Unit(final String symbol, final Dimension dimension)
    {
        this.symbol = symbol;
        this.dimension = dimension;
    }

    /**
     * The dimension this unit usually measures, used where a dictionary entry does not say (a seed registry): a
     * metre can also be a {@link Dimension#POSITION}, which only an explicit {@code dimension} can tell.
     */
    public Dimension dimension()
    {
        return dimension;
    }

    /** The symbol used in dictionaries and manifests, e.g. {@code km/h}. */
    public String symbol()
    {
        return symbol;
    }

    /**
     * The unit with this symbol.
     *
     * @throws IllegalArgumentException naming the vocabulary when the symbol is not in it.
     */
    public static Unit fromSymbol(final String symbol)
    {
        for (final Unit unit : values())
        {
            if (unit.symbol.equals(symbol))
            {
                return unit;
            }
        }
        throw new IllegalArgumentException("unknown unit '" + symbol + "' (the unit vocabulary is " + symbols() + ")");
    }

    /** The unit whose symbol is {@code symbol} in any case ({@code RPM} is {@code rpm}), or null (no two differ only in case). */
    static Unit findIgnoringCase(final String symbol)
    {
        for (final Unit unit : values())
        {
            if (unit.symbol.equalsIgnoreCase(symbol))
            {
                return unit;
            }
        }
        return null;
    }

    static String symbols()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Unit unit : values())
        {
            sb.append(sb.length() == 0 ? "" : ", ").append(unit.symbol);
        }
        return sb.toString();
    }
}
