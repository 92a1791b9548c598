package io.pitgun.solver.json;

import java.math.BigInteger;

/**
 * Prints a double as the shortest decimal that reads back (with {@link DecimalToDouble}) to the same
 * bits, using exact integer arithmetic only.
 *
 * <p>Why not {@code Double.toString}: TeaVM's class library formats doubles with its own algorithm, so
 * the same bits could print differently in the browser. Here both builds run this code, so equal text
 * means equal bits and equal bits mean equal text.
 */
public final class DoubleToDecimal
{
    private static final int MAX_SIGNIFICANT_DIGITS = 17;

    private DoubleToDecimal()
    {
    }

    /** The JSON text of {@code value}: plain notation for magnitudes in [1e-6, 1e21), else {@code d.ddde±x}. */
    public static String format(final double value)
    {
        if (value != value || value == Double.POSITIVE_INFINITY || value == Double.NEGATIVE_INFINITY)
        {
            throw new IllegalArgumentException("JSON has no representation for " + value);
        }
        final long bits = Double.doubleToRawLongBits(value);
        final boolean negative = bits < 0;
        if ((bits & Long.MAX_VALUE) == 0)
        {
            return "0";
        }
        final int biasedExponent = (int)((bits >>> 52) & 0x7FF);
        final long fraction = bits & ((1L << 52) - 1);
        final long significand = biasedExponent == 0 ? fraction : fraction | (1L << 52);
        final int binaryExponent = biasedExponent == 0 ? -1074 : biasedExponent - 1075;

        // The exact value is exactDigits × 10^decimalExponent.
        final BigInteger exactDigits;
        final int decimalExponent;
        if (binaryExponent >= 0)
        {
            exactDigits = BigInteger.valueOf(significand).shiftLeft(binaryExponent);
            decimalExponent = 0;
        }
        else
        {
            exactDigits = BigInteger.valueOf(significand).multiply(BigInteger.valueOf(5).pow(-binaryExponent));
            decimalExponent = binaryExponent;
        }
        final String exact = exactDigits.toString();
        final int point = exact.length() + decimalExponent;
        final double magnitude = negative ? -value : value;

        // Reading back is monotone in the digit count (more digits are never further away), so search.
        int low = 1;
        int high = Math.min(MAX_SIGNIFICANT_DIGITS, exact.length());
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (readsBackAs(roundedDigits(exact, mid), mid, point, magnitude))
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        final String best = roundedDigits(exact, high);
        final int bestPoint = best.length() > high ? point + 1 : point;
        final String digits = stripTrailingZeros(best.length() > high ? best.substring(0, high) : best);
        return render(negative, digits, bestPoint);
    }

    /** The first {@code count} digits of {@code exact}, rounded half-even; may carry into one more digit. */
    private static String roundedDigits(final String exact, final int count)
    {
        if (count >= exact.length())
        {
            return exact;
        }
        final char next = exact.charAt(count);
        boolean roundUp = next > '5';
        if (next == '5')
        {
            boolean restNonZero = false;
            for (int i = count + 1; i < exact.length() && !restNonZero; i++)
            {
                restNonZero = exact.charAt(i) != '0';
            }
            roundUp = restNonZero || ((exact.charAt(count - 1) - '0') & 1) != 0;
        }
        final char[] head = exact.substring(0, count).toCharArray();
        if (!roundUp)
        {
            return new String(head);
        }
        int i = count - 1;
        while (i >= 0 && head[i] == '9')
        {
            head[i] = '0';
            i--;
        }
        if (i >= 0)
        {
            head[i]++;
            return new String(head);
        }
        return "1" + new String(head);
    }

    /** Whether {@code candidate} (the first {@code count} digits rounded, one longer if it carried) reads back. */
    private static boolean readsBackAs(
        final String candidate, final int count, final int point, final double magnitude)
    {
        final boolean carried = candidate.length() > count;
        final String digits = carried ? candidate.substring(0, count) : candidate;
        final int candidatePoint = carried ? point + 1 : point;
        final double readBack;
        try
        {
            readBack = DecimalToDouble.toDouble(new BigInteger(digits), candidatePoint - digits.length(), false);
        }
        catch (final NumberFormatException outOfRange)
        {
            return false;
        }
        return Double.doubleToRawLongBits(readBack) == Double.doubleToRawLongBits(magnitude);
    }

    private static String stripTrailingZeros(final String digits)
    {
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0')
        {
            end--;
        }
        return digits.substring(0, end);
    }

    /** Renders 0.{@code digits} × 10^{@code point}. */
    private static String render(final boolean negative, final String digits, final int point)
    {
        final StringBuilder sb = new StringBuilder(24);
        if (negative)
        {
            sb.append('-');
        }
        final int length = digits.length();
        if (point > -6 && point <= 21)
        {
            if (point <= 0)
            {
                sb.append("0.");
                for (int i = point; i < 0; i++)
                {
                    sb.append('0');
                }
                sb.append(digits);
            }
            else if (point < length)
            {
                sb.append(digits, 0, point).append('.').append(digits, point, length);
            }
            else
            {
                sb.append(digits);
                for (int i = length; i < point; i++)
                {
                    sb.append('0');
                }
            }
            return sb.toString();
        }
        sb.append(digits.charAt(0));
        if (length > 1)
        {
            sb.append('.').append(digits, 1, length);
        }
        return sb.append('e').append(point - 1).toString();
    }
}
