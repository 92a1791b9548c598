package io.pitgun.manifest.formula;

/**
 * Resolves the channel names of a formula. The manifest compiler implements it with the dictionary, the derived
 * channels visible at the formula's stage, and the input slots it allocates.
 */
@FunctionalInterface
public interface NameResolver
{
    /**
     * @return what the name refers to.
     * @throws FormulaException (positioned at start..end) when the name is unknown or not visible here; the
     * message should suggest the nearest names.
     */
    ResolvedName resolve(String name, int start, int end) throws FormulaException;

    /** What a name refers to. */
    record ResolvedName(Target target, io.pitgun.manifest.runtime.ValueKind kind, int index)
    {
        /** Where the value comes from. */
        public enum Target
        {
            /** A dictionary channel in input slot {@code index}. */
            INPUT,
            /** A derived channel with index {@code index}. */
            DERIVED,
            /** The frame's {@code timestamp_us}. */
            TIMESTAMP
        }
    }
}
