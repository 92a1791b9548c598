package io.pitgun.manifest.formula;

import io.pitgun.manifest.runtime.ValueKind;

import static io.pitgun.manifest.runtime.ValueKind.BOOLEAN;
import static io.pitgun.manifest.runtime.ValueKind.DOUBLE;
import static io.pitgun.manifest.runtime.ValueKind.LONG;

/**
 * Constant folding with the interpreter's own {@link Semantics}, so a folded result is bit-identical to what the
 * program would compute at run time. A sub-expression that would be absent (a long remainder or {@code idiv} by a
 * constant zero) is left for run time.
 */
final class Folding
{
    private Folding()
    {
    }

    static Expr fold(final Expr expr)
    {
        if (expr instanceof Expr.Conditional)
        {
            final Expr.Conditional conditional = (Expr.Conditional)expr;
            if (conditional.condition() instanceof Expr.Constant)
            {
                return ((Expr.Constant)conditional.condition()).booleanValue() ?
                    conditional.whenTrue() : conditional.whenFalse();
            }
            return expr;
        }
        if (expr instanceof Expr.Default)
        {
            final Expr.Default defaultOf = (Expr.Default)expr;
            return defaultOf.value() instanceof Expr.Constant ? defaultOf.value() : expr;
        }
        for (final Expr child : expr.children())
        {
            if (!(child instanceof Expr.Constant))
            {
                return expr;
            }
        }
        if (expr instanceof Expr.ToDouble)
        {
            return doubleConstant(expr, (double)constant(((Expr.ToDouble)expr).operand()).longValue());
        }
        if (expr instanceof Expr.Unary)
        {
            final Expr.Unary unary = (Expr.Unary)expr;
            final Expr.Constant operand = constant(unary.operand());
            if (unary.operator() == Operator.NOT)
            {
                return booleanConstant(expr, !operand.booleanValue());
            }
            return operand.kind() == LONG ? longConstant(expr, -operand.longValue()) :
                doubleConstant(expr, -operand.doubleValue());
        }
        if (expr instanceof Expr.Binary)
        {
            return foldBinary((Expr.Binary)expr);
        }
        if (expr instanceof Expr.Call)
        {
            return foldCall((Expr.Call)expr);
        }
        return expr;
    }

    private static Expr foldBinary(final Expr.Binary binary)
    {
        final Expr.Constant left = constant(binary.left());
        final Expr.Constant right = constant(binary.right());
        final Operator operator = binary.operator();
        final ValueKind operandKind = binary.operandKind();
        if (operandKind == BOOLEAN)
        {
            return booleanConstant(binary, Semantics.logic(operator, left.booleanValue(), right.booleanValue()));
        }
        if (operator.isComparison())
        {
            return booleanConstant(binary, operandKind == LONG ?
                Semantics.compare(operator, left.longValue(), right.longValue()) :
                Semantics.compare(operator, left.doubleValue(), right.doubleValue()));
        }
        if (operandKind == LONG)
        {
            if (operator == Operator.REMAINDER && right.longValue() == 0)
            {
                return binary;
            }
            return longConstant(binary, Semantics.arithmetic(operator, left.longValue(), right.longValue()));
        }
        return doubleConstant(binary, Semantics.arithmetic(operator, left.doubleValue(), right.doubleValue()));
    }

    private static Expr foldCall(final Expr.Call call)
    {
        final PureFunction function = call.function();
        final int count = call.arguments().size();
        if (function == PureFunction.ROUND_DOUBLE)
        {
            return longConstant(call, Semantics.round(constant(call.arguments().get(0)).doubleValue()));
        }
        if (function.result() == LONG)
        {
            final long a = constant(call.arguments().get(0)).longValue();
            final long b = count > 1 ? constant(call.arguments().get(1)).longValue() : 0;
            final long c = count > 2 ? constant(call.arguments().get(2)).longValue() : 0;
            if (function == PureFunction.IDIV && b == 0)
            {
                return call;
            }
            return longConstant(call, Semantics.callLong(function, a, b, c));
        }
        final double a = constant(call.arguments().get(0)).doubleValue();
        final double b = count > 1 ? constant(call.arguments().get(1)).doubleValue() : 0;
        final double c = count > 2 ? constant(call.arguments().get(2)).doubleValue() : 0;
        return doubleConstant(call, Semantics.callDouble(function, a, b, c));
    }

    private static Expr.Constant constant(final Expr expr)
    {
        return (Expr.Constant)expr;
    }

    private static Expr doubleConstant(final Expr at, final double value)
    {
        return new Expr.Constant(DOUBLE, value, 0, at.start(), at.end());
    }

    private static Expr longConstant(final Expr at, final long value)
    {
        return new Expr.Constant(LONG, 0, value, at.start(), at.end());
    }

    private static Expr booleanConstant(final Expr at, final boolean value)
    {
        return new Expr.Constant(BOOLEAN, 0, value ? 1 : 0, at.start(), at.end());
    }
}
