package io.pitgun.perf;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.runtime.FrameProgram;
import io.pitgun.manifest.runtime.FrameValues;
import net.objecthunter.exp4j.Expression;
import net.objecthunter.exp4j.ExpressionBuilder;
import net.objecthunter.exp4j.function.Function;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlExpression;
import org.apache.commons.jexl3.MapContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Cost per frame of derived channels, five ways, for two cases:
 * <ul>
 *   <li>{@code *Power}: {@code Torque_Nm * Engine_RPM / 9549.0};</li>
 *   <li>{@code *TenChannels}: a 10-channel manifest mixing arithmetic, min/max, sqrt, a ternary and
 *   {@code derivative} over 13 input channels.</li>
 * </ul>
 * {@code compiled*} runs the manifest compiled to a hidden class, {@code interpreted*} the reference interpreter,
 * {@code handWritten*} plain Java doing the same arithmetic with the same absence checks, and {@code exp4j*} /
 * {@code jexl*} the two expression libraries a user would otherwise pick (their state-keeping {@code derivative} is
 * written in Java around them, since neither has one). Every variant starts from the same pre-generated frame values
 * and stores its results, so the per-frame work is the same. Run with {@code -prof gc} for
 * {@code gc.alloc.rate.norm} (bytes allocated per frame).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class FormulaBenchmark
{
    static final int FRAMES = 1024;
    static final String POWER = "Torque_Nm * Engine_RPM / 9549.0";
    static final String[] TEN_INPUTS = {"Torque_Nm", "Engine_RPM", "Speed", "Tyre_Surface_Temp_FL",
        "Tyre_Surface_Temp_FR", "Tyre_Surface_Temp_RL", "Tyre_Surface_Temp_RR", "Brake_Bias", "Brake_Pedal",
        "Throttle_Position", "G_Lateral", "G_Longitudinal"};
    static final String[][] TEN_CHANNELS = {
        {"Power_kW", POWER},
        {"Speed_ms", "Speed / 3.6"},
        {"Accel", "derivative(Speed_ms)"},
        {"Tyre_Spread", "max(max(Tyre_Surface_Temp_FL, Tyre_Surface_Temp_FR), max(Tyre_Surface_Temp_RL, " +
            "Tyre_Surface_Temp_RR)) - min(min(Tyre_Surface_Temp_FL, Tyre_Surface_Temp_FR), " +
            "min(Tyre_Surface_Temp_RL, Tyre_Surface_Temp_RR))"},
        {"Tyre_Mean", "(Tyre_Surface_Temp_FL + Tyre_Surface_Temp_FR + Tyre_Surface_Temp_RL + " +
            "Tyre_Surface_Temp_RR) / 4.0"},
        {"Brake_Rear", "100.0 - Brake_Bias"},
        {"Braking", "Brake_Pedal > 5.0 ? 1.0 : 0.0"},
        {"Throttle_Frac", "Throttle_Position / 100.0"},
        {"Lat_Load", "G_Lateral * G_Lateral * 9.81"},
        {"Combined_G", "sqrt(G_Lateral * G_Lateral + G_Longitudinal * G_Longitudinal)"},
    };

    private final double[][] values = new double[FRAMES][TEN_INPUTS.length];
    private final long[] timestamps = new long[FRAMES];
    private int frame;

    private FrameProgram compiledPower;
    private FrameProgram interpretedPower;
    private FrameValues powerIn;
    private FrameValues powerOut;
    private int powerTorqueSlot;
    private int powerRpmSlot;

    private FrameProgram compiledTen;
    private FrameProgram interpretedTen;
    private FrameValues tenIn;
    private FrameValues tenOut;
    private int[] tenSlots;

    private Expression exp4jPower;
    private Expression[] exp4jTen;
    private int[][] exp4jTenVariables;
    private JexlExpression jexlPower;
    private JexlExpression[] jexlTen;
    private MapContext jexlContext;

    private final double[] results = new double[TEN_CHANNELS.length];
    private boolean handHasPrevious;
    private double handPreviousSpeedMs;
    private long handPreviousTimestampUs;

    @Setup
    public void setUp() throws ManifestException
    {
        final SplittableRandom random = new SplittableRandom(42);
        for (int f = 0; f < FRAMES; f++)
        {
            timestamps[f] = 1_000_000L + f * 10_000L;
            for (int c = 0; c < TEN_INPUTS.length; c++)
            {
                values[f][c] = c == 1 ? (double)random.nextInt(4000, 15000) : random.nextDouble(0, 100);
            }
        }
        final CompiledManifest power = compile("version: v1\npipeline:\n  - type: formula\n    derived_channels:\n" +
            "      - name: Power_kW\n        expr: \"" + POWER + "\"\n");
        compiledPower = power.newProgram();
        interpretedPower = power.newInterpreter();
        powerIn = power.newInputValues();
        powerOut = power.newOutputValues();
        powerTorqueSlot = slotOf(power, "Torque_Nm");
        powerRpmSlot = slotOf(power, "Engine_RPM");

        final StringBuilder yaml = new StringBuilder("version: v1\npipeline:\n  - type: formula\n    derived_channels:\n");
        for (final String[] channel : TEN_CHANNELS)
        {
            yaml.append("      - name: ").append(channel[0]).append("\n        expr: \"").append(channel[1])
                .append("\"\n");
        }
        final CompiledManifest ten = compile(yaml.toString());
        compiledTen = ten.newProgram();
        interpretedTen = ten.newInterpreter();
        tenIn = ten.newInputValues();
        tenOut = ten.newOutputValues();
        tenSlots = new int[TEN_INPUTS.length];
        for (int c = 0; c < TEN_INPUTS.length; c++)
        {
            tenSlots[c] = slotOf(ten, TEN_INPUTS[c]);
        }

        exp4jPower = new ExpressionBuilder(POWER).variables("Torque_Nm", "Engine_RPM").build();
        final Function max = new Function("max", 2)
        {
            @Override
            public double apply(final double... args)
            {
                return Math.max(args[0], args[1]);
            }
        };
        final Function min = new Function("min", 2)
        {
            @Override
            public double apply(final double... args)
            {
                return Math.min(args[0], args[1]);
            }
        };
        final Function ifGreater = new Function("ifgt", 4)
        {
            @Override
            public double apply(final double... args)
            {
                return args[0] > args[1] ? args[2] : args[3];
            }
        };
        exp4jTen = new Expression[TEN_CHANNELS.length];
        for (int i = 0; i < TEN_CHANNELS.length; i++)
        {
            if (i == 2)
            {
                continue;
            }
            final String expr = i == 6 ? "ifgt(Brake_Pedal, 5.0, 1.0, 0.0)" : TEN_CHANNELS[i][1];
            exp4jTen[i] = new ExpressionBuilder(expr).variables(TEN_INPUTS).functions(max, min, ifGreater).build();
        }
        exp4jTenVariables = new int[TEN_CHANNELS.length][];
        for (int i = 0; i < TEN_CHANNELS.length; i++)
        {
            final java.util.List<Integer> used = new java.util.ArrayList<>();
            for (int c = 0; c < TEN_INPUTS.length; c++)
            {
                if (exp4jTen[i] != null && exp4jTen[i].getVariableNames().contains(TEN_INPUTS[c]))
                {
                    used.add(c);
                }
            }
            exp4jTenVariables[i] = used.stream().mapToInt(Integer::intValue).toArray();
        }

        final Map<String, Object> namespaces = new HashMap<>();
        namespaces.put("math", Math.class);
        final JexlEngine jexl = new JexlBuilder().namespaces(namespaces).cache(64).strict(true).create();
        jexlPower = jexl.createExpression(POWER);
        jexlTen = new JexlExpression[TEN_CHANNELS.length];
        for (int i = 0; i < TEN_CHANNELS.length; i++)
        {
            if (i != 2)
            {
                jexlTen[i] = jexl.createExpression(TEN_CHANNELS[i][1].replace("max(", "math:max(")
                    .replace("min(", "math:min(").replace("sqrt(", "math:sqrt("));
            }
        }
        jexlContext = new MapContext();
    }

    private static CompiledManifest compile(final String yaml) throws ManifestException
    {
        return ManifestCompiler.compile(ManifestLoader.parse(Path.of("benchmark.yaml"), yaml),
            ParameterRegistry.simV1());
    }

    private static int slotOf(final CompiledManifest manifest, final String name)
    {
        for (final ProgramPlan.Input input : manifest.inputs())
        {
            if (input.name().equals(name))
            {
                return input.slot();
            }
        }
        throw new IllegalArgumentException(name);
    }

    private int nextFrame()
    {
        final int f = frame;
        frame = f + 1 == FRAMES ? 0 : f + 1;
        return f;
    }

    private void fillPower(final double[] row, final long timestampUs)
    {
        powerIn.clear();
        powerIn.timestampUs(timestampUs);
        powerIn.putDouble(powerTorqueSlot, row[0]);
        powerIn.putLong(powerRpmSlot, (long)row[1]);
    }

    private void fillTen(final double[] row, final long timestampUs)
    {
        tenIn.clear();
        tenIn.timestampUs(timestampUs);
        for (int c = 0; c < row.length; c++)
        {
            if (c == 1)
            {
                tenIn.putLong(tenSlots[c], (long)row[c]);
            }
            else
            {
                tenIn.putDouble(tenSlots[c], row[c]);
            }
        }
    }

    @Benchmark
    public double compiledPower()
    {
        final int f = nextFrame();
        fillPower(values[f], timestamps[f]);
        compiledPower.onFrame(powerIn, powerOut);
        return powerOut.doubleValue(0);
    }

    @Benchmark
    public double interpretedPower()
    {
        final int f = nextFrame();
        fillPower(values[f], timestamps[f]);
        interpretedPower.onFrame(powerIn, powerOut);
        return powerOut.doubleValue(0);
    }

    @Benchmark
    public double handWrittenPower()
    {
        final int f = nextFrame();
        fillPower(values[f], timestamps[f]);
        final FrameValues in = powerIn;
        if (in.isPresent(powerTorqueSlot) && in.isPresent(powerRpmSlot))
        {
            powerOut.putDouble(0, in.doubleValue(powerTorqueSlot) * (double)in.longValue(powerRpmSlot) / 9549.0);
        }
        else
        {
            powerOut.putAbsent(0);
        }
        return powerOut.doubleValue(0);
    }

    @Benchmark
    public double exp4jPower()
    {
        final double[] row = values[nextFrame()];
        return exp4jPower.setVariable("Torque_Nm", row[0]).setVariable("Engine_RPM", (long)row[1]).evaluate();
    }

    @Benchmark
    public Object jexlPower()
    {
        final double[] row = values[nextFrame()];
        jexlContext.set("Torque_Nm", row[0]);
        jexlContext.set("Engine_RPM", (long)row[1]);
        return jexlPower.evaluate(jexlContext);
    }

    @Benchmark
    public double compiledTenChannels()
    {
        final int f = nextFrame();
        fillTen(values[f], timestamps[f]);
        compiledTen.onFrame(tenIn, tenOut);
        return tenOut.doubleValue(9);
    }

    @Benchmark
    public double interpretedTenChannels()
    {
        final int f = nextFrame();
        fillTen(values[f], timestamps[f]);
        interpretedTen.onFrame(tenIn, tenOut);
        return tenOut.doubleValue(9);
    }

    @Benchmark
    public double handWrittenTenChannels()
    {
        final int f = nextFrame();
        fillTen(values[f], timestamps[f]);
        final FrameValues in = tenIn;
        final FrameValues out = tenOut;
        final int[] s = tenSlots;
        final boolean torque = in.isPresent(s[0]);
        final boolean rpm = in.isPresent(s[1]);
        final boolean speed = in.isPresent(s[2]);
        final boolean fl = in.isPresent(s[3]);
        final boolean fr = in.isPresent(s[4]);
        final boolean rl = in.isPresent(s[5]);
        final boolean rr = in.isPresent(s[6]);
        final boolean tyres = fl && fr && rl && rr;
        final double tfl = in.doubleValue(s[3]);
        final double tfr = in.doubleValue(s[4]);
        final double trl = in.doubleValue(s[5]);
        final double trr = in.doubleValue(s[6]);
        final double gLat = in.doubleValue(s[10]);
        final double gLong = in.doubleValue(s[11]);
        putOrAbsent(out, 0, torque && rpm, in.doubleValue(s[0]) * (double)in.longValue(s[1]) / 9549.0);
        final double speedMs = in.doubleValue(s[2]) / 3.6;
        putOrAbsent(out, 1, speed, speedMs);
        boolean accelPresent = false;
        double accel = 0;
        if (speed)
        {
            final long timestampUs = in.timestampUs();
            if (handHasPrevious && timestampUs > handPreviousTimestampUs)
            {
                accel = (speedMs - handPreviousSpeedMs) * 1_000_000.0 / (double)(timestampUs - handPreviousTimestampUs);
                accelPresent = true;
            }
            handHasPrevious = true;
            handPreviousSpeedMs = speedMs;
            handPreviousTimestampUs = timestampUs;
        }
        putOrAbsent(out, 2, accelPresent, accel);
        putOrAbsent(out, 3, tyres, StrictMath.max(StrictMath.max(tfl, tfr), StrictMath.max(trl, trr)) -
            StrictMath.min(StrictMath.min(tfl, tfr), StrictMath.min(trl, trr)));
        putOrAbsent(out, 4, tyres, (tfl + tfr + trl + trr) / 4.0);
        putOrAbsent(out, 5, in.isPresent(s[7]), 100.0 - in.doubleValue(s[7]));
        putOrAbsent(out, 6, in.isPresent(s[8]), in.doubleValue(s[8]) > 5.0 ? 1.0 : 0.0);
        putOrAbsent(out, 7, in.isPresent(s[9]), in.doubleValue(s[9]) / 100.0);
        putOrAbsent(out, 8, in.isPresent(s[10]), gLat * gLat * 9.81);
        putOrAbsent(out, 9, in.isPresent(s[10]) && in.isPresent(s[11]), StrictMath.sqrt(gLat * gLat + gLong * gLong));
        return out.doubleValue(9);
    }

    private static void putOrAbsent(final FrameValues out, final int slot, final boolean present, final double value)
    {
        if (present)
        {
            out.putDouble(slot, value);
        }
        else
        {
            out.putAbsent(slot);
        }
    }

    @Benchmark
    public double exp4jTenChannels()
    {
        final int f = nextFrame();
        final double[] row = values[f];
        final Expression[] expressions = exp4jTen;
        for (int i = 0; i < expressions.length; i++)
        {
            if (i == 2)
            {
                results[2] = derivativeOf(results[1], timestamps[f]);
                continue;
            }
            final Expression expression = expressions[i];
            for (final int c : exp4jTenVariables[i])
            {
                expression.setVariable(TEN_INPUTS[c], row[c]);
            }
            results[i] = expression.evaluate();
        }
        return results[9];
    }

    @Benchmark
    public double jexlTenChannels()
    {
        final int f = nextFrame();
        final double[] row = values[f];
        for (int c = 0; c < TEN_INPUTS.length; c++)
        {
            jexlContext.set(TEN_INPUTS[c], c == 1 ? (Object)(long)row[c] : (Object)row[c]);
        }
        for (int i = 0; i < jexlTen.length; i++)
        {
            if (i == 2)
            {
                results[2] = derivativeOf(results[1], timestamps[f]);
                continue;
            }
            results[i] = ((Number)jexlTen[i].evaluate(jexlContext)).doubleValue();
        }
        return results[9];
    }

    private double derivativeOf(final double speedMs, final long timestampUs)
    {
        double accel = Double.NaN;
        if (handHasPrevious && timestampUs > handPreviousTimestampUs)
        {
            accel = (speedMs - handPreviousSpeedMs) * 1_000_000.0 / (double)(timestampUs - handPreviousTimestampUs);
        }
        handHasPrevious = true;
        handPreviousSpeedMs = speedMs;
        handPreviousTimestampUs = timestampUs;
        return accel;
    }
}
