package io.pitgun.manifest.runtime;

/**
 * {@code prev(x)}: the value of x's previous sample (the last earlier frame in which x was present). Absent when x
 * is absent in this frame or has no earlier sample.
 */
public final class PrevState extends PreviousSampleState
{
    @Override
    protected double combine(final double previous, final double current)
    {
        return previous;
    }

    @Override
    protected long combine(final long previous, final long current)
    {
        return previous;
    }
}
