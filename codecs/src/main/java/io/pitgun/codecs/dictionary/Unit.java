package io.pitgun.codecs.dictionary;

/**
 * The fixed unit vocabulary of {@code metrics-dictionary/v1}. A dictionary entry may use no other unit, which is
 * what stops milliseconds, seconds and microseconds from being mixed silently. The order and symbols match the
 * schema's {@code unit} enum (a test checks it).
 */
public enum Unit
{
    DIMENSIONLESS("1"),
    PERCENT("%"),
    BOOL("bool"),
    COUNT("count"),
    RPM("rpm"),
    KILOMETRES_PER_HOUR("km/h"),
    METRES_PER_SECOND("m/s"),
    MILES_PER_HOUR("mph"),
    METRES_PER_SECOND_SQUARED("m/s^2"),
    STANDARD_GRAVITY("g"),
    METRE("m"),
    KILOMETRE("km"),
    MILLIMETRE("mm"),
    SECOND("s"),
    MILLISECOND("ms"),
    MICROSECOND("us"),
    DEGREE_CELSIUS("degC"),
    KELVIN("K"),
    DEGREE_FAHRENHEIT("degF"),
    KILOPASCAL("kPa"),
    BAR("bar"),
    PSI("psi"),
    KILOGRAM("kg"),
    POUND("lb"),
    NEWTON("N"),
    NEWTON_METRE("Nm"),
    WATT("W"),
    KILOWATT("kW"),
    JOULE("J"),
    KILOJOULE("kJ"),
    MEGAJOULE("MJ"),
    DEGREE("deg"),
    RADIAN("rad"),
    DEGREE_PER_SECOND("deg/s"),
    RADIAN_PER_SECOND("rad/s"),
    VOLT("V"),
    AMPERE("A"),
    LITRE("L");

    private final String symbol;

    Unit(final String symbol)
    {
        this.symbol = symbol;
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
