package io.pitgun.codecs.envelope;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scanner's numbers agree with the JDK's exact conversions, on the fast paths and off them. */
class JsonCursorNumberTest
{
    private final JsonCursor cursor = new JsonCursor(64);

    @Property(tries = 3000)
    void doublesReadBackExactly(@ForAll final double value)
    {
        if (!Double.isFinite(value))
        {
            return;
        }
        final String text = Double.toString(value).replace("E", "e");
        assertEquals(Double.doubleToRawLongBits(Double.parseDouble(text)), Double.doubleToRawLongBits(read(text)), text);
    }

    @Property(tries = 3000)
    void decimalTextConvertsLikeParseDouble(@ForAll("decimals") final String text)
    {
        assertEquals(Double.doubleToRawLongBits(Double.parseDouble(text)), Double.doubleToRawLongBits(read(text)), text);
    }

    @Property(tries = 2000)
    void integersConvertExactlyOrAreRefused(@ForAll("decimals") final String text)
    {
        assertTrue(readNumber(text), text);
        final int status = cursor.toLong(Long.MIN_VALUE, Long.MAX_VALUE);
        final BigDecimal exact = new BigDecimal(text);
        final boolean integral = exact.signum() == 0 || exact.stripTrailingZeros().scale() <= 0;
        if (!integral)
        {
            assertEquals(1, status, text);
        }
        else if (exact.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0)
        {
            assertEquals(2, status, text);
        }
        else
        {
            assertEquals(0, status, text);
            assertEquals(exact.longValueExact(), cursor.longValue(), text);
        }
    }

    /**
     * Exponents beyond an int (what BigDecimal holds): the integer conversion threw NumberFormatException ("Too many
     * nonzero exponent digits"), which the gateway answered 500 over HTTP and with a silent close over WebSocket.
     */
    @Test
    void shouldConvertIntegersWhoseExponentIsBeyondAnInt()
    {
        final String[][] cases = {
            { "1e2147483648", "2" }, { "1e9999999999", "2" }, { "-1e99999999999", "2" },
            { "100000000000000000000e2147483640", "2" }, { "1e-2147483648", "1" }, { "0.5e-2147483647", "1" },
            { "1e-99999999999", "1" }, { "0e99999999999", "0" }, { "0.000e-99999999999", "0" }, { "-0E+99999999999", "0" } };
        for (final String[] c : cases)
        {
            assertTrue(readNumber(c[0]), c[0]);
            assertEquals(Integer.parseInt(c[1]), cursor.toLong(Long.MIN_VALUE, Long.MAX_VALUE), c[0]);
            if (c[1].equals("0"))
            {
                assertEquals(0, cursor.longValue(), c[0]);
            }
        }
        assertTrue(readNumber("0e99999999999"));
        assertEquals(2, cursor.toLong(1, 10), "0 below the range");
    }

    @Property(tries = 3000)
    void floatsConvertLikeParseFloat(@ForAll("decimals") final String text)
    {
        assertTrue(readNumber(text), text);
        assertEquals(Float.floatToRawIntBits(Float.parseFloat(text)), Float.floatToRawIntBits((float)cursor.toFloat()),
            text);
    }

    /**
     * Integers of very many digits, up to the envelope limit: the conversion stripped a BigDecimal's trailing zeros one
     * division at a time (quadratic: 1 and 80,000 zeros held an event loop for 2 s, 900,000 would take minutes and
     * fail this test's timeout). Now linear.
     */
    @Test
    void shouldConvertIntegersOfVeryManyDigitsInLinearTime()
    {
        final String zeros = "0".repeat(900_000);
        final String[][] cases = {
            { "1" + zeros, "2" }, { "-1" + zeros, "2" }, { "1" + zeros + "e-900000", "0", "1" },
            { "12" + zeros + "e-900001", "1" }, { "0." + zeros + "1", "1" }, { "0." + zeros + "1e900001", "0", "1" },
            { "9" + "0".repeat(18), "0", "9000000000000000000" }, { "9.3" + zeros + "e18", "2" },
            { "-9.223372036854775808" + zeros + "e18", "0", "-9223372036854775808" } };
        for (final String[] c : cases)
        {
            assertTrue(readNumber(c[0]), c[0].length() + " chars");
            assertEquals(Integer.parseInt(c[1]), cursor.toLong(Long.MIN_VALUE, Long.MAX_VALUE), c[0].substring(0, Math.min(30, c[0].length())));
            if (c.length > 2)
            {
                assertEquals(Long.parseLong(c[2]), cursor.longValue(), c[0].substring(0, Math.min(30, c[0].length())));
            }
        }
    }

    /** Just below, at and just above points halfway between two floats, and in the float subnormal range. */
    @Test
    void shouldRoundToTheNearestFloatOnceNotTwice()
    {
        for (final String text : new String[] { "1.00000017881393432617187499", "1.000000178813934326171875",
            "1.00000017881393432617187501", "16777217", "16777217.000000000000001", "7.0064923216240853546e-46",
            "1.4e-45", "3.4028235677973366e38", "3.4028235677973365e38" })
        {
            assertTrue(readNumber(text), text);
            assertEquals(Float.floatToRawIntBits(Float.parseFloat(text)), Float.floatToRawIntBits((float)cursor.toFloat()),
                text);
        }
    }

    @Test
    void shouldRejectNumbersOutsideTheJsonGrammar()
    {
        for (final String text : new String[] { "01", "-", "1.", ".5", "1e", "1e+", "+1", "-a" })
        {
            assertFalse(readNumber(text), text);
        }
    }

    @Provide
    Arbitrary<String> decimals()
    {
        final Arbitrary<String> digits = Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(25);
        final Arbitrary<String> integerPart = Arbitraries.oneOf(Arbitraries.just("0"),
            digits.filter(d -> d.charAt(0) != '0'));
        final Arbitrary<String> fraction = Arbitraries.oneOf(Arbitraries.just(""), digits.map(d -> "." + d));
        final Arbitrary<String> exponent = Arbitraries.oneOf(Arbitraries.just(""),
            Arbitraries.integers().between(-340, 330).map(e -> "e" + e));
        final Arbitrary<String> sign = Arbitraries.of("", "-");
        return net.jqwik.api.Combinators.combine(sign, integerPart, fraction, exponent)
            .as((s, i, f, e) -> s + i + f + e);
    }

    private double read(final String text)
    {
        assertTrue(readNumber(text), text);
        return cursor.toDouble();
    }

    // The padding after the number lets the eight-byte loads of the fast paths run, as inside a real document.
    private boolean readNumber(final String text)
    {
        final byte[] bytes = (text + ",        ").getBytes(StandardCharsets.US_ASCII);
        cursor.wrap(bytes, 0, bytes.length);
        return cursor.readNumber() && bytes[cursor.pos] == ',';
    }
}
