package io.pitgun.manifest.formula;

/** The operators of the formula language, with the symbol used in error messages. */
public enum Operator
{
    NEGATE("-"), NOT("not"),
    ADD("+"), SUBTRACT("-"), MULTIPLY("*"), DIVIDE("/"), REMAINDER("%"), POWER("^"),
    LESS("<"), LESS_EQUAL("<="), GREATER(">"), GREATER_EQUAL(">="), EQUAL("=="), NOT_EQUAL("!="),
    AND("and"), OR("or");

    private final String symbol;

    Operator(final String symbol)
    {
        this.symbol = symbol;
    }

    /** The operator as written in a formula. */
    public String symbol()
    {
        return symbol;
    }

    /** True for {@code < <= > >= == !=}. */
    public boolean isComparison()
    {
        return ordinal() >= LESS.ordinal() && ordinal() <= NOT_EQUAL.ordinal();
    }
}
