package io.pitgun.manifest.runtime;

/**
 * {@code prev(x)}: the value of x's previous sample (the last earlier frame in which x was present). Absent when x
 * is absent in this frame or has no earlier sample.
 */
public final class PrevState extends FormulaState
{
    private boolean hasPrevious;
    private double previousDouble;
    private long previousLong;
    private double resultDouble;
    private long resultLong;

    @Override
    public boolean onDouble(final boolean present, final double value, final long timestampUs)
    {
        if (!present)
        {
            return false;
        }
        final boolean result = hasPrevious;
        resultDouble = previousDouble;
        previousDouble = value;
        hasPrevious = true;
        return result;
    }

    @Override
    public boolean onLong(final boolean present, final long value, final long timestampUs)
    {
        if (!present)
        {
            return false;
        }
        final boolean result = hasPrevious;
        resultLong = previousLong;
        previousLong = value;
        hasPrevious = true;
        return result;
    }

    @Override
    public double doubleValue()
    {
        return resultDouble;
    }

    @Override
    public long longValue()
    {
        return resultLong;
    }

    @Override
    public void reset()
    {
        hasPrevious = false;
        previousDouble = 0;
        previousLong = 0;
        resultDouble = 0;
        resultLong = 0;
    }
}
