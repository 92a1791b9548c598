package io.pitgun.manifest.interpreter;

import io.pitgun.manifest.formula.Expr;
import io.pitgun.manifest.formula.ExprVisitor;
import io.pitgun.manifest.formula.ProgramPlan;

/**
 * Records, once per program, the kind of every node by its id, through the {@link ExprVisitor}: the visitor stays
 * the one place that tells node classes apart, and {@link Interpreter}'s hot loop reads a byte instead of calling
 * {@code Expr.accept} at a call site too polymorphic to inline. Cold path.
 */
final class NodeKinds implements ExprVisitor
{
    static final byte CONSTANT = 0;
    static final byte INPUT_READ = 1;
    static final byte DERIVED_READ = 2;
    static final byte TIMESTAMP_READ = 3;
    static final byte TO_DOUBLE = 4;
    static final byte UNARY = 5;
    static final byte BINARY = 6;
    static final byte CONDITIONAL = 7;
    static final byte CALL = 8;
    static final byte DEFAULT = 9;
    static final byte TIME_CALL = 10;

    private final byte[] kinds;

    private NodeKinds(final int nodeCount)
    {
        kinds = new byte[nodeCount];
    }

    /** The kind of each node of {@code plan}, indexed by node id. */
    static byte[] of(final ProgramPlan plan)
    {
        final NodeKinds recorder = new NodeKinds(plan.nodeCount());
        for (final ProgramPlan.Step step : plan.steps())
        {
            recorder.record(step.expr());
            for (final Expr.TimeCall call : step.timeCalls())
            {
                recorder.record(call);
            }
        }
        return recorder.kinds;
    }

    private void record(final Expr expr)
    {
        expr.accept(this);
        for (final Expr child : expr.children())
        {
            record(child);
        }
    }

    @Override
    public void visitConstant(final Expr.Constant constant)
    {
        kinds[constant.id()] = CONSTANT;
    }

    @Override
    public void visitInputRead(final Expr.InputRead read)
    {
        kinds[read.id()] = INPUT_READ;
    }

    @Override
    public void visitDerivedRead(final Expr.DerivedRead read)
    {
        kinds[read.id()] = DERIVED_READ;
    }

    @Override
    public void visitTimestampRead(final Expr.TimestampRead read)
    {
        kinds[read.id()] = TIMESTAMP_READ;
    }

    @Override
    public void visitToDouble(final Expr.ToDouble toDouble)
    {
        kinds[toDouble.id()] = TO_DOUBLE;
    }

    @Override
    public void visitUnary(final Expr.Unary unary)
    {
        kinds[unary.id()] = UNARY;
    }

    @Override
    public void visitBinary(final Expr.Binary binary)
    {
        kinds[binary.id()] = BINARY;
    }

    @Override
    public void visitConditional(final Expr.Conditional conditional)
    {
        kinds[conditional.id()] = CONDITIONAL;
    }

    @Override
    public void visitCall(final Expr.Call call)
    {
        kinds[call.id()] = CALL;
    }

    @Override
    public void visitDefault(final Expr.Default defaultOf)
    {
        kinds[defaultOf.id()] = DEFAULT;
    }

    @Override
    public void visitTimeCall(final Expr.TimeCall call)
    {
        kinds[call.id()] = TIME_CALL;
    }
}
