package io.pitgun.manifest.formula;

/** The time functions: each call site keeps state across frames. */
public enum TimeFunction
{
    /** The previous sample's value; same type as x. */
    PREV("prev"),
    /** x minus the previous sample; long or double. */
    DELTA("delta"),
    /** Change per second between samples (uses timestamp_us); double. */
    DERIVATIVE("derivative"),
    /** Trapezoidal integral over time in seconds; double. */
    INTEGRAL("integral"),
    /** Exponential moving average with a constant alpha in [0, 1]; double. */
    EMA("ema"),
    /** Mean of the last n samples, n a constant integer in [1, 4096]; double. */
    MEAN("mean"),
    /** Last known value while x is absent; same type as x. */
    HOLD("hold");

    private final String functionName;

    TimeFunction(final String functionName)
    {
        this.functionName = functionName;
    }

    /** The name written in formulas. */
    public String functionName()
    {
        return functionName;
    }
}
