package io.pitgun.solver.json;

/**
 * A JSON number kept as its source text, converted on demand so the caller decides whether it must be an
 * integer or may be any double.
 *
 * @param text the number exactly as written in the document
 */
public record JsonNumber(String text)
{
    /** Whether the number is written as an integer (no fraction, no exponent). */
    public boolean isIntegerLiteral()
    {
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '.' || c == 'e' || c == 'E')
            {
                return false;
            }
        }
        return true;
    }

    /** The nearest double, rounded half-even exactly as IEEE 754 requires. */
    public double toDouble()
    {
        return DecimalToDouble.parse(text);
    }

    @Override
    public String toString()
    {
        return text;
    }
}
