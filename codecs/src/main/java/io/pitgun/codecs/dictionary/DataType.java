package io.pitgun.codecs.dictionary;

import io.pitgun.codecs.sbe.ValueType;

/**
 * The value type of a channel, as the dictionary's {@code data_type} names it. Each maps one to one onto the
 * SBE {@link ValueType} a sample carries, and bounds what a producer may send before the dictionary range
 * is even looked at.
 */
public enum DataType
{
    U8("u8", ValueType.U8, 0, 255),
    U16("u16", ValueType.U16, 0, 65_535),
    U32("u32", ValueType.U32, 0, 4_294_967_295L),
    I8("i8", ValueType.I8, Byte.MIN_VALUE, Byte.MAX_VALUE),
    I16("i16", ValueType.I16, Short.MIN_VALUE, Short.MAX_VALUE),
    I32("i32", ValueType.I32, Integer.MIN_VALUE, Integer.MAX_VALUE),
    I64("i64", ValueType.I64, Long.MIN_VALUE, Long.MAX_VALUE),
    F32("f32", ValueType.F32, 0, 0),
    F64("f64", ValueType.F64, 0, 0),
    BOOL("bool", ValueType.BOOL, 0, 1);

    private static final DataType[] BY_VALUE_TYPE = new DataType[ValueType.values().length];

    static
    {
        for (final DataType type : values())
        {
            BY_VALUE_TYPE[type.valueType.ordinal()] = type;
        }
    }

    private final String symbol;
    private final ValueType valueType;
    private final long minInteger;
    private final long maxInteger;

    DataType(final String symbol, final ValueType valueType, final long minInteger, final long maxInteger)
    {
        this.symbol = symbol;
        this.valueType = valueType;
        this.minInteger = minInteger;
        this.maxInteger = maxInteger;
    }

    /** The name used in dictionaries and manifests, e.g. {@code u16}. */
    public String symbol()
    {
        return symbol;
    }

    /** The SBE value type that samples of this type carry. */
    public ValueType valueType()
    {
        return valueType;
    }

    /** True for the integer types (signed and unsigned). */
    public boolean isInteger()
    {
        return this != F32 && this != F64 && this != BOOL;
    }

    /** True for F32 and F64. */
    public boolean isFloat()
    {
        return this == F32 || this == F64;
    }

    /** Smallest representable value of an integer type (0 for the others). */
    public long minInteger()
    {
        return minInteger;
    }

    /** Largest representable value of an integer type (0 for floats, 1 for BOOL). */
    public long maxInteger()
    {
        return maxInteger;
    }

    /** The data type of an SBE value type. */
    public static DataType of(final ValueType valueType)
    {
        return BY_VALUE_TYPE[valueType.ordinal()];
    }

    /**
     * The type named by {@code symbol}.
     *
     * @throws IllegalArgumentException naming the accepted symbols when none matches.
     */
    public static DataType fromSymbol(final String symbol)
    {
        for (final DataType type : values())
        {
            if (type.symbol.equals(symbol))
            {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown data_type '" + symbol + "' (expected one of " + symbols() + ")");
    }

    static String symbols()
    {
        final StringBuilder sb = new StringBuilder();
        for (final DataType type : values())
        {
            sb.append(sb.length() == 0 ? "" : ", ").append(type.symbol);
        }
        return sb.toString();
    }
}
