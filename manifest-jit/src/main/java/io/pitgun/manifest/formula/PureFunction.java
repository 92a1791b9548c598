package io.pitgun.manifest.formula;

import io.pitgun.manifest.runtime.ValueKind;

import java.util.List;

import static io.pitgun.manifest.runtime.ValueKind.DOUBLE;
import static io.pitgun.manifest.runtime.ValueKind.LONG;

/**
 * The resolved overloads of the pure functions. Each is a static method of
 * {@link io.pitgun.manifest.runtime.FormulaMath} with the same name and parameter kinds (except {@code idiv},
 * which is the JVM's own long division, guarded against zero).
 */
public enum PureFunction
{
    ABS_LONG("abs", LONG, LONG),
    ABS_DOUBLE("abs", DOUBLE, DOUBLE),
    MIN_LONG("min", LONG, LONG, LONG),
    MIN_DOUBLE("min", DOUBLE, DOUBLE, DOUBLE),
    MAX_LONG("max", LONG, LONG, LONG),
    MAX_DOUBLE("max", DOUBLE, DOUBLE, DOUBLE),
    CLAMP_LONG("clamp", LONG, LONG, LONG, LONG),
    CLAMP_DOUBLE("clamp", DOUBLE, DOUBLE, DOUBLE, DOUBLE),
    SQRT("sqrt", DOUBLE, DOUBLE),
    POW("pow", DOUBLE, DOUBLE, DOUBLE),
    EXP("exp", DOUBLE, DOUBLE),
    LOG("log", DOUBLE, DOUBLE),
    LOG10("log10", DOUBLE, DOUBLE),
    SIN("sin", DOUBLE, DOUBLE),
    COS("cos", DOUBLE, DOUBLE),
    TAN("tan", DOUBLE, DOUBLE),
    ASIN("asin", DOUBLE, DOUBLE),
    ACOS("acos", DOUBLE, DOUBLE),
    ATAN("atan", DOUBLE, DOUBLE),
    ATAN2("atan2", DOUBLE, DOUBLE, DOUBLE),
    HYPOT("hypot", DOUBLE, DOUBLE, DOUBLE),
    FLOOR("floor", DOUBLE, DOUBLE),
    CEIL("ceil", DOUBLE, DOUBLE),
    ROUND_LONG("round", LONG, LONG),
    ROUND_DOUBLE("round", LONG, DOUBLE),
    SIGN_LONG("sign", LONG, LONG),
    SIGN_DOUBLE("sign", DOUBLE, DOUBLE),
    IDIV("idiv", LONG, LONG, LONG);

    private final String functionName;
    private final ValueKind result;
    private final List<ValueKind> parameters;

    PureFunction(final String functionName, final ValueKind result, final ValueKind... parameters)
    {
        this.functionName = functionName;
        this.result = result;
        this.parameters = List.of(parameters);
    }

    /** The name written in formulas. */
    public String functionName()
    {
        return functionName;
    }

    public ValueKind result()
    {
        return result;
    }

    public List<ValueKind> parameters()
    {
        return parameters;
    }

    /** The JVM descriptor of the FormulaMath method. */
    public String descriptor()
    {
        final StringBuilder sb = new StringBuilder("(");
        for (final ValueKind parameter : parameters)
        {
            sb.append(parameter == LONG ? 'J' : 'D');
        }
        return sb.append(')').append(result == LONG ? 'J' : 'D').toString();
    }
}
