package io.pitgun.solver;

/** A request the solver cannot run; {@link #pointer()} is the JSON pointer of the offending value. */
public final class SolverInputException extends RuntimeException
{
    private final String pointer;

    public SolverInputException(final String pointer, final String message)
    {
        super(message);
        this.pointer = pointer;
    }

    /** JSON pointer (RFC 6901) of the offending value; empty for the whole document. */
    public String pointer()
    {
        return pointer;
    }
}
