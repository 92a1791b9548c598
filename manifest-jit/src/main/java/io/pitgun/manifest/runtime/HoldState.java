package io.pitgun.manifest.runtime;

/**
 * {@code hold(x)}: x when present, otherwise the last value x had. Absent only until x's first sample.
 */
public final class HoldState extends FormulaState
{
    private boolean hasValue;
    private double heldDouble;
    private long heldLong;

    @Override
    public boolean onDouble(final boolean present, final double value, final long timestampUs)
    {
        if (present)
        {
            heldDouble = value;
            hasValue = true;
        }
        return hasValue;
    }

    @Override
    public boolean onLong(final boolean present, final long value, final long timestampUs)
    {
        if (present)
        {
            heldLong = value;
            hasValue = true;
        }
        return hasValue;
    }

    @Override
    public double doubleValue()
    {
        return heldDouble;
    }

    @Override
    public long longValue()
    {
        return heldLong;
    }

    @Override
    public void reset()
    {
        hasValue = false;
        heldDouble = 0;
        heldLong = 0;
    }
}
