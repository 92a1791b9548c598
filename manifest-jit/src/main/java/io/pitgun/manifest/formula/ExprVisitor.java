package io.pitgun.manifest.formula;

/**
 * One callback per kind of {@link Expr} node, called by {@link Expr#accept}: the one place that tells node kinds
 * apart, so the bytecode compiler says what each node emits and the reference interpreter records each node's kind
 * once ({@code NodeKinds}) rather than testing what it is per frame. A visitor decides itself whether and in which order to visit a node's children. Because {@code Expr}
 * is sealed, a new kind of node adds a method here and every visitor fails to compile until it handles it.
 */
public interface ExprVisitor
{
    /** @param constant a literal or folded constant. */
    void visitConstant(Expr.Constant constant);

    /** @param read a read of an input channel's slot. */
    void visitInputRead(Expr.InputRead read);

    /** @param read a read of a derived channel computed earlier in the program. */
    void visitDerivedRead(Expr.DerivedRead read);

    /** @param read a read of the frame's timestamp. */
    void visitTimestampRead(Expr.TimestampRead read);

    /** @param toDouble an implicit long-to-double promotion. */
    void visitToDouble(Expr.ToDouble toDouble);

    /** @param unary a unary operator. */
    void visitUnary(Expr.Unary unary);

    /** @param binary a binary operator. */
    void visitBinary(Expr.Binary binary);

    /** @param conditional {@code if(condition, whenTrue, whenFalse)}. */
    void visitConditional(Expr.Conditional conditional);

    /** @param call a call of a pure function. */
    void visitCall(Expr.Call call);

    /** @param defaultOf {@code default(value, fallback)}. */
    void visitDefault(Expr.Default defaultOf);

    /** @param call a call of a time function, whose state is updated before the step's expression runs. */
    void visitTimeCall(Expr.TimeCall call);
}
