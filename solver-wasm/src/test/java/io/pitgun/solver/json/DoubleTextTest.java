package io.pitgun.solver.json;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Our number conversions against the JDK's (correctly rounded) ones as the reference. */
class DoubleTextTest
{
    @Property(tries = 3000)
    void formattedDoubleReadsBackToTheSameBits(@ForAll("normalDoubles") final double value)
    {
        final String text = DoubleToDecimal.format(value);
        assertEquals(Double.doubleToRawLongBits(value), Double.doubleToRawLongBits(Double.parseDouble(text)), text);
        assertEquals(Double.doubleToRawLongBits(value), Double.doubleToRawLongBits(DecimalToDouble.parse(text)), text);
    }

    /**
     * JDK 17's {@code Double.toString} is not always a reference here: before JDK 19 (JDK-4511638) it sometimes
     * prints a string one digit too short to read back to the same double (e.g. the double just above
     * -5.421508142825472E26 in magnitude prints as that), so only its round-tripping outputs are compared.
     */
    @Property(tries = 3000)
    void formattedDoubleIsNoLongerThanTheJdks(@ForAll("normalDoubles") final double value)
    {
        final String jdk = Double.toString(value);
        Assume.that(Double.doubleToRawLongBits(Double.parseDouble(jdk)) == Double.doubleToRawLongBits(value));
        assertTrue(significantDigits(DoubleToDecimal.format(value)) <= significantDigits(jdk),
            () -> DoubleToDecimal.format(value) + " vs " + jdk);
    }

    @Test
    void formatsADoubleWhoseJdk17TextDoesNotReadBack()
    {
        final double value = Math.nextUp(-5.421508142825472E26);
        assertEquals("-5.4215081428254717e26", DoubleToDecimal.format(value));
        assertEquals(Double.doubleToRawLongBits(value),
            Double.doubleToRawLongBits(Double.parseDouble("-5.4215081428254717e26")));
    }

    @Property(tries = 3000)
    void parsingMatchesTheJdk(
        @ForAll @LongRange(min = 0, max = 999_999_999_999_999_999L) final long digits,
        @ForAll @LongRange(min = -330, max = 300) final long exponent)
    {
        final String text = digits + "e" + exponent;
        final double expected = Double.parseDouble(text);
        if (expected != 0 && Math.abs(expected) >= Double.MIN_NORMAL && !Double.isInfinite(expected))
        {
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(DecimalToDouble.parse(text)), text);
        }
    }

    @Property(tries = 1000)
    void parsingHalfwayCasesMatchesTheJdk(@ForAll("normalDoubles") final double signedValue)
    {
        final double value = Math.abs(signedValue);
        if (value > 1e300 || value < 1e-300)
        {
            return;
        }
        // The exact midpoint between value and its successor: the hardest case for rounding.
        final java.math.BigDecimal midpoint = new java.math.BigDecimal(value)
            .add(new java.math.BigDecimal(Math.nextUp(value))).divide(java.math.BigDecimal.valueOf(2));
        final String text = midpoint.toString();
        assertEquals(Double.doubleToRawLongBits(Double.parseDouble(text)), Double.doubleToRawLongBits(DecimalToDouble.parse(text)), text);
    }

    @Test
    void shouldFormatCommonValuesPlainly()
    {
        assertEquals("0", DoubleToDecimal.format(0.0));
        assertEquals("0.1", DoubleToDecimal.format(0.1));
        assertEquals("5220.45", DoubleToDecimal.format(5220.45));
        assertEquals("100", DoubleToDecimal.format(100.0));
        assertEquals("-0.000001", DoubleToDecimal.format(-1e-6));
        assertEquals("1e-7", DoubleToDecimal.format(1e-7));
        assertEquals("1.2345e+21".replace("+", ""), DoubleToDecimal.format(1.2345e21));
        assertEquals("0.30000000000000004", DoubleToDecimal.format(0.1 + 0.2));
    }

    @Test
    void shouldRejectNonFiniteAndOutOfRange()
    {
        assertThrows(IllegalArgumentException.class, () -> DoubleToDecimal.format(Double.NaN));
        assertThrows(NumberFormatException.class, () -> DecimalToDouble.parse("1e400"));
        assertThrows(NumberFormatException.class, () -> DecimalToDouble.parse("1e-320"));
        assertThrows(NumberFormatException.class, () -> DecimalToDouble.parse("1.2.3"));
    }

    @Provide
    Arbitrary<Double> normalDoubles()
    {
        return Arbitraries.longs()
            .map(Double::longBitsToDouble)
            .filter(d -> !Double.isNaN(d) && !Double.isInfinite(d) && Math.abs(d) >= Double.MIN_NORMAL);
    }

    private static void assertTrue(final boolean condition, final java.util.function.Supplier<String> message)
    {
        org.junit.jupiter.api.Assertions.assertTrue(condition, message);
    }

    private static int significantDigits(final String text)
    {
        final String mantissa = text.replace("-", "").split("[eE]")[0].replace(".", "");
        return mantissa.replaceFirst("^0+", "").replaceFirst("0+$", "").length();
    }
}
