package io.pitgun.manifest.runtime;

/**
 * {@code delta(x)}: x minus x's previous sample. Absent when x is absent in this frame or has no earlier sample.
 * Long arguments give long results (wrapping on overflow).
 */
public final class DeltaState extends PreviousSampleState
{
    @Override
    protected double combine(final double previous, final double current)
    {
        return current - previous;
    }

    @Override
    protected long combine(final long previous, final long current)
    {
        return current - previous;
    }
}
