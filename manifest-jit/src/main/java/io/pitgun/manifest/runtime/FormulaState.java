package io.pitgun.manifest.runtime;

/**
 * The state of one call of a time function ({@code prev}, {@code delta}, {@code derivative}, {@code integral},
 * {@code ema}, {@code mean}, {@code hold}) in a manifest. Each call site owns one instance; the interpreter and the
 * compiled code drive the same classes, so both keep identical state.
 *
 * <p>Per frame, the program calls exactly one {@code on*} method with the argument's presence and value and the
 * frame's timestamp; it returns whether the function has a value in this frame, which is then read with
 * {@link #doubleValue()} or {@link #longValue()}. Every call is evaluated on every frame that reaches its stage,
 * whichever branch of a conditional it sits in, so the state never depends on the path taken.
 */
public abstract class FormulaState
{
    /** Feeds a double argument; returns whether the function is present in this frame. */
    public boolean onDouble(final boolean present, final double value, final long timestampUs)
    {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " takes no double argument");
    }

    /** Feeds a long (or boolean as 0/1) argument; returns whether the function is present in this frame. */
    public boolean onLong(final boolean present, final long value, final long timestampUs)
    {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " takes no long argument");
    }

    /** The function's value after a double-valued {@code on*} call returned true. */
    public double doubleValue()
    {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no double value");
    }

    /** The function's value after a long-valued {@code on*} call returned true. */
    public long longValue()
    {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no long value");
    }

    /** Back to the state before the first frame. */
    public abstract void reset();
}
