package io.pitgun.engine.tuning;

import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.runtime.FrameProgram;
import io.pitgun.manifest.runtime.FrameValues;
import io.pitgun.manifest.runtime.ValueKind;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FormulaRange} is sound: whatever values within their ranges the channels take (the ends included), each
 * formula's value, as the manifest interpreter computes it, lies in the interval the analysis gives.
 */
class FormulaRangePropertyTest
{
    private static final ParameterRegistry SIM = ParameterRegistry.simV1();
    private static final String[] FORMULAS = {
        "Torque_Nm * Engine_RPM / 9549.0",
        "Speed - Torque_Nm / 3",
        "abs(Steering_Angle) + min(Speed, 100) - max(Gear, 2)",
        "clamp(Torque_Nm, -10, 500) * 2",
        "Gear % 3 + Engine_RPM % 7",
        "Engine_RPM / 7 - Gear",
        "Speed > 100 ? Speed * 2 : -Speed",
        "sqrt(Speed) + exp(Gear / 10.0) + hypot(Steering_Angle, Speed)",
        "floor(Torque_Nm / 7.0) + ceil(Speed) + round(Steering_Angle)",
        "sin(Speed) + cos(Torque_Nm) + atan(Steering_Angle) + acos(Gear / 8.0)",
        "idiv(Engine_RPM, Gear)",
        "log(Speed + 1)",
        "D0 * 2 + D6",
    };
    private static final CompiledManifest MANIFEST = manifest();

    @Property(tries = 300)
    void shouldHoldEveryValueAFormulaComputes(@ForAll final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final FormulaRange.Interval[] ranges = new FormulaRange.Interval[FORMULAS.length];
        final FormulaRange analysis = new FormulaRange(name ->
        {
            final ParameterDefinition channel = SIM.byName(name);
            return FormulaRange.Interval.of(channel.min(), channel.max());
        }, index -> ranges[index]);
        for (final ProgramPlan.Step step : MANIFEST.plan().steps())
        {
            if (step instanceof ProgramPlan.Derive)
            {
                ranges[((ProgramPlan.Derive)step).derivedIndex()] = analysis.of(((ProgramPlan.Derive)step).expr());
            }
        }
        final FrameProgram program = MANIFEST.newInterpreter();
        final FrameValues in = MANIFEST.newInputValues();
        final FrameValues out = MANIFEST.newOutputValues();
        for (int frame = 0; frame < 20; frame++)
        {
            in.clear();
            in.timestampUs(1_000_000L + frame);
            for (final ProgramPlan.Input input : MANIFEST.inputs())
            {
                final ParameterDefinition channel = SIM.byName(input.name());
                final int pick = random.nextInt(5);
                final double value = pick == 0 ? channel.min() : pick == 1 ? channel.max() :
                    channel.min() + random.nextDouble() * (channel.max() - channel.min());
                if (input.kind() == ValueKind.LONG)
                {
                    in.putLong(input.slot(), Math.round(value));
                }
                else
                {
                    in.putDouble(input.slot(), (float)value);
                }
            }
            out.clear();
            program.onFrame(in, out);
            for (final DerivedChannel derived : MANIFEST.derivedChannels())
            {
                if (!out.isPresent(derived.index()))
                {
                    continue;
                }
                final double value = derived.kind() == ValueKind.LONG ? out.longValue(derived.index()) :
                    out.doubleValue(derived.index());
                final FormulaRange.Interval range = ranges[derived.index()];
                assertTrue(Double.isNaN(value) || range.contains(value), derived.name() + " = " + derived.expr() +
                    " computed " + value + " outside " + range);
            }
        }
    }

    private static CompiledManifest manifest()
    {
        final StringBuilder yaml = new StringBuilder("version: v1\npipeline:\n  - type: formula\n    derived_channels:\n");
        for (int i = 0; i < FORMULAS.length; i++)
        {
            yaml.append("      - name: D").append(i).append("\n        expr: \"").append(FORMULAS[i]).append("\"\n");
        }
        try
        {
            return ManifestCompiler.compile(ManifestLoader.parse(Path.of("ranges.yaml"), yaml.toString()), SIM);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
