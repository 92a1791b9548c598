package io.pitgun.manifest.formula;

import io.pitgun.manifest.runtime.ValueKind;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.pitgun.manifest.runtime.ValueKind.BOOLEAN;
import static io.pitgun.manifest.runtime.ValueKind.DOUBLE;
import static io.pitgun.manifest.runtime.ValueKind.LONG;

/**
 * Turns a syntax tree into a typed {@link Expr}: resolves names and function overloads, checks types (a boolean is
 * not a number; {@code /} always divides as doubles, {@code idiv} divides longs), inserts long-to-double promotions
 * and folds constant sub-expressions with the same {@link Semantics} the interpreter uses.
 *
 * <p>One binder serves one program: it numbers the time-function calls of all formulas it binds, so that each
 * call site gets its own state.
 */
public final class Binder
{
    /** {@code default(x, v)}: x when present, else v (the one function that is neither pure nor of time). */
    public static final String DEFAULT_FUNCTION = "default";

    /** The largest window of {@code mean(x, n)}. */
    public static final int MAX_MEAN_WINDOW = 4096;

    private static final Set<String> FUNCTION_NAMES = functionNames();

    private final List<Expr.TimeCall> timeCalls = new ArrayList<>();

    /** The time-function calls bound so far, in state-index order. */
    public List<Expr.TimeCall> timeCalls()
    {
        return List.copyOf(timeCalls);
    }

    /** Every function name of the language, for documentation and suggestions. */
    public static Set<String> functionNames()
    {
        final Set<String> names = new LinkedHashSet<>();
        for (final PureFunction function : PureFunction.values())
        {
            names.add(function.functionName());
        }
        for (final TimeFunction function : TimeFunction.values())
        {
            names.add(function.functionName());
        }
        names.add(DEFAULT_FUNCTION);
        return names;
    }

    /**
     * Binds one formula.
     *
     * @throws FormulaException at the first unknown name or type error.
     */
    public Expr bind(final Syntax syntax, final NameResolver names) throws FormulaException
    {
        if (syntax instanceof Syntax.IntegerLiteral)
        {
            final Syntax.IntegerLiteral literal = (Syntax.IntegerLiteral)syntax;
            return new Expr.Constant(LONG, 0, literal.value(), literal.start(), literal.end());
        }
        if (syntax instanceof Syntax.DecimalLiteral)
        {
            final Syntax.DecimalLiteral literal = (Syntax.DecimalLiteral)syntax;
            return new Expr.Constant(DOUBLE, literal.value(), 0, literal.start(), literal.end());
        }
        if (syntax instanceof Syntax.BooleanLiteral)
        {
            final Syntax.BooleanLiteral literal = (Syntax.BooleanLiteral)syntax;
            return new Expr.Constant(BOOLEAN, 0, literal.value() ? 1 : 0, literal.start(), literal.end());
        }
        if (syntax instanceof Syntax.Name)
        {
            return name((Syntax.Name)syntax, names);
        }
        if (syntax instanceof Syntax.Unary)
        {
            return unary((Syntax.Unary)syntax, names);
        }
        if (syntax instanceof Syntax.Binary)
        {
            return binary((Syntax.Binary)syntax, names);
        }
        if (syntax instanceof Syntax.Conditional)
        {
            return conditional((Syntax.Conditional)syntax, names);
        }
        return call((Syntax.Call)syntax, names);
    }

    private static Expr name(final Syntax.Name name, final NameResolver names) throws FormulaException
    {
        final NameResolver.ResolvedName resolved = names.resolve(name.name(), name.start(), name.end());
        switch (resolved.target())
        {
            case INPUT:
                return new Expr.InputRead(resolved.kind(), resolved.index(), name.name(), name.start(), name.end());
            case DERIVED:
                return new Expr.DerivedRead(resolved.kind(), resolved.index(), name.name(), name.start(), name.end());
            default:
                return new Expr.TimestampRead(name.start(), name.end());
        }
    }

    private Expr unary(final Syntax.Unary unary, final NameResolver names) throws FormulaException
    {
        final Expr operand = bind(unary.operand(), names);
        if (unary.operator() == Operator.NOT)
        {
            requireBoolean(operand, "the operand of 'not'");
        }
        else
        {
            requireNumber(operand, "the operand of unary '-'");
        }
        return Folding.fold(new Expr.Unary(unary.operator(), operand, unary.start(), unary.end()));
    }

    private Expr binary(final Syntax.Binary binary, final NameResolver names) throws FormulaException
    {
        Expr left = bind(binary.left(), names);
        Expr right = bind(binary.right(), names);
        final Operator operator = binary.operator();
        final String symbol = "'" + operator.symbol() + "'";
        final ValueKind result;
        switch (operator)
        {
            case AND:
            case OR:
                requireBoolean(left, "the left operand of " + symbol);
                requireBoolean(right, "the right operand of " + symbol);
                result = BOOLEAN;
                break;
            case EQUAL:
            case NOT_EQUAL:
                if (left.kind() == BOOLEAN || right.kind() == BOOLEAN)
                {
                    if (left.kind() != right.kind())
                    {
                        throw new FormulaException("cannot compare " + left.kind().displayName() + " with " +
                            right.kind().displayName() + " using " + symbol, binary.start(), binary.end());
                    }
                    result = BOOLEAN;
                    break;
                }
                requireNumber(left, "the left operand of " + symbol);
                requireNumber(right, "the right operand of " + symbol);
                if (left.kind() != right.kind())
                {
                    left = toDouble(left);
                    right = toDouble(right);
                }
                result = BOOLEAN;
                break;
            case LESS:
            case LESS_EQUAL:
            case GREATER:
            case GREATER_EQUAL:
                requireNumber(left, "the left operand of " + symbol);
                requireNumber(right, "the right operand of " + symbol);
                if (left.kind() != right.kind())
                {
                    left = toDouble(left);
                    right = toDouble(right);
                }
                result = BOOLEAN;
                break;
            case DIVIDE:
            case POWER:
                requireNumber(left, "the left operand of " + symbol);
                requireNumber(right, "the right operand of " + symbol);
                left = toDouble(left);
                right = toDouble(right);
                result = DOUBLE;
                break;
            default:
                requireNumber(left, "the left operand of " + symbol);
                requireNumber(right, "the right operand of " + symbol);
                if (left.kind() == LONG && right.kind() == LONG)
                {
                    result = LONG;
                }
                else
                {
                    left = toDouble(left);
                    right = toDouble(right);
                    result = DOUBLE;
                }
                break;
        }
        return Folding.fold(new Expr.Binary(result, operator, left, right, binary.start(), binary.end()));
    }

    private Expr conditional(final Syntax.Conditional conditional, final NameResolver names) throws FormulaException
    {
        final Expr condition = bind(conditional.condition(), names);
        if (condition.kind() != BOOLEAN)
        {
            throw new FormulaException("the condition of 'condition ? a : b' must be boolean, but it is " +
                condition.kind().displayName() + " (compare it, e.g. 'x > 0')", condition.start(), condition.end());
        }
        Expr whenTrue = bind(conditional.whenTrue(), names);
        Expr whenFalse = bind(conditional.whenFalse(), names);
        if (whenTrue.kind() != whenFalse.kind())
        {
            if (!whenTrue.kind().isNumeric() || !whenFalse.kind().isNumeric())
            {
                throw new FormulaException("the branches of 'condition ? a : b' must have the same type, but they" +
                    " are " + whenTrue.kind().displayName() + " and " + whenFalse.kind().displayName(),
                    whenTrue.start(), whenFalse.end());
            }
            whenTrue = toDouble(whenTrue);
            whenFalse = toDouble(whenFalse);
        }
        return Folding.fold(new Expr.Conditional(condition, whenTrue, whenFalse, conditional.start(),
            conditional.end()));
    }

    private Expr call(final Syntax.Call call, final NameResolver names) throws FormulaException
    {
        final String name = call.function();
        final List<Expr> arguments = new ArrayList<>();
        for (final Syntax argument : call.arguments())
        {
            arguments.add(bind(argument, names));
        }
        if (DEFAULT_FUNCTION.equals(name))
        {
            requireArity(call, 2);
            return defaultOf(call, arguments.get(0), arguments.get(1));
        }
        for (final TimeFunction function : TimeFunction.values())
        {
            if (function.functionName().equals(name))
            {
                return timeCall(call, function, arguments);
            }
        }
        final List<PureFunction> overloads = new ArrayList<>();
        for (final PureFunction function : PureFunction.values())
        {
            if (function.functionName().equals(name))
            {
                overloads.add(function);
            }
        }
        if (overloads.isEmpty())
        {
            throw new FormulaException("unknown function '" + name + "'" +
                Suggestions.hint(Suggestions.nearest(name, FUNCTION_NAMES, 3)) + "; the functions are " +
                String.join(", ", FUNCTION_NAMES), call.start(), call.nameEnd());
        }
        requireArity(call, overloads.get(0).parameters().size());
        boolean allLong = true;
        for (int i = 0; i < arguments.size(); i++)
        {
            requireNumber(arguments.get(i), "argument " + (i + 1) + " of " + name + "()");
            allLong &= arguments.get(i).kind() == LONG;
        }
        PureFunction chosen = null;
        for (final PureFunction function : overloads)
        {
            final boolean longOverload = function.parameters().get(0) == LONG;
            if (longOverload == allLong)
            {
                chosen = function;
            }
        }
        if (chosen == null)
        {
            if (allLong)
            {
                chosen = overloads.get(overloads.size() - 1);
            }
            else
            {
                throw new FormulaException(name + "() takes integers (long values), but an argument is double;" +
                    " use '/' for division of doubles", call.start(), call.end());
            }
        }
        for (int i = 0; i < arguments.size(); i++)
        {
            if (chosen.parameters().get(i) == DOUBLE)
            {
                arguments.set(i, toDouble(arguments.get(i)));
            }
        }
        if (chosen == PureFunction.CLAMP_LONG || chosen == PureFunction.CLAMP_DOUBLE)
        {
            requireOrderedBounds(arguments.get(1), arguments.get(2), call);
        }
        return Folding.fold(new Expr.Call(chosen, arguments, call.start(), call.end()));
    }

    /**
     * {@code clamp(x, lo, hi)} with constant bounds in the wrong order is refused: {@code min(max(x, lo), hi)} would
     * give {@code hi} whatever {@code x} is, a mistake the manifest's author would otherwise find only in the data.
     */
    private static void requireOrderedBounds(final Expr lo, final Expr hi, final Syntax.Call call)
        throws FormulaException
    {
        if (lo instanceof Expr.Constant && hi instanceof Expr.Constant)
        {
            final double low = numberOf((Expr.Constant)lo);
            final double high = numberOf((Expr.Constant)hi);
            if (low > high)
            {
                throw new FormulaException("clamp(x, lo, hi) needs lo <= hi, but lo is " + low + " and hi " + high +
                    ": every result would be hi", call.start(), call.end());
            }
        }
    }

    private static Expr defaultOf(final Syntax.Call call, final Expr value, final Expr fallback)
        throws FormulaException
    {
        Expr left = value;
        Expr right = fallback;
        if (left.kind() != right.kind())
        {
            if (!left.kind().isNumeric() || !right.kind().isNumeric())
            {
                throw new FormulaException("default(x, v) needs x and v of the same type, but they are " +
                    left.kind().displayName() + " and " + right.kind().displayName(), call.start(), call.end());
            }
            left = toDouble(left);
            right = toDouble(right);
        }
        return Folding.fold(new Expr.Default(left, right, call.start(), call.end()));
    }

    private Expr timeCall(final Syntax.Call call, final TimeFunction function, final List<Expr> arguments)
        throws FormulaException
    {
        final String name = function.functionName();
        double parameter = 0;
        switch (function)
        {
            case EMA:
                requireArity(call, 2);
                parameter = constantNumber(arguments.get(1), "the alpha of ema(x, alpha)");
                if (!(parameter >= 0 && parameter <= 1))
                {
                    throw new FormulaException("the alpha of ema(x, alpha) must be between 0 and 1, but it is " +
                        parameter, arguments.get(1).start(), arguments.get(1).end());
                }
                break;
            case MEAN:
                requireArity(call, 2);
                final Expr window = arguments.get(1);
                if (!(window instanceof Expr.Constant) || window.kind() != LONG ||
                    ((Expr.Constant)window).longValue() < 1 || ((Expr.Constant)window).longValue() > MAX_MEAN_WINDOW)
                {
                    throw new FormulaException("the window of mean(x, n) must be a constant integer between 1 and " +
                        MAX_MEAN_WINDOW, window.start(), window.end());
                }
                parameter = ((Expr.Constant)window).longValue();
                break;
            default:
                requireArity(call, 1);
                break;
        }
        Expr argument = arguments.get(0);
        final ValueKind kind;
        switch (function)
        {
            case PREV:
            case HOLD:
                kind = argument.kind();
                break;
            case DELTA:
                requireNumber(argument, "the argument of " + name + "()");
                kind = argument.kind();
                break;
            default:
                requireNumber(argument, "the argument of " + name + "()");
                argument = toDouble(argument);
                kind = DOUBLE;
                break;
        }
        final Expr.TimeCall timeCall = new Expr.TimeCall(kind, function, argument, parameter, timeCalls.size(),
            call.start(), call.end());
        timeCalls.add(timeCall);
        return timeCall;
    }

    private static double constantNumber(final Expr expr, final String what) throws FormulaException
    {
        if (!(expr instanceof Expr.Constant) || !expr.kind().isNumeric())
        {
            throw new FormulaException(what + " must be a constant number", expr.start(), expr.end());
        }
        return numberOf((Expr.Constant)expr);
    }

    private static double numberOf(final Expr.Constant constant)
    {
        return constant.kind() == LONG ? (double)constant.longValue() : constant.doubleValue();
    }

    private static void requireArity(final Syntax.Call call, final int arity) throws FormulaException
    {
        if (call.arguments().size() != arity)
        {
            throw new FormulaException(call.function() + "() takes " + arity + " argument" +
                (arity == 1 ? "" : "s") + ", but " + call.arguments().size() + " " +
                (call.arguments().size() == 1 ? "was" : "were") + " given", call.start(), call.end());
        }
    }

    private static void requireNumber(final Expr expr, final String what) throws FormulaException
    {
        if (!expr.kind().isNumeric())
        {
            throw new FormulaException(what + " must be a number, but it is boolean" +
                " (a boolean is not a number; use 'b ? 1 : 0')", expr.start(), expr.end());
        }
    }

    private static void requireBoolean(final Expr expr, final String what) throws FormulaException
    {
        if (expr.kind() != BOOLEAN)
        {
            throw new FormulaException(what + " must be boolean, but it is " + expr.kind().displayName() +
                " (compare it, e.g. 'x > 0')", expr.start(), expr.end());
        }
    }

    /** The expression as a double: itself when it already is one, else a (folded) promotion of a long. */
    public static Expr toDouble(final Expr expr)
    {
        if (expr.kind() == DOUBLE)
        {
            return expr;
        }
        return Folding.fold(new Expr.ToDouble(expr));
    }
}
