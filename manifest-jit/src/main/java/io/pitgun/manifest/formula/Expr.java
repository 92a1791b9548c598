package io.pitgun.manifest.formula;

import io.pitgun.manifest.runtime.ValueKind;

import java.util.List;

/**
 * The typed, resolved expression tree: the definition of what a formula computes. Names are resolved to input
 * slots or derived channels, overloads to concrete functions, and every implicit long-to-double promotion is an
 * explicit {@link ToDouble} node, so the interpreter and the compiler never decide types themselves.
 *
 * <p>Every node has a value that may be absent. Unless a node says otherwise, it is absent when any operand is.
 * {@link #id()} numbers the nodes of one program densely; the interpreter keeps one register per id and the
 * compiler one pair of locals.
 */
public abstract sealed class Expr
    permits Expr.Constant, Expr.InputRead, Expr.DerivedRead, Expr.TimestampRead, Expr.ToDouble, Expr.Unary,
    Expr.Binary, Expr.Conditional, Expr.Call, Expr.Default, Expr.TimeCall
{
    private final ValueKind kind;
    private final List<Expr> children;
    private final int start;
    private final int end;
    private int id = -1;

    Expr(final ValueKind kind, final List<Expr> children, final int start, final int end)
    {
        this.kind = kind;
        this.children = children;
        this.start = start;
        this.end = end;
    }

    /** The node's value type. */
    public ValueKind kind()
    {
        return kind;
    }

    /** Offset of the node's first character in the formula text. */
    public int start()
    {
        return start;
    }

    /** Offset just after the node's text. */
    public int end()
    {
        return end;
    }

    /** Dense number of this node within its program (assigned when the program plan is built). */
    public int id()
    {
        return id;
    }

    void id(final int id)
    {
        this.id = id;
    }

    /** Direct children, in evaluation order. */
    public final List<Expr> children()
    {
        return children;
    }

    /**
     * Calls the visitor's method for this node's kind.
     *
     * @param visitor what to do with the node.
     */
    public abstract void accept(ExprVisitor visitor);

    /** A literal or a folded constant; always present. Booleans are held as 0/1 in {@link #longValue()}. */
    public static final class Constant extends Expr
    {
        private final double doubleValue;
        private final long longValue;

        Constant(final ValueKind kind, final double doubleValue, final long longValue, final int start, final int end)
        {
            super(kind, List.of(), start, end);
            this.doubleValue = doubleValue;
            this.longValue = longValue;
        }

        public double doubleValue()
        {
            return doubleValue;
        }

        public long longValue()
        {
            return longValue;
        }

        public boolean booleanValue()
        {
            return longValue != 0;
        }

        @Override
        public void accept(final ExprVisitor visitor)
        {
            visitor.visitConstant(this);
        }
    }

    /** A dictionary channel of the input frame. */
    public static final class InputRead extends Expr
    {
        private final int slot;
        private final String name;

        InputRead(final ValueKind kind, final int slot, final String name, final int start, final int end)
        {
            super(kind, List.of(), start, end);
            this.slot = slot;
            this.name = name;
        }

        /** The input slot the engine fills. */
        public int slot()
        {
            return slot;
        }

        public String name()
        {
            return name;
        }

        @Override
        public void accept(final ExprVisitor visitor)
        {
            visitor.visitInputRead(this);
        }
    }

    /** A channel derived earlier in the same frame. */
    public static final class DerivedRead extends Expr
    {
        private final int index;
        private final String name;

        DerivedRead(final ValueKind kind, final int index, final String name, final int start, final int end)
        {
            super(kind, List.of(), start, end);
            this.index = index;
            this.name = name;
        }

        /** The derived channel's index (its output slot). */
        public int index()
        {
            return index;
        }

        public String name()
        {
            return name;
        }

        @Override
        public void accept(final ExprVisitor visitor)
        {
            visitor.visitDerivedRead(this);
        }
    }

    /** {@code timestamp_us}: the frame's capture time; a long, always present. */
    public static final class TimestampRead extends Expr
    {
        TimestampRead(final int start, final int end)
        {
            super(ValueKind.LONG, List.of(), start, end);
        }

        @Override
        public void accept(final ExprVisitor visitor)
        {
            visitor.visitTimestampRead(this);
        }
    }

    /** Promotion of a long operand to double. */
    public static final class ToDouble extends Expr
    {
        private final Expr operand;

        ToDouble(final Expr operand)
        {
            super(ValueKind.DOUBLE, List.of(operand), operand.start(), operand.end());
            this.operand = operand;
        }

        public Expr operand()
        {
            return operand;
        }

        @Override
        public void accept(final ExprVisitor visitor)
        {
            visitor.visitToDouble(this);
        }
    }

    /** {@code -x} (long or double) or {@code not x} (boolean). */
    public static final class Unary extends Expr
    {
        private final Operator operator;
        private final Expr operand;

        Unary(final Operator operator, final Expr operand, final int start, final int end)
        {
            super(operand.kind(), List.of(operand), start, end);
            this.operator = operator;
            this.operand = operand;
        }

        public Operator operator()
        {
            return operator;
        }

        public Expr operand()
        {
            return operand;
        }

        @Override
        public void accept(final ExprVisitor visitor)
        {
            visitor.visitUnary(this);
        }
    }

    /**
     * A binary operator. Both operands have the same kind ({@link #operandKind()}). A long remainder by zero is
     * absent; {@code and} / {@code or} evaluate both sides and are absent when either is.
     */
    public static final class Binary extends Expr
    {
        private final Operator operator;
        private final Expr left;
        private final Expr right;

        Binary(final ValueKind kind, final Operator operator, final Expr left, final Expr right, final int start,
            final int end)
        {
            super(kind, List.of(left, right), start, end);
            this.operator = operator;
            this.left = left;
            this.right = right;
        }

        public Operator operator()
        {
            return operator;
        }

        public Expr left()
        {
            return left;
        }

        public Expr right()
        {
            return right;
        }

        public ValueKind operandKind()
        {
            return left.kind();
        }

        @Override
        public void accept(final ExprVisitor visitor)
        {
            visitor.visitBinary(this);
        }
    }

    /**
     * {@code c ? a : b}: absent when c is absent, otherwise the chosen branch (the other branch's absence does not
     * matter).
     */
    public static final class Conditional extends Expr
    {
        private final Expr condition;
        private final Expr whenTrue;
        private final Expr whenFalse;

        Conditional(final Expr condition, final Expr whenTrue, final Expr whenFalse, final int start, final int end)
        {
            super(whenTrue.kind(), List.of(condition, whenTrue, whenFalse), start, end);
            this.condition = condition;
            this.whenTrue = whenTrue;
            this.whenFalse = whenFalse;
        }

        public Expr condition()
        {
            return condition;
        }

        public Expr whenTrue()
        {
            return whenTrue;
        }

        public Expr whenFalse()
        {
            return whenFalse;
        }

        @Override
        public void accept(final ExprVisitor visitor)
        {
            visitor.visitConditional(this);
        }
    }

    /** A pure function; {@code idiv} by zero is absent. */
    public static final class Call extends Expr
    {
        private final PureFunction function;
        private final List<Expr> arguments;

        Call(final PureFunction function, final List<Expr> arguments, final int start, final int end)
        {
            super(function.result(), List.copyOf(arguments), start, end);
            this.function = function;
            this.arguments = children();
        }

        public PureFunction function()
        {
            return function;
        }

        public List<Expr> arguments()
        {
            return arguments;
        }

        @Override
        public void accept(final ExprVisitor visitor)
        {
            visitor.visitCall(this);
        }
    }

    /** {@code default(x, v)}: x when present, else v (absent only when both are). */
    public static final class Default extends Expr
    {
        private final Expr value;
        private final Expr fallback;

        Default(final Expr value, final Expr fallback, final int start, final int end)
        {
            super(value.kind(), List.of(value, fallback), start, end);
            this.value = value;
            this.fallback = fallback;
        }

        public Expr value()
        {
            return value;
        }

        public Expr fallback()
        {
            return fallback;
        }

        @Override
        public void accept(final ExprVisitor visitor)
        {
            visitor.visitDefault(this);
        }
    }

    /**
     * A time function with state. Its argument is evaluated and the state updated on every frame that reaches the
     * step, before the rest of the step's expression, whatever the surrounding conditionals decide.
     */
    public static final class TimeCall extends Expr
    {
        private final TimeFunction function;
        private final Expr argument;
        private final double parameter;
        private final int stateIndex;

        TimeCall(final ValueKind kind, final TimeFunction function, final Expr argument, final double parameter,
            final int stateIndex, final int start, final int end)
        {
            super(kind, List.of(argument), start, end);
            this.function = function;
            this.argument = argument;
            this.parameter = parameter;
            this.stateIndex = stateIndex;
        }

        public TimeFunction function()
        {
            return function;
        }

        public Expr argument()
        {
            return argument;
        }

        /** {@code alpha} of ema, {@code n} of mean, 0 otherwise. */
        public double parameter()
        {
            return parameter;
        }

        /** Index of this call's state object in the program. */
        public int stateIndex()
        {
            return stateIndex;
        }

        @Override
        public void accept(final ExprVisitor visitor)
        {
            visitor.visitTimeCall(this);
        }
    }
}
