package io.pitgun.manifest.runtime;

/**
 * The state that {@code prev(x)} and {@code delta(x)} share: x's previous sample (the last earlier frame in which x
 * was present). A result is absent when x is absent in this frame or has no earlier sample; subclasses say how the
 * previous and current samples combine.
 */
public abstract class PreviousSampleState extends FormulaState
{
    private boolean hasPrevious;
    private double previousDouble;
    private long previousLong;
    private double resultDouble;
    private long resultLong;

    /** The function's value from the previous and current double samples. */
    protected abstract double combine(double previous, double current);

    /** The function's value from the previous and current long samples. */
    protected abstract long combine(long previous, long current);

    @Override
    public final boolean onDouble(final boolean present, final double value, final long timestampUs)
    {
        if (!present)
        {
            return false;
        }
        final boolean result = hasPrevious;
        resultDouble = combine(previousDouble, value);
        previousDouble = value;
        hasPrevious = true;
        return result;
    }

    @Override
    public final boolean onLong(final boolean present, final long value, final long timestampUs)
    {
        if (!present)
        {
            return false;
        }
        final boolean result = hasPrevious;
        resultLong = combine(previousLong, value);
        previousLong = value;
        hasPrevious = true;
        return result;
    }

    @Override
    public final double doubleValue()
    {
        return resultDouble;
    }

    @Override
    public final long longValue()
    {
        return resultLong;
    }

    @Override
    public final void reset()
    {
        hasPrevious = false;
        previousDouble = 0;
        previousLong = 0;
        resultDouble = 0;
        resultLong = 0;
    }
}
