package io.pitgun.manifest.formula;

import java.util.List;

/**
 * The untyped syntax tree the parser builds. Every node keeps the character range it was parsed from, so type
 * errors can point at the exact operand.
 */
public sealed interface Syntax
{
    /** Offset of the node's first character in the formula text. */
    int start();

    /** Offset just after the node's last character. */
    int end();

    /** An integer literal such as {@code 9549}. */
    record IntegerLiteral(long value, int start, int end) implements Syntax
    {
    }

    /** A decimal literal such as {@code 9549.0} or {@code 1e-3}. */
    record DecimalLiteral(double value, int start, int end) implements Syntax
    {
    }

    /** {@code true} or {@code false}. */
    record BooleanLiteral(boolean value, int start, int end) implements Syntax
    {
    }

    /** A channel name, or {@code timestamp_us}. */
    record Name(String name, int start, int end) implements Syntax
    {
    }

    /** {@code -x} or {@code not x}. */
    record Unary(Operator operator, Syntax operand, int start, int end) implements Syntax
    {
    }

    /** {@code left op right}; opStart/opEnd locate the operator. */
    record Binary(Operator operator, Syntax left, Syntax right, int opStart, int opEnd) implements Syntax
    {
        @Override
        public int start()
        {
            return left.start();
        }

        @Override
        public int end()
        {
            return right.end();
        }
    }

    /** {@code condition ? whenTrue : whenFalse}. */
    record Conditional(Syntax condition, Syntax whenTrue, Syntax whenFalse) implements Syntax
    {
        @Override
        public int start()
        {
            return condition.start();
        }

        @Override
        public int end()
        {
            return whenFalse.end();
        }
    }

    /** {@code function(arguments...)}; nameEnd ends the function name. */
    record Call(String function, List<Syntax> arguments, int start, int nameEnd, int end) implements Syntax
    {
    }
}
