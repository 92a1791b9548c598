package io.pitgun.manifest.compiler;

import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.manifest.formula.Binder;
import io.pitgun.manifest.formula.Expr;
import io.pitgun.manifest.formula.FormulaException;
import io.pitgun.manifest.formula.NameResolver;
import io.pitgun.manifest.formula.NameResolver.ResolvedName;
import io.pitgun.manifest.formula.Parser;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.interpreter.Interpreter;
import io.pitgun.manifest.runtime.FrameProgram;
import io.pitgun.manifest.runtime.FrameValues;
import io.pitgun.manifest.runtime.ValueKind;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The differential test: random well-typed formulas (with derived channels feeding later ones, time functions and
 * where filters) run over random frames (NaN, infinities, extreme values, absent channels, time going backwards)
 * must give bit-identical results in the reference interpreter and the compiled hidden class, frame after frame,
 * state included (and again after a reset).
 */
class CompiledMatchesInterpreterPropertyTest
{
    private static final int FRAMES = 24;
    private static final DataType[] INTEGER_TYPES = {DataType.U8, DataType.I8, DataType.U16, DataType.I16,
        DataType.U32, DataType.I32, DataType.I64};

    @Property(tries = 2000, shrinking = ShrinkingMode.OFF)
    void compiledProgramIsBitIdenticalToInterpreter(@ForAll final long seed)
    {
        final RandomProgram random = new RandomProgram(seed);
        final ProgramPlan.Builder builder = new ProgramPlan.Builder();
        final Map<String, ResolvedName> names = new HashMap<>();
        final List<ValueKind> inputKinds = new ArrayList<>();
        RandomProgram.declareInputs(builder, names, inputKinds);
        final Binder binder = new Binder();
        final NameResolver resolver = (name, start, end) ->
        {
            final ResolvedName resolved = names.get(name);
            if (resolved == null)
            {
                throw new FormulaException("unknown channel " + name, start, end);
            }
            return resolved;
        };
        final StringBuilder description = new StringBuilder("seed " + seed + ":\n");
        final int steps = 1 + random.nextInt(4);
        for (int s = 0; s < steps; s++)
        {
            final boolean where = s > 0 && random.nextInt(6) == 0;
            final ValueKind wanted = where ? ValueKind.BOOLEAN : random.randomKind();
            final String text = random.expression(wanted, 2 + random.nextInt(4));
            final Expr expr;
            try
            {
                expr = binder.bind(Parser.parse(text), resolver);
            }
            catch (final FormulaException ex)
            {
                fail("generated formula does not compile: " + text + "\n" + ex.getMessage() + " at " + ex.start());
                return;
            }
            if (where)
            {
                builder.where(expr);
                description.append("where ").append(text).append('\n');
            }
            else
            {
                final String name = "x" + s;
                // A long channel is declared with a random integer type: its out-of-type values are absent.
                final DataType type = expr.kind() == ValueKind.LONG ?
                    INTEGER_TYPES[random.nextInt(INTEGER_TYPES.length)] : null;
                // A double channel is declared f32 half the time: its values are narrowed to floats when written.
                final boolean f32 = expr.kind() == ValueKind.DOUBLE && random.nextInt(2) == 0;
                final int index = type != null ?
                    builder.addDerived(name, expr.kind(), type.minInteger(), type.maxInteger()) :
                    f32 ? builder.addFloatDerived(name) : builder.addDerived(name, expr.kind());
                builder.derive(index, expr);
                names.put(name, new ResolvedName(ResolvedName.Target.DERIVED, expr.kind(), index));
                random.addDerived(name, expr.kind());
                description.append(name).append(type == null ? f32 ? " (f32)" : "" : " (" + type.symbol() + ")")
                    .append(" = ")
                    .append(text).append('\n');
            }
        }
        final ProgramPlan plan = builder.build(binder);
        final FrameProgram interpreter = new Interpreter(plan);
        final BytecodeCompiler.CompiledClass compiledClass = BytecodeCompiler.compile(plan);
        // tryCompile's shortcut refuses a plan without generating it on this lower bound: it must hold for every plan.
        assertTrue(compiledClass.frameMethodBytes() >=
            BytecodeCompiler.nonLeafNodes(plan) * BytecodeCompiler.MIN_BYTES_PER_NODE, description.toString());
        final FrameProgram compiled = compiledClass.newProgram();
        final FrameValues in = new FrameValues(plan.inputs().size());
        final FrameValues interpretedOut = new FrameValues(plan.derived().size());
        final FrameValues compiledOut = new FrameValues(plan.derived().size());
        long timestampUs = 1_700_000_000_000_000L;
        for (int frame = 0; frame < FRAMES; frame++)
        {
            if (frame == FRAMES / 2 + 3)
            {
                interpreter.reset();
                compiled.reset();
            }
            timestampUs = random.nextTimestamp(timestampUs);
            fill(in, inputKinds, random, timestampUs);
            final boolean keptByInterpreter = interpreter.onFrame(in, interpretedOut);
            final boolean keptByCompiled = compiled.onFrame(in, compiledOut);
            final String where = description + "frame " + frame;
            assertEquals(keptByInterpreter, keptByCompiled, where + ": where filter disagrees");
            if (!keptByInterpreter)
            {
                continue;
            }
            for (final ProgramPlan.Derived derived : plan.derived())
            {
                assertSameValue(derived, interpretedOut, compiledOut, where);
            }
        }
    }

    private static void fill(final FrameValues in, final List<ValueKind> kinds, final RandomProgram random,
        final long timestampUs)
    {
        in.clear();
        in.timestampUs(timestampUs);
        random.fillInputs(in, kinds);
    }

    private static void assertSameValue(final ProgramPlan.Derived derived, final FrameValues expected,
        final FrameValues actual, final String where)
    {
        final int slot = derived.index();
        assertEquals(expected.isPresent(slot), actual.isPresent(slot), where + ": presence of " + derived.name());
        assertEquals(expected.isOutOfType(slot), actual.isOutOfType(slot), where + ": out of type " + derived.name());
        if (expected.isPresent(slot) && derived.kind() == ValueKind.LONG)
        {
            assertTrue(derived.holds(expected.longValue(slot)), where + ": " + derived.name() + " holds " +
                expected.longValue(slot) + ", outside [" + derived.min() + ", " + derived.max() + "]");
        }
        if (!expected.isPresent(slot))
        {
            return;
        }
        switch (derived.kind())
        {
            case DOUBLE:
                assertEquals(Double.doubleToRawLongBits(expected.doubleValue(slot)),
                    Double.doubleToRawLongBits(actual.doubleValue(slot)),
                    where + ": " + derived.name() + " interpreter " + expected.doubleValue(slot) + " compiled " +
                    actual.doubleValue(slot));
                break;
            case LONG:
                assertEquals(expected.longValue(slot), actual.longValue(slot), where + ": " + derived.name());
                break;
            default:
                assertEquals(expected.booleanValue(slot), actual.booleanValue(slot), where + ": " + derived.name());
                break;
        }
    }
}
