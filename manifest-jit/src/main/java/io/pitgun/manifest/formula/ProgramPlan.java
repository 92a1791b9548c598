package io.pitgun.manifest.formula;

import io.pitgun.manifest.runtime.DeltaState;
import io.pitgun.manifest.runtime.DerivativeState;
import io.pitgun.manifest.runtime.EmaState;
import io.pitgun.manifest.runtime.FormulaState;
import io.pitgun.manifest.runtime.HoldState;
import io.pitgun.manifest.runtime.IntegralState;
import io.pitgun.manifest.runtime.MeanState;
import io.pitgun.manifest.runtime.PrevState;
import io.pitgun.manifest.runtime.ValueKind;

import java.util.ArrayList;
import java.util.List;

/**
 * What a program does per frame, independent of how it is executed: its input slots, its derived channels and the
 * ordered steps (derive a channel, or drop the frame unless a predicate holds). The {@code Interpreter} walks it;
 * the {@code BytecodeCompiler} translates it; both must agree bit for bit.
 */
public final class ProgramPlan
{
    /** An input channel read by the program, in input slot {@code slot}. */
    public record Input(int slot, String name, int parameterId, ValueKind kind)
    {
    }

    /**
     * A derived channel, written to output slot {@code index}. A {@link ValueKind#LONG} channel holds only values in
     * [{@code min}, {@code max}], its declared data type's range ({@code u8}: 0 to 255): a value outside it makes the
     * channel absent in that frame ({@link io.pitgun.manifest.runtime.FrameValues#putOutOfType}), for the output and for every later formula
     * that reads it, since a sample carries only what its type holds. Other kinds ignore the bounds. A
     * {@link ValueKind#DOUBLE} channel of data type {@code f32} ({@code narrowsToFloat}) is narrowed to the nearest
     * float when written, for the same reason.
     */
    public record Derived(int index, String name, ValueKind kind, long min, long max, boolean narrowsToFloat)
    {
        /** A channel without the {@code f32} narrowing ({@link #narrowsToFloat}). */
        public Derived(final int index, final String name, final ValueKind kind, final long min, final long max)
        {
            this(index, name, kind, min, max, false);
        }

        /** True when a long value of this channel must be checked against [{@link #min}, {@link #max}]. */
        public boolean isBounded()
        {
            return kind == ValueKind.LONG && (min != Long.MIN_VALUE || max != Long.MAX_VALUE);
        }

        /** True when the channel holds {@code value}: always for unbounded channels. */
        public boolean holds(final long value)
        {
            return value >= min && value <= max;
        }
    }

    /** One step of the per-frame work. */
    public sealed interface Step
    {
        /** The step's expression. */
        Expr expr();

        /** The time-function calls in the expression, innermost first: evaluated before the expression. */
        List<Expr.TimeCall> timeCalls();
    }

    /** Computes derived channel {@code derivedIndex}. */
    public record Derive(int derivedIndex, Expr expr, List<Expr.TimeCall> timeCalls) implements Step
    {
    }

    /** Drops the frame unless the predicate is present and true. */
    public record Where(Expr expr, List<Expr.TimeCall> timeCalls) implements Step
    {
    }

    private final List<Input> inputs;
    private final List<Derived> derived;
    private final List<Step> steps;
    private final List<Expr.TimeCall> timeCalls;
    private final int nodeCount;

    private ProgramPlan(final List<Input> inputs, final List<Derived> derived, final List<Step> steps,
        final List<Expr.TimeCall> timeCalls, final int nodeCount)
    {
        this.inputs = List.copyOf(inputs);
        this.derived = List.copyOf(derived);
        this.steps = List.copyOf(steps);
        this.timeCalls = List.copyOf(timeCalls);
        this.nodeCount = nodeCount;
    }

    public List<Input> inputs()
    {
        return inputs;
    }

    public List<Derived> derived()
    {
        return derived;
    }

    public List<Step> steps()
    {
        return steps;
    }

    /** All time-function calls, in state-index order. */
    public List<Expr.TimeCall> timeCalls()
    {
        return timeCalls;
    }

    /** Number of expression nodes; ids run from 0 to nodeCount - 1. */
    public int nodeCount()
    {
        return nodeCount;
    }

    /** Fresh state objects for one program instance, indexed by {@link Expr.TimeCall#stateIndex()}. */
    public FormulaState[] newStates()
    {
        final FormulaState[] states = new FormulaState[timeCalls.size()];
        for (final Expr.TimeCall call : timeCalls)
        {
            states[call.stateIndex()] = newState(call);
        }
        return states;
    }

    /** The state class a time function uses. */
    public static Class<? extends FormulaState> stateClass(final TimeFunction function)
    {
        switch (function)
        {
            case PREV: return PrevState.class;
            case DELTA: return DeltaState.class;
            case DERIVATIVE: return DerivativeState.class;
            case INTEGRAL: return IntegralState.class;
            case EMA: return EmaState.class;
            case MEAN: return MeanState.class;
            default: return HoldState.class;
        }
    }

    private static FormulaState newState(final Expr.TimeCall call)
    {
        switch (call.function())
        {
            case PREV: return new PrevState();
            case DELTA: return new DeltaState();
            case DERIVATIVE: return new DerivativeState();
            case INTEGRAL: return new IntegralState();
            case EMA: return new EmaState(call.parameter());
            case MEAN: return new MeanState((int)call.parameter());
            default: return new HoldState();
        }
    }

    /** Collects inputs, derived channels and steps in execution order. */
    public static final class Builder
    {
        private final List<Input> inputs = new ArrayList<>();
        private final List<Derived> derived = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();

        /** Adds an input channel and returns its slot. */
        public int addInput(final String name, final int parameterId, final ValueKind kind)
        {
            inputs.add(new Input(inputs.size(), name, parameterId, kind));
            return inputs.size() - 1;
        }

        /** Declares a derived channel that holds any value of its kind and returns its index. */
        public int addDerived(final String name, final ValueKind kind)
        {
            return addDerived(name, kind, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        /**
         * Declares a derived channel and returns its index; a {@link ValueKind#LONG} one holds only values in
         * [{@code min}, {@code max}] ({@link Derived}).
         */
        public int addDerived(final String name, final ValueKind kind, final long min, final long max)
        {
            derived.add(new Derived(derived.size(), name, kind, min, max));
            return derived.size() - 1;
        }

        /**
         * Declares a {@link ValueKind#DOUBLE} derived channel of data type {@code f32} and returns its index: its value
         * is narrowed to the nearest float when it is written, for the output and for every later formula that reads
         * it, since the sample carries only a float ({@link Derived#narrowsToFloat}).
         */
        public int addFloatDerived(final String name)
        {
            derived.add(new Derived(derived.size(), name, ValueKind.DOUBLE, Long.MIN_VALUE, Long.MAX_VALUE, true));
            return derived.size() - 1;
        }

        /** Appends the step computing a declared derived channel. */
        public Builder derive(final int derivedIndex, final Expr expr)
        {
            steps.add(new Derive(derivedIndex, expr, timeCallsOf(expr)));
            return this;
        }

        /** Appends a {@code where} filter step. */
        public Builder where(final Expr predicate)
        {
            steps.add(new Where(predicate, timeCallsOf(predicate)));
            return this;
        }

        /** Numbers the nodes and freezes the plan; {@code binder} must be the one that bound every expression. */
        public ProgramPlan build(final Binder binder)
        {
            int next = 0;
            for (final Step step : steps)
            {
                next = number(step.expr(), next);
            }
            return new ProgramPlan(inputs, derived, steps, binder.timeCalls(), next);
        }

        private static int number(final Expr expr, final int next)
        {
            int id = next;
            for (final Expr child : expr.children())
            {
                id = number(child, id);
            }
            expr.id(id);
            return id + 1;
        }

        private static List<Expr.TimeCall> timeCallsOf(final Expr expr)
        {
            final List<Expr.TimeCall> calls = new ArrayList<>();
            collect(expr, calls);
            return calls;
        }

        private static void collect(final Expr expr, final List<Expr.TimeCall> calls)
        {
            for (final Expr child : expr.children())
            {
                collect(child, calls);
            }
            if (expr instanceof Expr.TimeCall)
            {
                calls.add((Expr.TimeCall)expr);
            }
        }
    }
}
