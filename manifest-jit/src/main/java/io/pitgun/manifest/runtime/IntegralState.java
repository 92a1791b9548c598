package io.pitgun.manifest.runtime;

/**
 * {@code integral(x)}: running trapezoidal integral of x over time in seconds, starting at 0 on x's first sample.
 * A step in which time did not move forward adds nothing. A sample earlier than the one before it (a frame whose
 * time went back) is not used at all: the next step is measured from the latest sample, so no span of time is
 * added twice (taking it as the new starting point would add the span it went back over again). Absent in frames
 * where x is absent.
 */
public final class IntegralState extends FormulaState
{
    private static final double MICROS_PER_SECOND = 1_000_000.0;

    private boolean hasPrevious;
    private double previousValue;
    private long previousTimestampUs;
    private double sum;

    @Override
    public boolean onDouble(final boolean present, final double value, final long timestampUs)
    {
        if (!present)
        {
            return false;
        }
        if (hasPrevious)
        {
            if (timestampUs < previousTimestampUs)
            {
                return true;
            }
            final long elapsedUs = timestampUs - previousTimestampUs;
            if (elapsedUs > 0)
            {
                sum += (value + previousValue) * 0.5 * ((double)elapsedUs / MICROS_PER_SECOND);
            }
        }
        previousValue = value;
        previousTimestampUs = timestampUs;
        hasPrevious = true;
        return true;
    }

    @Override
    public double doubleValue()
    {
        return sum;
    }

    @Override
    public void reset()
    {
        hasPrevious = false;
        previousValue = 0;
        previousTimestampUs = 0;
        sum = 0;
    }
}
