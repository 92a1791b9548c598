package io.pitgun.manifest.interpreter;

import io.pitgun.manifest.formula.Expr;
import io.pitgun.manifest.formula.Operator;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.formula.PureFunction;
import io.pitgun.manifest.formula.Semantics;
import io.pitgun.manifest.runtime.FormulaState;
import io.pitgun.manifest.runtime.FrameProgram;
import io.pitgun.manifest.runtime.FrameValues;
import io.pitgun.manifest.runtime.ValueKind;

import java.util.List;

/**
 * The reference interpreter: the definition of what a program computes, written for clarity. It walks the typed
 * tree of each step, keeping one register (presence + value) per node, so it allocates nothing per frame either.
 * Booleans are held as 0/1 in the long registers.
 *
 * <p>Per step: first every time-function call is evaluated, innermost first (its argument evaluated, its state
 * updated), then the expression itself, where a time call just reads its register.
 */
public final class Interpreter implements FrameProgram
{
    private final ProgramPlan plan;
    private final FormulaState[] states;
    private final boolean[] present;
    private final double[] doubles;
    private final long[] longs;
    private final boolean[] derivedPresent;
    private final double[] derivedDoubles;
    private final long[] derivedLongs;
    /** Per derived channel, whether it is f32 (narrowed when written): read per frame, so not through the plan's list. */
    private final boolean[] narrowsToFloat;
    /**
     * Each node's kind, by node id, recorded once by a visitor ({@link NodeKinds}): the hot loop switches on it to
     * this class's own evaluate methods. Measured (FormulaBenchmark, same run): evaluating through
     * {@code Expr.accept} into a visitor object made the interpreted formulas 13-28 % slower; this is as fast as
     * before the visitor existed.
     */
    private final byte[] nodeKinds;
    private FrameValues in;

    /** An interpreter with fresh state. */
    public Interpreter(final ProgramPlan plan)
    {
        this.plan = plan;
        this.states = plan.newStates();
        this.present = new boolean[plan.nodeCount()];
        this.doubles = new double[plan.nodeCount()];
        this.longs = new long[plan.nodeCount()];
        final int derivedCount = plan.derived().size();
        this.derivedPresent = new boolean[derivedCount];
        this.derivedDoubles = new double[derivedCount];
        this.derivedLongs = new long[derivedCount];
        this.narrowsToFloat = new boolean[derivedCount];
        for (final ProgramPlan.Derived derived : plan.derived())
        {
            narrowsToFloat[derived.index()] = derived.narrowsToFloat();
        }
        this.nodeKinds = NodeKinds.of(plan);
    }

    @Override
    public boolean onFrame(final FrameValues in, final FrameValues out)
    {
        this.in = in;
        java.util.Arrays.fill(derivedPresent, false);
        final List<ProgramPlan.Step> steps = plan.steps();
        for (int s = 0, count = steps.size(); s < count; s++)
        {
            final ProgramPlan.Step step = steps.get(s);
            final List<Expr.TimeCall> timeCalls = step.timeCalls();
            for (int t = 0, calls = timeCalls.size(); t < calls; t++)
            {
                updateTimeCall(timeCalls.get(t));
            }
            final Expr expr = step.expr();
            evaluate(expr);
            final int id = expr.id();
            if (step instanceof ProgramPlan.Where)
            {
                if (!(present[id] && longs[id] != 0))
                {
                    return false;
                }
                continue;
            }
            final int index = ((ProgramPlan.Derive)step).derivedIndex();
            derivedPresent[index] = present[id];
            derivedDoubles[index] = doubles[id];
            derivedLongs[index] = longs[id];
            if (!present[id])
            {
                out.putAbsent(index);
            }
            else if (expr.kind() == ValueKind.LONG && !plan.derived().get(index).holds(longs[id]))
            {
                derivedPresent[index] = false; // later formulas read the channel as the output has it: absent
                out.putOutOfType(index);
            }
            else if (expr.kind() == ValueKind.DOUBLE)
            {
                if (narrowsToFloat[index])
                {
                    derivedDoubles[index] = (float)doubles[id]; // later formulas read what the f32 sample holds
                }
                out.putDouble(index, derivedDoubles[index]);
            }
            else if (expr.kind() == ValueKind.LONG)
            {
                out.putLong(index, longs[id]);
            }
            else
            {
                out.putBoolean(index, longs[id] != 0);
            }
        }
        return true;
    }

    @Override
    public void reset()
    {
        for (final FormulaState state : states)
        {
            state.reset();
        }
    }

    private void updateTimeCall(final Expr.TimeCall call)
    {
        final Expr argument = call.argument();
        evaluate(argument);
        final int a = argument.id();
        final int id = call.id();
        final FormulaState state = states[call.stateIndex()];
        if (argument.kind() == ValueKind.DOUBLE)
        {
            present[id] = state.onDouble(present[a], doubles[a], in.timestampUs());
        }
        else
        {
            present[id] = state.onLong(present[a], longs[a], in.timestampUs());
        }
        if (call.kind() == ValueKind.DOUBLE)
        {
            doubles[id] = state.doubleValue();
        }
        else
        {
            longs[id] = state.longValue();
        }
    }

    private void evaluate(final Expr expr)
    {
        switch (nodeKinds[expr.id()])
        {
            case NodeKinds.CONSTANT:
                visitConstant((Expr.Constant)expr);
                break;
            case NodeKinds.INPUT_READ:
                visitInputRead((Expr.InputRead)expr);
                break;
            case NodeKinds.DERIVED_READ:
                visitDerivedRead((Expr.DerivedRead)expr);
                break;
            case NodeKinds.TIMESTAMP_READ:
                visitTimestampRead((Expr.TimestampRead)expr);
                break;
            case NodeKinds.TO_DOUBLE:
                visitToDouble((Expr.ToDouble)expr);
                break;
            case NodeKinds.UNARY:
                visitUnary((Expr.Unary)expr);
                break;
            case NodeKinds.BINARY:
                visitBinary((Expr.Binary)expr);
                break;
            case NodeKinds.CONDITIONAL:
                visitConditional((Expr.Conditional)expr);
                break;
            case NodeKinds.CALL:
                visitCall((Expr.Call)expr);
                break;
            case NodeKinds.DEFAULT:
                visitDefault((Expr.Default)expr);
                break;
            case NodeKinds.TIME_CALL:
                visitTimeCall((Expr.TimeCall)expr);
                break;
            default:
                throw new IllegalStateException("node " + expr.id() + " was not recorded by NodeKinds");
        }
    }

    // What each kind of node computes into its register; children are evaluated first, as the node needs them.
    private void visitConstant(final Expr.Constant constant)
    {
        final int id = constant.id();
        present[id] = true;
        doubles[id] = constant.doubleValue();
        longs[id] = constant.longValue();
    }

    private void visitInputRead(final Expr.InputRead read)
    {
        final int id = read.id();
        final int slot = read.slot();
        present[id] = in.isPresent(slot);
        if (read.kind() == ValueKind.DOUBLE)
        {
            doubles[id] = in.doubleValue(slot);
        }
        else
        {
            longs[id] = in.longValue(slot);
        }
    }

    private void visitDerivedRead(final Expr.DerivedRead read)
    {
        final int id = read.id();
        final int index = read.index();
        present[id] = derivedPresent[index];
        doubles[id] = derivedDoubles[index];
        longs[id] = derivedLongs[index];
    }

    private void visitTimestampRead(final Expr.TimestampRead read)
    {
        present[read.id()] = true;
        longs[read.id()] = in.timestampUs();
    }

    private void visitToDouble(final Expr.ToDouble toDouble)
    {
        final Expr operand = toDouble.operand();
        evaluate(operand);
        present[toDouble.id()] = present[operand.id()];
        doubles[toDouble.id()] = (double)longs[operand.id()];
    }

    private void visitUnary(final Expr.Unary unary)
    {
        final Expr operand = unary.operand();
        evaluate(operand);
        final int id = unary.id();
        final int o = operand.id();
        present[id] = present[o];
        if (unary.operator() == Operator.NOT)
        {
            longs[id] = longs[o] != 0 ? 0 : 1;
        }
        else if (unary.kind() == ValueKind.LONG)
        {
            longs[id] = -longs[o];
        }
        else
        {
            doubles[id] = -doubles[o];
        }
    }

    private void visitBinary(final Expr.Binary binary)
    {
        final Expr left = binary.left();
        final Expr right = binary.right();
        evaluate(left);
        evaluate(right);
        final int id = binary.id();
        final int l = left.id();
        final int r = right.id();
        final Operator operator = binary.operator();
        final ValueKind operandKind = binary.operandKind();
        boolean isPresent = present[l] && present[r];
        if (operandKind == ValueKind.LONG && operator == Operator.REMAINDER && longs[r] == 0)
        {
            isPresent = false;
        }
        present[id] = isPresent;
        if (!isPresent)
        {
            return;
        }
        if (operandKind == ValueKind.BOOLEAN)
        {
            longs[id] = Semantics.logic(operator, longs[l] != 0, longs[r] != 0) ? 1 : 0;
        }
        else if (operator.isComparison())
        {
            final boolean result = operandKind == ValueKind.LONG ?
                Semantics.compare(operator, longs[l], longs[r]) : Semantics.compare(operator, doubles[l], doubles[r]);
            longs[id] = result ? 1 : 0;
        }
        else if (operandKind == ValueKind.LONG)
        {
            longs[id] = Semantics.arithmetic(operator, longs[l], longs[r]);
        }
        else
        {
            doubles[id] = Semantics.arithmetic(operator, doubles[l], doubles[r]);
        }
    }

    private void visitConditional(final Expr.Conditional conditional)
    {
        final Expr condition = conditional.condition();
        evaluate(condition);
        final int id = conditional.id();
        if (!present[condition.id()])
        {
            present[id] = false;
            return;
        }
        final Expr chosen = longs[condition.id()] != 0 ? conditional.whenTrue() : conditional.whenFalse();
        evaluate(chosen);
        copy(chosen.id(), id);
    }

    private void visitCall(final Expr.Call call)
    {
        final List<Expr> arguments = call.arguments();
        boolean isPresent = true;
        for (int i = 0, count = arguments.size(); i < count; i++)
        {
            final Expr argument = arguments.get(i);
            evaluate(argument);
            isPresent &= present[argument.id()];
        }
        final PureFunction function = call.function();
        final int id = call.id();
        final int a = arguments.get(0).id();
        final int b = arguments.size() > 1 ? arguments.get(1).id() : a;
        final int c = arguments.size() > 2 ? arguments.get(2).id() : a;
        if (function == PureFunction.IDIV && longs[b] == 0)
        {
            isPresent = false;
        }
        present[id] = isPresent;
        if (!isPresent)
        {
            return;
        }
        if (function == PureFunction.ROUND_DOUBLE)
        {
            longs[id] = Semantics.round(doubles[a]);
        }
        else if (function.result() == ValueKind.LONG)
        {
            longs[id] = Semantics.callLong(function, longs[a], longs[b], longs[c]);
        }
        else
        {
            doubles[id] = Semantics.callDouble(function, doubles[a], doubles[b], doubles[c]);
        }
    }

    private void visitDefault(final Expr.Default defaultOf)
    {
        final Expr value = defaultOf.value();
        final Expr fallback = defaultOf.fallback();
        evaluate(value);
        evaluate(fallback);
        final Expr chosen = present[value.id()] ? value : fallback;
        copy(chosen.id(), defaultOf.id());
    }

    private void visitTimeCall(final Expr.TimeCall call)
    {
        // its register was filled before the step's expression ran
    }

    private void copy(final int from, final int to)
    {
        present[to] = present[from];
        doubles[to] = doubles[from];
        longs[to] = longs[from];
    }
}
