package io.pitgun.manifest.compiler;

import io.pitgun.manifest.formula.NameResolver.ResolvedName;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.runtime.FrameValues;
import io.pitgun.manifest.runtime.ValueKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates random well-typed formulas over a fixed set of input channels, and random frames for them, from one
 * seed (so a failure can be replayed from the seed jqwik reports).
 */
final class RandomProgram
{
    /** Input channels: name and kind. */
    static final String[] DOUBLE_INPUTS = {"d0", "d1", "d2"};
    static final String[] LONG_INPUTS = {"l0", "l1"};
    static final String[] BOOLEAN_INPUTS = {"b0"};

    private static final String[] DOUBLE_FUNCTIONS_1 = {"abs", "sqrt", "exp", "log", "log10", "sin", "cos", "tan",
        "asin", "acos", "atan", "floor", "ceil", "sign"};
    private static final String[] DOUBLE_FUNCTIONS_2 = {"min", "max", "pow", "atan2", "hypot"};
    private static final String[] DOUBLE_LITERALS = {"0.0", "1.0", "0.5", "2.5", "9549.0", "1e308", "1e-320",
        "4.9e-324", "1.7976931348623157e308", "3.141592653589793", "100.0", "1e-3"};
    private static final String[] LONG_LITERALS = {"0", "1", "2", "3", "7", "1000", "65535", "9223372036854775807",
        "4611686018427387904", "1000000", "-9223372036854775808"};

    private final SplittableRandom random;
    private final List<String> derivedNames = new ArrayList<>();
    private final List<ValueKind> derivedKinds = new ArrayList<>();

    /** Declares the inputs in {@code builder}, their names (and the frame's time) in {@code names}, their kinds. */
    static void declareInputs(final ProgramPlan.Builder builder, final Map<String, ResolvedName> names,
        final List<ValueKind> kinds)
    {
        int id = 1;
        for (final String name : DOUBLE_INPUTS)
        {
            declare(builder, names, kinds, name, id++, ValueKind.DOUBLE);
        }
        for (final String name : LONG_INPUTS)
        {
            declare(builder, names, kinds, name, id++, ValueKind.LONG);
        }
        for (final String name : BOOLEAN_INPUTS)
        {
            declare(builder, names, kinds, name, id++, ValueKind.BOOLEAN);
        }
        names.put("timestamp_us", new ResolvedName(ResolvedName.Target.TIMESTAMP, ValueKind.LONG, 0));
    }

    private static void declare(final ProgramPlan.Builder builder, final Map<String, ResolvedName> names,
        final List<ValueKind> kinds, final String name, final int id, final ValueKind kind)
    {
        final int slot = builder.addInput(name, id, kind);
        names.put(name, new ResolvedName(ResolvedName.Target.INPUT, kind, slot));
        kinds.add(kind);
    }

    /** Puts a random value in each input slot that {@link #present} keeps (the frame's other fields untouched). */
    void fillInputs(final FrameValues in, final List<ValueKind> kinds)
    {
        for (int slot = 0; slot < kinds.size(); slot++)
        {
            if (!present())
            {
                continue;
            }
            switch (kinds.get(slot))
            {
                case DOUBLE:
                    in.putDouble(slot, randomDouble());
                    break;
                case LONG:
                    in.putLong(slot, randomLong());
                    break;
                default:
                    in.putBoolean(slot, randomBoolean());
                    break;
            }
        }
    }

    RandomProgram(final long seed)
    {
        random = new SplittableRandom(seed);
    }

    /** Registers a derived channel so that later formulas may reference it. */
    void addDerived(final String name, final ValueKind kind)
    {
        derivedNames.add(name);
        derivedKinds.add(kind);
    }

    ValueKind randomKind()
    {
        final int pick = random.nextInt(10);
        return pick < 6 ? ValueKind.DOUBLE : pick < 8 ? ValueKind.LONG : ValueKind.BOOLEAN;
    }

    String expression(final ValueKind kind, final int depth)
    {
        if (depth <= 0 || random.nextInt(5) == 0)
        {
            return leaf(kind);
        }
        switch (kind)
        {
            case DOUBLE: return doubleExpression(depth - 1);
            case LONG: return longExpression(depth - 1);
            default: return booleanExpression(depth - 1);
        }
    }

    private String leaf(final ValueKind kind)
    {
        final List<String> derived = derivedOf(kind);
        final int pick = random.nextInt(10);
        if (pick < 3 && !derived.isEmpty())
        {
            return derived.get(random.nextInt(derived.size()));
        }
        switch (kind)
        {
            case DOUBLE:
                if (pick < 6)
                {
                    return pick(DOUBLE_INPUTS);
                }
                return random.nextBoolean() ? pick(DOUBLE_LITERALS) : "-" + pick(DOUBLE_LITERALS);
            case LONG:
                if (pick < 6)
                {
                    return pick(LONG_INPUTS);
                }
                if (pick == 6)
                {
                    return "timestamp_us";
                }
                return pick(LONG_LITERALS);
            default:
                if (pick < 7)
                {
                    return pick(BOOLEAN_INPUTS);
                }
                return random.nextBoolean() ? "true" : "false";
        }
    }

    private String doubleExpression(final int depth)
    {
        switch (random.nextInt(14))
        {
            case 0:
                return "(" + expression(ValueKind.DOUBLE, depth) + " " + pick("+", "-", "*", "/", "%", "^") + " " +
                    expression(random.nextBoolean() ? ValueKind.DOUBLE : ValueKind.LONG, depth) + ")";
            case 1:
                return "(" + expression(ValueKind.LONG, depth) + " / " + expression(ValueKind.LONG, depth) + ")";
            case 2:
                return "-(" + expression(ValueKind.DOUBLE, depth) + ")";
            case 3:
                return pick(DOUBLE_FUNCTIONS_1) + "(" + expression(ValueKind.DOUBLE, depth) + ")";
            case 4:
                return pick(DOUBLE_FUNCTIONS_2) + "(" + expression(ValueKind.DOUBLE, depth) + ", " +
                    expression(ValueKind.DOUBLE, depth) + ")";
            case 5:
                return clamp(ValueKind.DOUBLE, depth);
            case 6:
                return "(" + expression(ValueKind.BOOLEAN, depth) + " ? " + expression(ValueKind.DOUBLE, depth) +
                    " : " + expression(random.nextBoolean() ? ValueKind.DOUBLE : ValueKind.LONG, depth) + ")";
            case 7:
                return pick("derivative", "integral") + "(" + expression(ValueKind.DOUBLE, depth) + ")";
            case 8:
                return "ema(" + expression(ValueKind.DOUBLE, depth) + ", " + pick("0", "0.1", "0.5", "1", "0.25") +
                    ")";
            case 9:
                return "mean(" + expression(ValueKind.DOUBLE, depth) + ", " + (1 + random.nextInt(6)) + ")";
            case 10:
                return pick("prev", "delta", "hold") + "(" + expression(ValueKind.DOUBLE, depth) + ")";
            case 11:
                return "default(" + expression(ValueKind.DOUBLE, depth) + ", " + expression(ValueKind.DOUBLE, depth) +
                    ")";
            case 12:
                return "(" + expression(ValueKind.LONG, depth) + " + 0.5)";
            default:
                return "(" + expression(ValueKind.DOUBLE, depth) + " * " + expression(ValueKind.DOUBLE, depth) + ")";
        }
    }

    /**
     * {@code clamp(x, min(a, b), max(a, b))}: bounds in order, since constant bounds in the wrong order are refused
     * (they would give hi whatever x is); bounds that are not constant still come in any order at run time.
     */
    private String clamp(final ValueKind kind, final int depth)
    {
        final String a = expression(kind, depth);
        final String b = expression(kind, depth);
        return "clamp(" + expression(kind, depth) + ", min(" + a + ", " + b + "), max(" + a + ", " + b + "))";
    }

    private String longExpression(final int depth)
    {
        switch (random.nextInt(11))
        {
            case 0:
                return "(" + expression(ValueKind.LONG, depth) + " " + pick("+", "-", "*", "%") + " " +
                    expression(ValueKind.LONG, depth) + ")";
            case 1:
                return "-(" + expression(ValueKind.LONG, depth) + ")";
            case 2:
                return "idiv(" + expression(ValueKind.LONG, depth) + ", " + expression(ValueKind.LONG, depth) + ")";
            case 3:
                return pick("abs", "sign") + "(" + expression(ValueKind.LONG, depth) + ")";
            case 4:
                return pick("min", "max") + "(" + expression(ValueKind.LONG, depth) + ", " +
                    expression(ValueKind.LONG, depth) + ")";
            case 5:
                return clamp(ValueKind.LONG, depth);
            case 6:
                return "round(" + expression(ValueKind.DOUBLE, depth) + ")";
            case 7:
                return "(" + expression(ValueKind.BOOLEAN, depth) + " ? " + expression(ValueKind.LONG, depth) + " : " +
                    expression(ValueKind.LONG, depth) + ")";
            case 8:
                return pick("prev", "delta", "hold") + "(" + expression(ValueKind.LONG, depth) + ")";
            case 9:
                return "default(" + expression(ValueKind.LONG, depth) + ", " + expression(ValueKind.LONG, depth) + ")";
            default:
                return "round(" + expression(ValueKind.LONG, depth) + ")";
        }
    }

    private String booleanExpression(final int depth)
    {
        switch (random.nextInt(8))
        {
            case 0:
            {
                final ValueKind left = random.nextBoolean() ? ValueKind.DOUBLE : ValueKind.LONG;
                final ValueKind right = random.nextBoolean() ? ValueKind.DOUBLE : ValueKind.LONG;
                return "(" + expression(left, depth) + " " + pick("<", "<=", ">", ">=", "==", "!=") + " " +
                    expression(right, depth) + ")";
            }
            case 1:
                return "(" + expression(ValueKind.BOOLEAN, depth) + " " + pick("and", "or", "&&", "||", "==", "!=") +
                    " " + expression(ValueKind.BOOLEAN, depth) + ")";
            case 2:
                return pick("not ", "!") + "(" + expression(ValueKind.BOOLEAN, depth) + ")";
            case 3:
                return "(" + expression(ValueKind.BOOLEAN, depth) + " ? " + expression(ValueKind.BOOLEAN, depth) +
                    " : " + expression(ValueKind.BOOLEAN, depth) + ")";
            case 4:
                return pick("prev", "hold") + "(" + expression(ValueKind.BOOLEAN, depth) + ")";
            case 5:
                return "default(" + expression(ValueKind.BOOLEAN, depth) + ", " + expression(ValueKind.BOOLEAN, depth) +
                    ")";
            default:
                return "(" + expression(ValueKind.DOUBLE, depth) + " " + pick("<", ">", "==", "!=") + " " +
                    expression(ValueKind.DOUBLE, depth) + ")";
        }
    }

    double randomDouble()
    {
        switch (random.nextInt(16))
        {
            case 0: return Double.NaN;
            case 1: return Double.POSITIVE_INFINITY;
            case 2: return Double.NEGATIVE_INFINITY;
            case 3: return -0.0;
            case 4: return 0.0;
            case 5: return Double.MAX_VALUE;
            case 6: return -Double.MIN_VALUE;
            case 7: return Double.longBitsToDouble(random.nextLong());
            case 8: return random.nextInt(-5, 6);
            default: return (random.nextDouble() - 0.5) * 2000.0;
        }
    }

    long randomLong()
    {
        switch (random.nextInt(10))
        {
            case 0: return Long.MIN_VALUE;
            case 1: return Long.MAX_VALUE;
            case 2: return 0;
            case 3: return -1;
            case 4: return random.nextLong();
            default: return random.nextInt(-20_000, 20_000);
        }
    }

    boolean present()
    {
        return random.nextInt(5) != 0;
    }

    boolean randomBoolean()
    {
        return random.nextBoolean();
    }

    /** Mostly increasing timestamps, sometimes repeated or going back. */
    long nextTimestamp(final long previous)
    {
        final int pick = random.nextInt(10);
        if (pick == 0)
        {
            return previous;
        }
        if (pick == 1)
        {
            return previous - random.nextInt(1, 5000);
        }
        return previous + random.nextInt(1, 20_000);
    }

    int nextInt(final int bound)
    {
        return random.nextInt(bound);
    }

    private List<String> derivedOf(final ValueKind kind)
    {
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < derivedNames.size(); i++)
        {
            if (derivedKinds.get(i) == kind)
            {
                names.add(derivedNames.get(i));
            }
        }
        return names;
    }

    private String pick(final String... options)
    {
        return options[random.nextInt(options.length)];
    }
}
