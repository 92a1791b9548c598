package io.pitgun.manifest.runtime;

/**
 * {@code derivative(x)}: change of x per second between x's previous sample and this one,
 * {@code (x - x_prev) * 1e6 / (t - t_prev)} with t in microseconds. Absent when x is absent, has no earlier sample,
 * or time did not move forward.
 */
public final class DerivativeState extends FormulaState
{
    private static final double MICROS_PER_SECOND = 1_000_000.0;

    private boolean hasPrevious;
    private double previousValue;
    private long previousTimestampUs;
    private double result;

    @Override
    public boolean onDouble(final boolean present, final double value, final long timestampUs)
    {
        if (!present)
        {
            return false;
        }
        boolean hasResult = false;
        if (hasPrevious)
        {
            final long elapsedUs = timestampUs - previousTimestampUs;
            if (elapsedUs > 0)
            {
                result = (value - previousValue) * MICROS_PER_SECOND / (double)elapsedUs;
                hasResult = true;
            }
        }
        previousValue = value;
        previousTimestampUs = timestampUs;
        hasPrevious = true;
        return hasResult;
    }

    @Override
    public double doubleValue()
    {
        return result;
    }

    @Override
    public void reset()
    {
        hasPrevious = false;
        previousValue = 0;
        previousTimestampUs = 0;
        result = 0;
    }
}
