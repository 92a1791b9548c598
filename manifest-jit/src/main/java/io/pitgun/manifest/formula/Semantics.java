package io.pitgun.manifest.formula;

import io.pitgun.manifest.runtime.FormulaMath;

/**
 * The value semantics of operators and pure functions on present operands, used by the reference interpreter and
 * by constant folding. The compiler emits the matching JVM instructions ({@code DADD}, {@code DREM}, {@code LCMP},
 * ...) or calls the same {@link FormulaMath} methods, which the differential test checks bit for bit.
 */
public final class Semantics
{
    private Semantics()
    {
    }

    /** {@code + - * / % ^} on doubles; {@code %} is the IEEE-exact remainder of Java's {@code %}. */
    public static double arithmetic(final Operator operator, final double a, final double b)
    {
        switch (operator)
        {
            case ADD: return a + b;
            case SUBTRACT: return a - b;
            case MULTIPLY: return a * b;
            case DIVIDE: return a / b;
            case REMAINDER: return a % b;
            case POWER: return FormulaMath.pow(a, b);
            default: throw new IllegalArgumentException(operator.name());
        }
    }

    /** {@code + - * %} on longs, wrapping on overflow; callers ensure b != 0 for {@code %}. */
    public static long arithmetic(final Operator operator, final long a, final long b)
    {
        switch (operator)
        {
            case ADD: return a + b;
            case SUBTRACT: return a - b;
            case MULTIPLY: return a * b;
            case REMAINDER: return a % b;
            default: throw new IllegalArgumentException(operator.name());
        }
    }

    /** Comparisons on doubles, with IEEE semantics (any comparison with NaN is false except {@code !=}). */
    public static boolean compare(final Operator operator, final double a, final double b)
    {
        switch (operator)
        {
            case LESS: return a < b;
            case LESS_EQUAL: return a <= b;
            case GREATER: return a > b;
            case GREATER_EQUAL: return a >= b;
            case EQUAL: return a == b;
            case NOT_EQUAL: return a != b;
            default: throw new IllegalArgumentException(operator.name());
        }
    }

    /** Comparisons on longs. */
    public static boolean compare(final Operator operator, final long a, final long b)
    {
        switch (operator)
        {
            case LESS: return a < b;
            case LESS_EQUAL: return a <= b;
            case GREATER: return a > b;
            case GREATER_EQUAL: return a >= b;
            case EQUAL: return a == b;
            case NOT_EQUAL: return a != b;
            default: throw new IllegalArgumentException(operator.name());
        }
    }

    /** {@code == != and or} on booleans. */
    public static boolean logic(final Operator operator, final boolean a, final boolean b)
    {
        switch (operator)
        {
            case EQUAL: return a == b;
            case NOT_EQUAL: return a != b;
            case AND: return a & b;
            case OR: return a | b;
            default: throw new IllegalArgumentException(operator.name());
        }
    }

    /** A function whose parameters and result are doubles (unused arguments are ignored). */
    public static double callDouble(final PureFunction function, final double a, final double b, final double c)
    {
        switch (function)
        {
            case ABS_DOUBLE: return FormulaMath.abs(a);
            case MIN_DOUBLE: return FormulaMath.min(a, b);
            case MAX_DOUBLE: return FormulaMath.max(a, b);
            case CLAMP_DOUBLE: return FormulaMath.clamp(a, b, c);
            case SQRT: return FormulaMath.sqrt(a);
            case POW: return FormulaMath.pow(a, b);
            case EXP: return FormulaMath.exp(a);
            case LOG: return FormulaMath.log(a);
            case LOG10: return FormulaMath.log10(a);
            case SIN: return FormulaMath.sin(a);
            case COS: return FormulaMath.cos(a);
            case TAN: return FormulaMath.tan(a);
            case ASIN: return FormulaMath.asin(a);
            case ACOS: return FormulaMath.acos(a);
            case ATAN: return FormulaMath.atan(a);
            case ATAN2: return FormulaMath.atan2(a, b);
            case HYPOT: return FormulaMath.hypot(a, b);
            case FLOOR: return FormulaMath.floor(a);
            case CEIL: return FormulaMath.ceil(a);
            case SIGN_DOUBLE: return FormulaMath.sign(a);
            default: throw new IllegalArgumentException(function.name());
        }
    }

    /** A function whose parameters and result are longs; callers ensure b != 0 for {@code idiv}. */
    public static long callLong(final PureFunction function, final long a, final long b, final long c)
    {
        switch (function)
        {
            case ABS_LONG: return FormulaMath.abs(a);
            case MIN_LONG: return FormulaMath.min(a, b);
            case MAX_LONG: return FormulaMath.max(a, b);
            case CLAMP_LONG: return FormulaMath.clamp(a, b, c);
            case ROUND_LONG: return FormulaMath.round(a);
            case SIGN_LONG: return FormulaMath.sign(a);
            case IDIV: return a / b;
            default: throw new IllegalArgumentException(function.name());
        }
    }

    /** {@code round(double)}, the one function from double to long. */
    public static long round(final double a)
    {
        return FormulaMath.round(a);
    }
}
