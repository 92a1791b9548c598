package io.pitgun.manifest.formula;

/**
 * A formula that cannot be compiled: a syntax error, an unknown name, a type error or a dependency cycle.
 * The position is a character range in the formula text, which the manifest loader maps to a line and column of
 * the manifest file.
 */
public final class FormulaException extends Exception
{
    private final int start;
    private final int end;

    /**
     * @param reason what is wrong, for a person.
     * @param start  offset of the first offending character in the formula text.
     * @param end    offset just after the offending text (at least {@code start}).
     */
    public FormulaException(final String reason, final int start, final int end)
    {
        super(reason);
        this.start = start;
        this.end = Math.max(start, end);
    }

    /** Offset of the first offending character in the formula text. */
    public int start()
    {
        return start;
    }

    /** Offset just after the offending text. */
    public int end()
    {
        return end;
    }
}
