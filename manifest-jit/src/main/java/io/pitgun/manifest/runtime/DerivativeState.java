package io.pitgun.manifest.runtime;

/**
 * {@code derivative(x)}: change of x per second between x's previous sample and this one,
 * {@code (x - x_prev) * 1e6 / (t - t_prev)} with t in microseconds. Absent when x is absent, has no earlier sample,
 * or time did not move forward. A sample earlier than the one before it (a frame whose time went back) is not used:
 * the next derivative is measured from the latest sample, as {@link IntegralState} measures its next step.
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
            if (timestampUs < previousTimestampUs)
            {
                return false;
            }
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
