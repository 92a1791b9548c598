package io.pitgun.engine.tuning;

import io.pitgun.manifest.formula.Expr;
import io.pitgun.manifest.runtime.ValueKind;

import java.util.function.Function;

/**
 * The values a compiled formula can take, by interval arithmetic over its expression tree, given an interval for
 * every channel it reads: what {@link ManifestLimitCheck} holds a limited derived channel's formula to. Sound but
 * not tight (each read of a channel is taken as independent), and unbounded where no bound can be shown: time
 * functions ({@code delta}, {@code integral}, ...), the frame's timestamp, {@code ^} and {@code pow}, {@code tan},
 * a division by a range that holds 0, {@code log} or {@code sqrt} of a range reaching 0 or below. Integer
 * overflow (which wraps) is not modelled. Cold path.
 */
final class FormulaRange
{
    /** A closed interval; infinite ends for unbounded. */
    record Interval(double min, double max)
    {
        static final Interval UNBOUNDED = new Interval(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        static final Interval BOOLEAN = new Interval(0, 1);

        static Interval of(final double a, final double b)
        {
            if (Double.isNaN(a) || Double.isNaN(b))
            {
                return UNBOUNDED;
            }
            return new Interval(Math.min(a, b), Math.max(a, b));
        }

        static Interval hull(final double... values)
        {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (final double value : values)
            {
                if (Double.isNaN(value))
                {
                    return UNBOUNDED;
                }
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
            return new Interval(min, max);
        }

        Interval union(final Interval other)
        {
            return new Interval(Math.min(min, other.min), Math.max(max, other.max));
        }

        boolean contains(final double value)
        {
            return min <= value && value <= max;
        }

        double magnitude()
        {
            return Math.max(Math.abs(min), Math.abs(max));
        }
    }

    private final Function<String, Interval> inputs;
    private final Function<Integer, Interval> derived;

    /**
     * @param inputs  the interval of a dictionary channel the formula reads, by name.
     * @param derived the interval of a derived channel it reads, by index (unbounded when not known).
     */
    FormulaRange(final Function<String, Interval> inputs, final Function<Integer, Interval> derived)
    {
        this.inputs = inputs;
        this.derived = derived;
    }

    Interval of(final Expr expr)
    {
        if (expr instanceof Expr.Constant)
        {
            final Expr.Constant constant = (Expr.Constant)expr;
            final double value = constant.kind() == ValueKind.DOUBLE ? constant.doubleValue() : constant.longValue();
            return Interval.of(value, value);
        }
        if (expr instanceof Expr.InputRead)
        {
            return inputs.apply(((Expr.InputRead)expr).name());
        }
        if (expr instanceof Expr.DerivedRead)
        {
            return derived.apply(((Expr.DerivedRead)expr).index());
        }
        if (expr instanceof Expr.ToDouble)
        {
            return of(((Expr.ToDouble)expr).operand());
        }
        if (expr instanceof Expr.Unary)
        {
            final Expr.Unary unary = (Expr.Unary)expr;
            if (unary.kind() == ValueKind.BOOLEAN)
            {
                return Interval.BOOLEAN;
            }
            final Interval operand = of(unary.operand());
            return Interval.of(-operand.max(), -operand.min());
        }
        if (expr instanceof Expr.Binary)
        {
            return binary((Expr.Binary)expr);
        }
        if (expr instanceof Expr.Conditional)
        {
            final Expr.Conditional conditional = (Expr.Conditional)expr;
            return of(conditional.whenTrue()).union(of(conditional.whenFalse()));
        }
        if (expr instanceof Expr.Default)
        {
            final Expr.Default fallback = (Expr.Default)expr;
            return of(fallback.value()).union(of(fallback.fallback()));
        }
        if (expr instanceof Expr.Call)
        {
            return call((Expr.Call)expr);
        }
        if (expr.kind() == ValueKind.BOOLEAN)
        {
            return Interval.BOOLEAN;
        }
        return Interval.UNBOUNDED; // the timestamp, time functions
    }

    private Interval binary(final Expr.Binary binary)
    {
        if (binary.kind() == ValueKind.BOOLEAN)
        {
            return Interval.BOOLEAN; // comparisons, and, or
        }
        final Interval a = of(binary.left());
        final Interval b = of(binary.right());
        switch (binary.operator())
        {
            case ADD:
                return Interval.of(a.min() + b.min(), a.max() + b.max());
            case SUBTRACT:
                return Interval.of(a.min() - b.max(), a.max() - b.min());
            case MULTIPLY:
                return Interval.hull(a.min() * b.min(), a.min() * b.max(), a.max() * b.min(), a.max() * b.max());
            case DIVIDE:
                // Integer division truncates toward zero, so it stays within the real quotients' hull.
                return b.contains(0) ? Interval.UNBOUNDED :
                    Interval.hull(a.min() / b.min(), a.min() / b.max(), a.max() / b.min(), a.max() / b.max());
            case REMAINDER:
            {
                // |a % b| < |b|, with the sign of a.
                final double m = b.magnitude();
                return Interval.of(Math.max(-m, Math.min(0, a.min())), Math.min(m, Math.max(0, a.max())));
            }
            default:
                return Interval.UNBOUNDED; // ^
        }
    }

    private Interval call(final Expr.Call call)
    {
        final Interval a = of(call.arguments().get(0));
        switch (call.function())
        {
            case ABS_LONG:
            case ABS_DOUBLE:
                return a.min() >= 0 ? a : a.max() <= 0 ? Interval.of(-a.max(), -a.min()) :
                    Interval.of(0, a.magnitude());
            case MIN_LONG:
            case MIN_DOUBLE:
            {
                final Interval b = of(call.arguments().get(1));
                return Interval.of(Math.min(a.min(), b.min()), Math.min(a.max(), b.max()));
            }
            case MAX_LONG:
            case MAX_DOUBLE:
            {
                final Interval b = of(call.arguments().get(1));
                return Interval.of(Math.max(a.min(), b.min()), Math.max(a.max(), b.max()));
            }
            case CLAMP_LONG:
            case CLAMP_DOUBLE:
            {
                // clamp(x, lo, hi) = min(max(x, lo), hi)
                final Interval lo = of(call.arguments().get(1));
                final Interval hi = of(call.arguments().get(2));
                final Interval low = Interval.of(Math.max(a.min(), lo.min()), Math.max(a.max(), lo.max()));
                return Interval.of(Math.min(low.min(), hi.min()), Math.min(low.max(), hi.max()));
            }
            case SQRT:
                return a.min() < 0 ? Interval.UNBOUNDED : Interval.of(Math.sqrt(a.min()), Math.sqrt(a.max()));
            case EXP:
                return Interval.of(Math.exp(a.min()), Math.exp(a.max()));
            case LOG:
                return a.min() <= 0 ? Interval.UNBOUNDED : Interval.of(Math.log(a.min()), Math.log(a.max()));
            case LOG10:
                return a.min() <= 0 ? Interval.UNBOUNDED : Interval.of(Math.log10(a.min()), Math.log10(a.max()));
            case SIN:
            case COS:
            case SIGN_LONG:
            case SIGN_DOUBLE:
                return Interval.of(-1, 1);
            case ASIN:
            case ATAN:
                return Interval.of(-Math.PI / 2, Math.PI / 2);
            case ACOS:
                return Interval.of(0, Math.PI);
            case ATAN2:
                return Interval.of(-Math.PI, Math.PI);
            case HYPOT:
                return Interval.of(0, Math.hypot(a.magnitude(), of(call.arguments().get(1)).magnitude()));
            case FLOOR:
                return Interval.of(Math.floor(a.min()), Math.floor(a.max()));
            case CEIL:
                return Interval.of(Math.ceil(a.min()), Math.ceil(a.max()));
            case ROUND_LONG:
            case ROUND_DOUBLE:
                return Interval.of(Math.rint(a.min()) - 1, Math.rint(a.max()) + 1);
            case IDIV:
                // By zero the result is absent; otherwise |a idiv b| <= |a|.
                return Interval.of(-a.magnitude(), a.magnitude());
            default:
                return Interval.UNBOUNDED; // pow, tan
        }
    }
}
