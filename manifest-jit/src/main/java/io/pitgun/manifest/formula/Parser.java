package io.pitgun.manifest.formula;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser of the formula language. Precedence, loosest first:
 * {@code ?:} (right-associative), {@code or ||}, {@code and &&}, {@code not !}, comparisons (not chainable),
 * {@code + -}, {@code * / %}, unary {@code -}, {@code ^} (right-associative, so {@code -2^2} is -4).
 * A {@code not} in operand position ({@code a == not b}) applies to that operand only.
 */
public final class Parser
{
    /**
     * Bounds the parser's recursion (and so its stack), counted in what the text nests: each pair of parentheses,
     * call, unary operator, {@code ^} and {@code ?:} branch is one level. Left-associative binary operators are parsed
     * in loops and cost no level.
     */
    private static final int MAX_DEPTH = 200;
    /**
     * Bounds the depth of the syntax tree, which every later pass (binding, folding, the compiler, the interpreter's
     * setup) walks recursively: a chain of left-associative operators ({@code Speed + 1 + 1 + ...}) makes a tree as deep
     * as it is long though the parser reads it in a loop. 4,090 terms, within the length limit, overflowed a 1 MiB
     * thread stack in the binder; 1,500 to 3,000 did or did not, as the JIT had compiled the walk, and 1,000 did on a
     * test's thread before any of it was compiled. Counted as the levels above plus each operator of the chains on
     * the way; 256 leaves a margin of four on a 1 MiB stack.
     */
    static final int MAX_TREE_DEPTH = 256;
    /** The magnitude of Long.MIN_VALUE, the one integer that fits in a long only negated. */
    private static final BigInteger LONG_MIN_MAGNITUDE = BigInteger.valueOf(Long.MIN_VALUE).negate();

    private final List<Token> tokens;
    private int index;
    private int depth;
    /** Operators of the left-associative chains being parsed on the current path ({@link #MAX_TREE_DEPTH}). */
    private int chained;

    private Parser(final List<Token> tokens)
    {
        this.tokens = tokens;
    }

    /**
     * Parses one formula.
     *
     * @throws FormulaException at the first syntax error.
     */
    public static Syntax parse(final String text) throws FormulaException
    {
        if (text.isBlank())
        {
            throw new FormulaException("the formula is empty", 0, text.length());
        }
        final Parser parser = new Parser(Lexer.tokenize(text));
        final Syntax syntax = parser.conditional();
        final Token last = parser.peek();
        if (last.kind() != TokenKind.END)
        {
            throw new FormulaException("unexpected " + last.describe() + " after a complete expression" +
                (last.kind() == TokenKind.IDENTIFIER || last.kind() == TokenKind.INTEGER ||
                last.kind() == TokenKind.DECIMAL || last.kind() == TokenKind.LEFT_PAREN ? " (missing operator?)" : ""),
                last.start(), last.end());
        }
        return syntax;
    }

    private Syntax conditional() throws FormulaException
    {
        final Syntax condition = or();
        if (peek().kind() != TokenKind.QUESTION)
        {
            return condition;
        }
        index++;
        enter();
        final Syntax whenTrue = conditional();
        expect(TokenKind.COLON, "':' of the conditional 'condition ? a : b'");
        final Syntax whenFalse = conditional();
        leave();
        return new Syntax.Conditional(condition, whenTrue, whenFalse);
    }

    private Syntax or() throws FormulaException
    {
        Syntax left = and();
        final int chainStart = chained;
        while (peek().kind() == TokenKind.OR)
        {
            final Token op = tokens.get(index++);
            chain(op);
            left = new Syntax.Binary(Operator.OR, left, and(), op.start(), op.end());
        }
        chained = chainStart;
        return left;
    }

    private Syntax and() throws FormulaException
    {
        Syntax left = not();
        final int chainStart = chained;
        while (peek().kind() == TokenKind.AND)
        {
            final Token op = tokens.get(index++);
            chain(op);
            left = new Syntax.Binary(Operator.AND, left, not(), op.start(), op.end());
        }
        chained = chainStart;
        return left;
    }

    private Syntax not() throws FormulaException
    {
        if (peek().kind() == TokenKind.NOT)
        {
            final Token op = tokens.get(index++);
            enter();
            final Syntax operand = not();
            leave();
            return new Syntax.Unary(Operator.NOT, operand, op.start(), operand.end());
        }
        return comparison();
    }

    private Syntax comparison() throws FormulaException
    {
        final Syntax left = additive();
        final Operator operator = comparisonOperator(peek().kind());
        if (operator == null)
        {
            return left;
        }
        final Token op = tokens.get(index++);
        final Syntax right = additive();
        final Token after = peek();
        if (comparisonOperator(after.kind()) != null)
        {
            throw new FormulaException("comparisons cannot be chained; write 'a < b and b < c'",
                after.start(), after.end());
        }
        return new Syntax.Binary(operator, left, right, op.start(), op.end());
    }

    private Syntax additive() throws FormulaException
    {
        Syntax left = multiplicative();
        final int chainStart = chained;
        while (peek().kind() == TokenKind.PLUS || peek().kind() == TokenKind.MINUS)
        {
            final Token op = tokens.get(index++);
            chain(op);
            final Operator operator = op.kind() == TokenKind.PLUS ? Operator.ADD : Operator.SUBTRACT;
            left = new Syntax.Binary(operator, left, multiplicative(), op.start(), op.end());
        }
        chained = chainStart;
        return left;
    }

    private Syntax multiplicative() throws FormulaException
    {
        Syntax left = unary();
        final int chainStart = chained;
        while (true)
        {
            final TokenKind kind = peek().kind();
            final Operator operator = kind == TokenKind.STAR ? Operator.MULTIPLY :
                kind == TokenKind.SLASH ? Operator.DIVIDE : kind == TokenKind.PERCENT ? Operator.REMAINDER : null;
            if (operator == null)
            {
                chained = chainStart;
                return left;
            }
            final Token op = tokens.get(index++);
            chain(op);
            left = new Syntax.Binary(operator, left, unary(), op.start(), op.end());
        }
    }

    private Syntax unary() throws FormulaException
    {
        if (peek().kind() == TokenKind.NOT)
        {
            // in operand position ('a == not b') a negation binds to the operand alone
            final Token op = tokens.get(index++);
            enter();
            final Syntax operand = unary();
            leave();
            return new Syntax.Unary(Operator.NOT, operand, op.start(), operand.end());
        }
        if (peek().kind() == TokenKind.MINUS)
        {
            final Token op = tokens.get(index++);
            if (isLongMinMagnitude())
            {
                // 9223372036854775808 alone does not fit in a long, but negated it is Long.MIN_VALUE: without this
                // case every long but that one could be written
                final Token digits = tokens.get(index++);
                return new Syntax.IntegerLiteral(Long.MIN_VALUE, op.start(), digits.end());
            }
            enter();
            final Syntax operand = unary();
            leave();
            return new Syntax.Unary(Operator.NEGATE, operand, op.start(), operand.end());
        }
        if (peek().kind() == TokenKind.PLUS)
        {
            index++;
            return unary();
        }
        return power();
    }

    /**
     * Whether the next token is the integer 9223372036854775808 (2^63) and the minus before it applies to it alone:
     * not when a '^' follows, since '-2^2' is -(2^2).
     */
    private boolean isLongMinMagnitude()
    {
        final Token next = peek();
        if (next.kind() != TokenKind.INTEGER || tokens.get(index + 1).kind() == TokenKind.CARET)
        {
            return false;
        }
        try
        {
            Long.parseLong(next.text());
            return false;
        }
        catch (final NumberFormatException tooLarge)
        {
            return LONG_MIN_MAGNITUDE.equals(new BigInteger(next.text()));
        }
    }

    private Syntax power() throws FormulaException
    {
        final Syntax base = primary();
        if (peek().kind() != TokenKind.CARET)
        {
            return base;
        }
        final Token op = tokens.get(index++);
        enter();
        final Syntax exponent = unary();
        leave();
        return new Syntax.Binary(Operator.POWER, base, exponent, op.start(), op.end());
    }

    private Syntax primary() throws FormulaException
    {
        final Token token = tokens.get(index);
        switch (token.kind())
        {
            case INTEGER:
                index++;
                try
                {
                    return new Syntax.IntegerLiteral(Long.parseLong(token.text()), token.start(), token.end());
                }
                catch (final NumberFormatException ex)
                {
                    throw new FormulaException("integer " + token.text() + " does not fit in a long; write " +
                        token.text() + ".0 for a double", token.start(), token.end());
                }
            case DECIMAL:
                index++;
                return new Syntax.DecimalLiteral(Double.parseDouble(token.text()), token.start(), token.end());
            case TRUE:
            case FALSE:
                index++;
                return new Syntax.BooleanLiteral(token.kind() == TokenKind.TRUE, token.start(), token.end());
            case IDENTIFIER:
                index++;
                if (peek().kind() == TokenKind.LEFT_PAREN)
                {
                    return call(token);
                }
                return new Syntax.Name(token.text(), token.start(), token.end());
            case LEFT_PAREN:
                index++;
                enter();
                final Syntax inner = conditional();
                leave();
                expect(TokenKind.RIGHT_PAREN, "')' to close the '(' at offset " + token.start());
                return inner;
            default:
                throw new FormulaException("expected a number, a channel name, a function call or '(' but found " +
                    token.describe(), token.start(), token.end());
        }
    }

    private Syntax call(final Token name) throws FormulaException
    {
        index++;
        final List<Syntax> arguments = new ArrayList<>();
        if (peek().kind() != TokenKind.RIGHT_PAREN)
        {
            enter();
            do
            {
                arguments.add(conditional());
            }
            while (accept(TokenKind.COMMA));
            leave();
        }
        final Token close = expect(TokenKind.RIGHT_PAREN, "')' or ',' in the arguments of " + name.text() + "(...)");
        return new Syntax.Call(name.text(), List.copyOf(arguments), name.start(), name.end(), close.end());
    }

    private static Operator comparisonOperator(final TokenKind kind)
    {
        switch (kind)
        {
            case LESS: return Operator.LESS;
            case LESS_EQUAL: return Operator.LESS_EQUAL;
            case GREATER: return Operator.GREATER;
            case GREATER_EQUAL: return Operator.GREATER_EQUAL;
            case EQUAL: return Operator.EQUAL;
            case NOT_EQUAL: return Operator.NOT_EQUAL;
            default: return null;
        }
    }

    private Token peek()
    {
        return tokens.get(index);
    }

    private boolean accept(final TokenKind kind)
    {
        if (peek().kind() == kind)
        {
            index++;
            return true;
        }
        return false;
    }

    private Token expect(final TokenKind kind, final String what) throws FormulaException
    {
        final Token token = peek();
        if (token.kind() != kind)
        {
            throw new FormulaException("expected " + what + " but found " + token.describe(),
                token.start(), token.end());
        }
        index++;
        return token;
    }

    /** Called just after consuming the token that opens a level, which is where a too deep formula is shown. */
    private void enter() throws FormulaException
    {
        final Token token = tokens.get(index - 1);
        if (++depth > MAX_DEPTH)
        {
            throw new FormulaException("formula nests deeper than " + MAX_DEPTH + " levels (each pair of " +
                "parentheses, call, unary operator, '^' and '?:' branch is one)", token.start(), token.end());
        }
        if (depth + chained > MAX_TREE_DEPTH)
        {
            throw tooDeep(token);
        }
    }

    private void leave()
    {
        depth--;
    }

    /** One more operator of a left-associative chain ({@code op}, just consumed): one level deeper in the tree. */
    private void chain(final Token op) throws FormulaException
    {
        if (depth + ++chained > MAX_TREE_DEPTH)
        {
            throw tooDeep(op);
        }
    }

    private static FormulaException tooDeep(final Token at)
    {
        return new FormulaException("formula is deeper than " + MAX_TREE_DEPTH + " operators (a chain such as " +
            "'a + b + c + ...' is as deep as it is long): group it with parentheses, '(a + b) + (c + d)', or split " +
            "it into derived channels", at.start(), at.end());
    }
}
