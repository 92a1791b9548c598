package io.pitgun.manifest.runtime;

/**
 * {@code ema(x, alpha)}: exponential moving average {@code s += alpha * (x - s)}, seeded with x's first sample.
 * Absent in frames where x is absent (the average is kept).
 */
public final class EmaState extends FormulaState
{
    private final double alpha;
    private boolean seeded;
    private double average;

    /** @param alpha weight of the newest sample, in [0, 1]. */
    public EmaState(final double alpha)
    {
        this.alpha = alpha;
    }

    @Override
    public boolean onDouble(final boolean present, final double value, final long timestampUs)
    {
        if (!present)
        {
            return false;
        }
        if (seeded)
        {
            average = average + alpha * (value - average);
        }
        else
        {
            average = value;
            seeded = true;
        }
        return true;
    }

    @Override
    public double doubleValue()
    {
        return average;
    }

    @Override
    public void reset()
    {
        seeded = false;
        average = 0;
    }
}
