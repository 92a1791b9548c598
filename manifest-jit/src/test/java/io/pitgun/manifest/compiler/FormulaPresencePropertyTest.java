package io.pitgun.manifest.compiler;

import io.pitgun.manifest.formula.Binder;
import io.pitgun.manifest.formula.Expr;
import io.pitgun.manifest.formula.FormulaException;
import io.pitgun.manifest.formula.FormulaPresence;
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

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link FormulaPresence} against the reference interpreter: random formulas (derived channels feeding later ones,
 * time functions, hold, default, conditionals) run over random frames, and now and then a frame that carries no
 * channel at all. A derived channel the interpreter finds present in such a frame must never be one
 * {@link FormulaPresence} says needs a channel: a live subscriber would otherwise be sent frames of channels it may
 * not read because of it (docs/security.md).
 */
class FormulaPresencePropertyTest
{
    private static final int FRAMES = 24;

    @Property(tries = 2000, shrinking = ShrinkingMode.OFF)
    void aFormulaPresentInAFrameWithoutChannelsIsNeverSaidToNeedOne(@ForAll final long seed)
    {
        final RandomProgram random = new RandomProgram(seed);
        final ProgramPlan.Builder builder = new ProgramPlan.Builder();
        final Map<String, ResolvedName> names = new HashMap<>();
        final List<ValueKind> inputKinds = new ArrayList<>();
        RandomProgram.declareInputs(builder, names, inputKinds);
        final NameResolver resolver = (name, start, end) ->
        {
            final ResolvedName resolved = names.get(name);
            if (resolved == null)
            {
                throw new FormulaException("unknown channel " + name, start, end);
            }
            return resolved;
        };
        // What FormulaPresence says of each name: inputs need themselves, the time does not, derived as computed.
        final Map<String, Boolean> needs = new HashMap<>();
        final FormulaPresence.Names presence = name -> needs.containsKey(name) ? needs.get(name) :
            names.get(name).target() == ResolvedName.Target.INPUT;
        final Binder binder = new Binder();
        final StringBuilder description = new StringBuilder("seed " + seed + ":\n");
        final int steps = 1 + random.nextInt(4);
        for (int s = 0; s < steps; s++)
        {
            final ValueKind wanted = random.randomKind();
            final String text = random.expression(wanted, 2 + random.nextInt(4));
            final Expr expr;
            try
            {
                expr = binder.bind(Parser.parse(text), resolver);
                final String name = "x" + s;
                final int index = builder.addDerived(name, expr.kind());
                builder.derive(index, expr);
                names.put(name, new ResolvedName(ResolvedName.Target.DERIVED, expr.kind(), index));
                random.addDerived(name, expr.kind());
                needs.put(name, FormulaPresence.needsChannel(Parser.parse(text), presence));
                description.append(name).append(" = ").append(text).append(" (needs a channel: ")
                    .append(needs.get(name)).append(")\n");
            }
            catch (final FormulaException ex)
            {
                fail("generated formula does not compile: " + text + "\n" + ex.getMessage() + " at " + ex.start());
                return;
            }
        }
        final ProgramPlan plan = builder.build(binder);
        final FrameProgram interpreter = new Interpreter(plan);
        final FrameValues in = new FrameValues(plan.inputs().size());
        final FrameValues out = new FrameValues(plan.derived().size());
        long timestampUs = 1_700_000_000_000_000L;
        for (int frame = 0; frame < FRAMES; frame++)
        {
            timestampUs = random.nextTimestamp(timestampUs);
            final boolean empty = frame % 3 == 2;
            in.clear();
            in.timestampUs(timestampUs);
            if (!empty)
            {
                random.fillInputs(in, inputKinds);
            }
            if (!interpreter.onFrame(in, out) || !empty)
            {
                continue;
            }
            for (final ProgramPlan.Derived derived : plan.derived())
            {
                if (out.isPresent(derived.index()))
                {
                    assertFalse(needs.get(derived.name()), description + "frame " + frame + ": " + derived.name() +
                        " is present in a frame without channels");
                }
            }
        }
    }
}
