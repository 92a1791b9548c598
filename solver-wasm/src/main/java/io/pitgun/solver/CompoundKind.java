package io.pitgun.solver;

/** What weather a tyre compound is built for. */
public enum CompoundKind
{
    SLICK("slick"),
    INTERMEDIATE("intermediate"),
    WET("wet");

    private final String jsonName;

    CompoundKind(final String jsonName)
    {
        this.jsonName = jsonName;
    }

    /** The name used in {@code canonical-config/v1}. */
    public String jsonName()
    {
        return jsonName;
    }

    /** The kind with this JSON name, or null. */
    public static CompoundKind ofJsonName(final String name)
    {
        for (final CompoundKind kind : values())
        {
            if (kind.jsonName.equals(name))
            {
                return kind;
            }
        }
        return null;
    }
}
