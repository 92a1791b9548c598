package io.pitgun.manifest.runtime;

/**
 * {@code delta(x)}: x minus x's previous sample. Absent when x is absent in this frame or has no earlier sample.
 * Long arguments give long results (wrapping on overflow).
 */
public final class DeltaState extends FormulaState
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
        resultDouble = value - previousDouble;
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
        resultLong = value - previousLong;
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
