package io.pitgun.manifest.runtime;

/**
 * The three value types of the formula language, and so of a {@link FrameValues} slot.
 */
public enum ValueKind
{
    /** IEEE 754 binary64. */
    DOUBLE("double"),
    /** Two's complement 64-bit integer; overflow wraps. */
    LONG("long"),
    /** True or false. */
    BOOLEAN("boolean");

    private final String displayName;

    ValueKind(final String displayName)
    {
        this.displayName = displayName;
    }

    /** True for DOUBLE and LONG. */
    public boolean isNumeric()
    {
        return this != BOOLEAN;
    }

    /** The name used in error messages and plans. */
    public String displayName()
    {
        return displayName;
    }
}
