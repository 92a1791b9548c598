package io.pitgun.manifest.runtime;

/**
 * {@code mean(x, n)}: arithmetic mean of x's last n samples (fewer until n have been seen), summed oldest first
 * each frame so that no rounding error accumulates. Absent in frames where x is absent.
 */
public final class MeanState extends FormulaState
{
    private final double[] window;
    private int next;
    private int count;
    private double mean;

    /** @param length number of samples averaged, at least 1. */
    public MeanState(final int length)
    {
        window = new double[length];
    }

    @Override
    public boolean onDouble(final boolean present, final double value, final long timestampUs)
    {
        if (!present)
        {
            return false;
        }
        final int length = window.length;
        window[next] = value;
        next = next + 1 == length ? 0 : next + 1;
        if (count < length)
        {
            count++;
        }
        int index = next - count;
        if (index < 0)
        {
            index += length;
        }
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += window[index];
            index = index + 1 == length ? 0 : index + 1;
        }
        mean = sum / count;
        return true;
    }

    @Override
    public double doubleValue()
    {
        return mean;
    }

    @Override
    public void reset()
    {
        java.util.Arrays.fill(window, 0);
        next = 0;
        count = 0;
        mean = 0;
    }
}
