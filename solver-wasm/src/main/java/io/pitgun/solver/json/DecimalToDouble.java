package io.pitgun.solver.json;

import java.math.BigInteger;

/**
 * Decimal text to double, correctly rounded (half-even), computed with exact integer arithmetic.
 *
 * <p>Why not {@code Double.parseDouble}: TeaVM's class library has its own implementation, and a
 * last-bit difference in one input would make the WebAssembly run diverge from the JVM run. Subnormal
 * results are outside the solver's domain and rejected.
 */
public final class DecimalToDouble
{
    private static final long SIGNIFICAND_MASK = (1L << 52) - 1;
    private static final int MAX_DECIMAL_EXPONENT = 400;

    private DecimalToDouble()
    {
    }

    /**
     * Parses a JSON number literal.
     *
     * @throws NumberFormatException if the text is not a number or its magnitude is outside the normal
     *                               double range
     */
    public static double parse(final String text)
    {
        int i = 0;
        final int length = text.length();
        boolean negative = false;
        if (i < length && (text.charAt(i) == '-' || text.charAt(i) == '+'))
        {
            negative = text.charAt(i) == '-';
            i++;
        }
        final StringBuilder digits = new StringBuilder();
        int fractionDigits = 0;
        boolean seenPoint = false;
        boolean seenDigit = false;
        for (; i < length; i++)
        {
            final char c = text.charAt(i);
            if (c >= '0' && c <= '9')
            {
                seenDigit = true;
                if (digits.length() > 0 || c != '0')
                {
                    digits.append(c);
                }
                if (seenPoint)
                {
                    fractionDigits++;
                }
            }
            else if (c == '.' && !seenPoint)
            {
                seenPoint = true;
            }
            else
            {
                break;
            }
        }
        if (!seenDigit)
        {
            throw new NumberFormatException("not a number: " + text);
        }
        long exponent = 0;
        if (i < length && (text.charAt(i) == 'e' || text.charAt(i) == 'E'))
        {
            i++;
            boolean negativeExponent = false;
            if (i < length && (text.charAt(i) == '-' || text.charAt(i) == '+'))
            {
                negativeExponent = text.charAt(i) == '-';
                i++;
            }
            boolean exponentDigit = false;
            for (; i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9'; i++)
            {
                exponentDigit = true;
                if (exponent < 100_000)
                {
                    exponent = exponent * 10 + (text.charAt(i) - '0');
                }
            }
            if (!exponentDigit)
            {
                throw new NumberFormatException("not a number: " + text);
            }
            exponent = negativeExponent ? -exponent : exponent;
        }
        if (i != length)
        {
            throw new NumberFormatException("not a number: " + text);
        }
        if (digits.length() == 0)
        {
            return negative ? -0.0 : 0.0;
        }
        final long decimalExponent = exponent - fractionDigits;
        final long magnitude = digits.length() + decimalExponent;
        if (magnitude > MAX_DECIMAL_EXPONENT || magnitude < -MAX_DECIMAL_EXPONENT)
        {
            throw new NumberFormatException("number out of range: " + text);
        }
        return toDouble(new BigInteger(digits.toString()), (int)decimalExponent, negative);
    }

    /**
     * The double nearest to {@code digits × 10^exponent}.
     *
     * @throws NumberFormatException if the value overflows or would be subnormal
     */
    public static double toDouble(final BigInteger digits, final int exponent, final boolean negative)
    {
        if (digits.signum() == 0)
        {
            return negative ? -0.0 : 0.0;
        }
        final BigInteger numerator;
        final BigInteger denominator;
        if (exponent >= 0)
        {
            numerator = digits.multiply(BigInteger.TEN.pow(exponent));
            denominator = BigInteger.ONE;
        }
        else
        {
            numerator = digits;
            denominator = BigInteger.TEN.pow(-exponent);
        }
        // Scale by 2^shift so that the quotient has 54 or 55 bits: 53 significant bits plus a rounding bit.
        int shift = 54 - (numerator.bitLength() - denominator.bitLength());
        final BigInteger scaledNumerator = shift >= 0 ? numerator.shiftLeft(shift) : numerator;
        final BigInteger scaledDenominator = shift < 0 ? denominator.shiftLeft(-shift) : denominator;
        final BigInteger[] quotientAndRemainder = scaledNumerator.divideAndRemainder(scaledDenominator);
        BigInteger quotient = quotientAndRemainder[0];
        boolean sticky = quotientAndRemainder[1].signum() != 0;
        if (quotient.bitLength() > 54)
        {
            sticky |= quotient.testBit(0);
            quotient = quotient.shiftRight(1);
            shift--;
        }
        final long bits54 = quotient.longValue();
        long significand = bits54 >>> 1;
        final boolean roundBit = (bits54 & 1) != 0;
        if (roundBit && (sticky || (significand & 1) != 0))
        {
            significand++;
        }
        int binaryExponent = 53 - shift;
        if (significand == 1L << 53)
        {
            significand >>>= 1;
            binaryExponent++;
        }
        if (binaryExponent > 1023 || binaryExponent < -1022)
        {
            throw new NumberFormatException("number out of range: " + digits + "e" + exponent);
        }
        final long bits = ((long)(binaryExponent + 1023) << 52) | (significand & SIGNIFICAND_MASK);
        return Double.longBitsToDouble(negative ? bits | Long.MIN_VALUE : bits);
    }
}
