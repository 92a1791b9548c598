package io.pitgun.manifest.runtime;

/**
 * The pure functions of the formula language, shared by the reference interpreter, constant folding and compiled
 * code so that all three compute bit-identical results. Everything transcendental goes through {@link StrictMath}
 * (fdlibm), whose results are the same on every JVM and CPU; the rest ({@code abs}, {@code min}, {@code floor},
 * {@code round}, ...) is exactly rounded by definition.
 *
 * <p>Method names are the language's function names; the compiler calls them by name and descriptor.
 */
public final class FormulaMath
{
    private FormulaMath()
    {
    }

    public static double abs(final double x)
    {
        return StrictMath.abs(x);
    }

    public static long abs(final long x)
    {
        return StrictMath.abs(x);
    }

    public static double min(final double a, final double b)
    {
        return StrictMath.min(a, b);
    }

    public static long min(final long a, final long b)
    {
        return StrictMath.min(a, b);
    }

    public static double max(final double a, final double b)
    {
        return StrictMath.max(a, b);
    }

    public static long max(final long a, final long b)
    {
        return StrictMath.max(a, b);
    }

    /** {@code min(max(x, lo), hi)}: a NaN bound or value gives NaN. */
    public static double clamp(final double x, final double lo, final double hi)
    {
        return StrictMath.min(StrictMath.max(x, lo), hi);
    }

    public static long clamp(final long x, final long lo, final long hi)
    {
        return StrictMath.min(StrictMath.max(x, lo), hi);
    }

    public static double sqrt(final double x)
    {
        return StrictMath.sqrt(x);
    }

    public static double pow(final double x, final double y)
    {
        return StrictMath.pow(x, y);
    }

    public static double exp(final double x)
    {
        return StrictMath.exp(x);
    }

    public static double log(final double x)
    {
        return StrictMath.log(x);
    }

    public static double log10(final double x)
    {
        return StrictMath.log10(x);
    }

    public static double sin(final double x)
    {
        return StrictMath.sin(x);
    }

    public static double cos(final double x)
    {
        return StrictMath.cos(x);
    }

    public static double tan(final double x)
    {
        return StrictMath.tan(x);
    }

    public static double asin(final double x)
    {
        return StrictMath.asin(x);
    }

    public static double acos(final double x)
    {
        return StrictMath.acos(x);
    }

    public static double atan(final double x)
    {
        return StrictMath.atan(x);
    }

    public static double atan2(final double y, final double x)
    {
        return StrictMath.atan2(y, x);
    }

    public static double hypot(final double x, final double y)
    {
        return StrictMath.hypot(x, y);
    }

    public static double floor(final double x)
    {
        return StrictMath.floor(x);
    }

    public static double ceil(final double x)
    {
        return StrictMath.ceil(x);
    }

    /** Nearest long, ties towards positive infinity; NaN gives 0, out-of-range values saturate. */
    public static long round(final double x)
    {
        return StrictMath.round(x);
    }

    public static long round(final long x)
    {
        return x;
    }

    public static double sign(final double x)
    {
        return StrictMath.signum(x);
    }

    public static long sign(final long x)
    {
        return Long.signum(x);
    }
}
