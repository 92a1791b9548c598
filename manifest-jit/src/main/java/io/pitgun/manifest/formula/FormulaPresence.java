package io.pitgun.manifest.formula;

/**
 * Whether a formula can be present in a frame that carries none of the channels it reads, by the language's rules of
 * absence (docs/manifest.md): a channel is absent when the frame lacks it, and absence propagates through operators
 * and functions, except that {@code hold(x)} keeps x's last value, {@code default(x, v)} is v when x is absent, and a
 * conditional is whichever branch its condition chose. Literals and the frame's time are always present. The answer
 * errs toward "can be present": a formula that may be present is never reported as needing a channel. Cold path.
 */
public final class FormulaPresence
{
    /** What the names in a formula are. */
    @FunctionalInterface
    public interface Names
    {
        /**
         * Whether {@code name} is absent from a frame without channels: true for a channel of the frame; for a
         * derived channel, what {@link #needsChannel} says of its own formula; false for the frame's time.
         */
        boolean needsChannel(String name);
    }

    private FormulaPresence()
    {
    }

    /** Whether {@code expr} is absent from every frame that carries none of the channels it reads. */
    public static boolean needsChannel(final Syntax expr, final Names names)
    {
        if (expr instanceof Syntax.Name name)
        {
            return names.needsChannel(name.name());
        }
        if (expr instanceof Syntax.Unary unary)
        {
            return needsChannel(unary.operand(), names);
        }
        if (expr instanceof Syntax.Binary binary)
        {
            // Absent when either side is (and/or too).
            return needsChannel(binary.left(), names) || needsChannel(binary.right(), names);
        }
        if (expr instanceof Syntax.Conditional conditional)
        {
            // Absent when the condition is; else whichever branch it chose.
            return needsChannel(conditional.condition(), names) ||
                needsChannel(conditional.whenTrue(), names) && needsChannel(conditional.whenFalse(), names);
        }
        if (expr instanceof Syntax.Call call)
        {
            if (call.function().equals(TimeFunction.HOLD.functionName()))
            {
                return false; // x's last value, in frames without x
            }
            if (call.function().equals(Binder.DEFAULT_FUNCTION))
            {
                // x, or v when x is absent.
                return call.arguments().stream().allMatch(argument -> needsChannel(argument, names));
            }
            // Every other function is absent when an argument is.
            return call.arguments().stream().anyMatch(argument -> needsChannel(argument, names));
        }
        return false; // a literal
    }
}
