package io.pitgun.manifest;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.runtime.FrameProgram;
import io.pitgun.manifest.runtime.FrameValues;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented semantics, checked on both the interpreter and the compiled program. */
class FormulaSemanticsTest
{
    private static final ParameterRegistry SIM_V1 = ParameterRegistry.simV1();

    /** Runs one manifest on the interpreter and the compiled program side by side. */
    private static final class Harness
    {
        final CompiledManifest manifest;
        final FrameProgram[] programs;
        final FrameValues in;
        final FrameValues[] outs;
        final Map<String, Integer> slots = new HashMap<>();
        final boolean[] kept = new boolean[2];

        Harness(final String formulas) throws ManifestException
        {
            manifest = ManifestCompiler.compile(ManifestLoader.parse(Path.of("test.yaml"), formulas), SIM_V1);
            programs = new FrameProgram[] {manifest.newInterpreter(), manifest.newProgram()};
            in = manifest.newInputValues();
            outs = new FrameValues[] {manifest.newOutputValues(), manifest.newOutputValues()};
            for (final ProgramPlan.Input input : manifest.inputs())
            {
                slots.put(input.name(), input.slot());
            }
        }

        Harness frame(final long timestampUs, final Object... namesAndValues)
        {
            in.clear();
            in.timestampUs(timestampUs);
            for (int i = 0; i < namesAndValues.length; i += 2)
            {
                final int slot = slots.get((String)namesAndValues[i]);
                final Object value = namesAndValues[i + 1];
                if (value instanceof Double)
                {
                    in.putDouble(slot, (Double)value);
                }
                else if (value instanceof Boolean)
                {
                    in.putBoolean(slot, (Boolean)value);
                }
                else
                {
                    in.putLong(slot, ((Number)value).longValue());
                }
            }
            for (int p = 0; p < programs.length; p++)
            {
                kept[p] = programs[p].onFrame(in, outs[p]);
            }
            assertEquals(kept[0], kept[1], "interpreter and compiled disagree on the where filter");
            return this;
        }

        int slotOf(final String derived)
        {
            for (final DerivedChannel channel : manifest.derivedChannels())
            {
                if (channel.name().equals(derived))
                {
                    return channel.index();
                }
            }
            throw new AssertionError(derived);
        }

        void assertDouble(final String derived, final double expected)
        {
            for (final FrameValues out : outs)
            {
                assertTrue(out.isPresent(slotOf(derived)), derived + " is absent");
                assertEquals(Double.doubleToRawLongBits(expected),
                    Double.doubleToRawLongBits(out.doubleValue(slotOf(derived))),
                    derived + ": expected " + expected + " got " + out.doubleValue(slotOf(derived)));
            }
        }

        void assertLong(final String derived, final long expected)
        {
            for (final FrameValues out : outs)
            {
                assertTrue(out.isPresent(slotOf(derived)), derived + " is absent");
                assertEquals(expected, out.longValue(slotOf(derived)), derived);
            }
        }

        void assertBoolean(final String derived, final boolean expected)
        {
            for (final FrameValues out : outs)
            {
                assertTrue(out.isPresent(slotOf(derived)), derived + " is absent");
                assertEquals(expected, out.booleanValue(slotOf(derived)), derived);
            }
        }

        void assertAbsent(final String derived)
        {
            for (final FrameValues out : outs)
            {
                assertFalse(out.isPresent(slotOf(derived)), derived + " should be absent");
            }
        }
    }

    private static String formulas(final String... nameExprType)
    {
        final StringBuilder yaml = new StringBuilder("version: v1\npipeline:\n  - type: formula\n    derived_channels:\n");
        for (int i = 0; i < nameExprType.length; i += 3)
        {
            yaml.append("      - name: ").append(nameExprType[i]).append('\n')
                .append("        expr: '").append(nameExprType[i + 1]).append("'\n")
                .append("        data_type: ").append(nameExprType[i + 2]).append('\n');
        }
        return yaml.toString();
    }

    @Test
    void shouldComputePowerLikeHandWrittenJava() throws Exception
    {
        final Harness harness = new Harness(formulas("Power_kW", "Torque_Nm * Engine_RPM / 9549.0", "f64"));
        harness.frame(1_000, "Torque_Nm", 412.5, "Engine_RPM", 11_250L);
        harness.assertDouble("Power_kW", 412.5 * 11_250 / 9549.0);
    }

    @Test
    void shouldMakeExpressionsAbsentWhenAChannelIsAbsentUnlessHeldOrDefaulted() throws Exception
    {
        final Harness harness = new Harness(formulas(
            "Plain", "Speed * 2", "f64",
            "Defaulted", "default(Speed, -1.0) * 2", "f64",
            "Held", "hold(Speed) * 2", "f64"));
        harness.frame(1_000, "Speed", 100.0);
        harness.assertDouble("Plain", 200.0);
        harness.frame(2_000);
        harness.assertAbsent("Plain");
        harness.assertDouble("Defaulted", -2.0);
        harness.assertDouble("Held", 200.0);
    }

    @Test
    void shouldLeaveOutAnIntegerValueItsDeclaredTypeCannotHold() throws Exception
    {
        final Harness harness = new Harness(formulas(
            "U8_Z", "round(Speed)", "u8",
            "I8_V", "round(0 - Speed)", "i8",
            "U32_W", "round(Speed) - 255", "u32",
            "Twice", "U8_Z * 2", "i64",
            "Last_U8", "hold(U8_Z)", "i64"));
        harness.frame(1_000, "Speed", 255.4);
        harness.assertLong("U8_Z", 255);
        harness.assertAbsent("I8_V"); // -255 < -128
        harness.assertLong("U32_W", 0);
        harness.assertLong("Twice", 510);
        harness.frame(2_000, "Speed", 400.0);
        harness.assertAbsent("U8_Z");
        harness.assertAbsent("I8_V");
        harness.assertLong("U32_W", 145);
        // Later formulas see the channel as the output has it: absent, so hold keeps the last value it held.
        harness.assertAbsent("Twice");
        harness.assertLong("Last_U8", 255);
        harness.frame(3_000, "Speed", -3.0);
        harness.assertAbsent("U8_Z");
        harness.assertLong("I8_V", 3);
        harness.assertAbsent("U32_W"); // -258 < 0
        harness.frame(4_000);
        for (final FrameValues out : harness.outs)
        {
            // Absent because Speed is: not out of type, so not counted as such.
            assertFalse(out.isOutOfType(harness.slotOf("U8_Z")));
        }
        harness.frame(5_000, "Speed", 400.0);
        for (final FrameValues out : harness.outs)
        {
            assertTrue(out.isOutOfType(harness.slotOf("U8_Z")));
            assertFalse(out.isOutOfType(harness.slotOf("Twice")), "absent because U8_Z is");
        }
    }

    /**
     * An f32 derived channel holds what its sample holds, a float, for the output and for later formulas, in the
     * compiled program and the interpreter. Before, the output was the double (the engine then wrote its float) and
     * a later formula read the double: Diff was 0.0 where the journaled A differs from Speed * 3.
     */
    @Test
    void shouldNarrowAnF32ChannelToAFloatForLaterFormulasToo() throws Exception
    {
        final Harness harness = new Harness(formulas(
            "A", "Speed * 3", "f32",
            "Diff", "A - Speed * 3", "f64",
            "Huge", "Speed * 1e300", "f32"));
        harness.frame(1_000, "Speed", 0.1);
        harness.assertDouble("A", (float)(0.1 * 3));
        harness.assertDouble("Diff", (float)(0.1 * 3) - 0.1 * 3);
        harness.assertDouble("Huge", Double.POSITIVE_INFINITY); // what the f32 sample holds
    }

    @Test
    void shouldDifferentiateAndIntegrateOverFrameTime() throws Exception
    {
        final Harness harness = new Harness(formulas(
            "Accel", "derivative(Speed)", "f64",
            "Distance", "integral(Speed)", "f64",
            "Step", "delta(Speed)", "f64",
            "Before", "prev(Speed)", "f64"));
        harness.frame(1_000_000, "Speed", 10.0);
        harness.assertAbsent("Accel");
        harness.assertDouble("Distance", 0.0);
        harness.assertAbsent("Step");
        harness.frame(1_250_000, "Speed", 20.0);
        harness.assertDouble("Accel", (20.0 - 10.0) * 1_000_000.0 / 250_000.0);
        harness.assertDouble("Distance", (20.0 + 10.0) * 0.5 * (250_000.0 / 1_000_000.0));
        harness.assertDouble("Step", 10.0);
        harness.assertDouble("Before", 10.0);
        harness.frame(1_500_000);
        harness.assertAbsent("Accel");
        harness.frame(2_250_000, "Speed", 5.0);
        harness.assertDouble("Accel", (5.0 - 20.0) * 1_000_000.0 / 1_000_000.0);
        harness.assertDouble("Before", 20.0);
    }

    /**
     * A frame whose time went back is not used by {@code integral} or {@code derivative}: the next step is measured
     * from the latest sample. Before, it became the new starting point, and the step after it added the span it went
     * back over a second time (integral 1.425 rather than 1.3 here) and measured the derivative from it.
     */
    @Test
    void shouldNotUseASampleWhoseTimeWentBackForIntegralOrDerivative() throws Exception
    {
        final Harness harness = new Harness(formulas(
            "Accel", "derivative(Speed)", "f64",
            "Distance", "integral(Speed)", "f64"));
        harness.frame(0, "Speed", 10.0);
        harness.frame(30_000, "Speed", 40.0);
        final double at30ms = (10.0 + 40.0) * 0.5 * 0.03;
        harness.assertDouble("Distance", at30ms);
        harness.frame(30_000, "Speed", 50.0); // time did not move: adds nothing, the latest value is held
        harness.assertDouble("Distance", at30ms);
        harness.assertAbsent("Accel");
        harness.frame(25_000, "Speed", 30.0); // time went back: not used
        harness.assertDouble("Distance", at30ms);
        harness.assertAbsent("Accel");
        harness.frame(40_000, "Speed", 60.0);
        harness.assertDouble("Distance", at30ms + (50.0 + 60.0) * 0.5 * 0.01);
        harness.assertDouble("Accel", (60.0 - 50.0) * 1_000_000.0 / 10_000.0);
    }

    @Test
    void shouldAverageExponentiallyAndOverAWindow() throws Exception
    {
        final Harness harness = new Harness(formulas(
            "Smooth", "ema(Throttle_Position, 0.5)", "f64",
            "Window", "mean(Throttle_Position, 2)", "f64"));
        harness.frame(1, "Throttle_Position", 10.0);
        harness.assertDouble("Smooth", 10.0);
        harness.assertDouble("Window", 10.0);
        harness.frame(2, "Throttle_Position", 30.0);
        harness.assertDouble("Smooth", 10.0 + 0.5 * (30.0 - 10.0));
        harness.assertDouble("Window", (10.0 + 30.0) / 2);
        harness.frame(3, "Throttle_Position", 50.0);
        harness.assertDouble("Window", (30.0 + 50.0) / 2);
        harness.programs[0].reset();
        harness.programs[1].reset();
        harness.frame(4, "Throttle_Position", 70.0);
        harness.assertDouble("Smooth", 70.0);
        harness.assertDouble("Window", 70.0);
    }

    @Test
    void shouldKeepIntegersExactAndDivideExplicitly() throws Exception
    {
        final Harness harness = new Harness(formulas(
            "Ratio", "Engine_RPM / 2", "f64",
            "Half", "idiv(Engine_RPM, 2)", "i64",
            "ByGear", "idiv(Engine_RPM, Gear)", "i64",
            "Rest", "Engine_RPM % Gear", "i64",
            "Precedence", "-2^2", "f64"));
        harness.frame(1, "Engine_RPM", 11_251L, "Gear", 0L);
        harness.assertDouble("Ratio", 5625.5);
        harness.assertLong("Half", 5625);
        harness.assertAbsent("ByGear");
        harness.assertAbsent("Rest");
        harness.assertDouble("Precedence", -4.0);
        harness.frame(2, "Engine_RPM", 11_251L, "Gear", 4L);
        harness.assertLong("ByGear", 11_251 / 4);
        harness.assertLong("Rest", 11_251 % 4);
    }

    @Test
    void shouldAcceptEveryLongAsALiteralTheSmallestToo() throws Exception
    {
        final Harness harness = new Harness(formulas(
            "Smallest", "-9223372036854775808", "i64",
            "Spaced", "- 9223372036854775808", "i64",
            "Largest", "9223372036854775807", "i64",
            "Wraps", "-9223372036854775808 - Gear", "i64",
            "NegatedAgain", "-(-9223372036854775808)", "i64"));
        harness.frame(1, "Gear", 1L);
        harness.assertLong("Smallest", Long.MIN_VALUE);
        harness.assertLong("Spaced", Long.MIN_VALUE);
        harness.assertLong("Largest", Long.MAX_VALUE);
        harness.assertLong("Wraps", Long.MAX_VALUE);
        harness.assertLong("NegatedAgain", Long.MIN_VALUE);
    }

    @Test
    void shouldRefuseALiteralThatFitsOnlyNegatedWhereTheMinusDoesNotApplyToIt()
    {
        // '^' binds tighter than the minus ('-2^2' is -4), so 9223372036854775808 stands alone and does not fit
        final ManifestException ex = assertThrows(ManifestException.class,
            () -> new Harness(formulas("Power", "-9223372036854775808^1", "f64")));
        assertTrue(ex.getMessage().contains("integer 9223372036854775808 does not fit in a long"), ex.getMessage());
    }

    @Test
    void shouldEvaluateBooleansAndLazyConditionals() throws Exception
    {
        final Harness harness = new Harness(formulas(
            "Braking", "Brake_Pedal > 5 and not DRS_Open", "bool",
            "Safe", "Speed > 0 ? Lap_Distance / Speed : 0.0", "f64"));
        harness.frame(1, "Brake_Pedal", 50.0, "DRS_Open", false, "Speed", 0.0);
        harness.assertBoolean("Braking", true);
        harness.assertDouble("Safe", 0.0);
        harness.frame(2, "Brake_Pedal", 50.0, "DRS_Open", true, "Speed", 10.0, "Lap_Distance", 25.0);
        harness.assertBoolean("Braking", false);
        harness.assertDouble("Safe", 2.5);
    }

    @Test
    void shouldDropFramesWhereThePredicateIsFalseOrAbsent() throws Exception
    {
        final Harness harness = new Harness("version: v1\npipeline:\n  - type: filter\n    where: 'Speed > 50'\n");
        harness.frame(1, "Speed", 80.0);
        assertTrue(harness.kept[0]);
        harness.frame(2, "Speed", 20.0);
        assertFalse(harness.kept[0]);
        harness.frame(3);
        assertFalse(harness.kept[0]);
    }

    @Test
    void shouldWriteEveryNaNAsTheCanonicalNaN() throws Exception
    {
        final Harness harness = new Harness(formulas("Nan", "-(Speed * 0.0)", "f64"));
        harness.frame(1, "Speed", Double.POSITIVE_INFINITY);
        harness.assertDouble("Nan", Double.NaN);
    }

    @Test
    void shouldRejectIntegerDivisionOfDoubles()
    {
        final ManifestException ex = assertThrows(ManifestException.class,
            () -> new Harness(formulas("Bad", "idiv(Speed, 2)", "i64")));
        assertTrue(ex.getMessage().contains("idiv() takes integers"), ex.getMessage());
    }
}
