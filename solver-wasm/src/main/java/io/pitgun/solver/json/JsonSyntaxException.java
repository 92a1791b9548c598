package io.pitgun.solver.json;

/** A document that is not JSON; the message names the character offset. */
public final class JsonSyntaxException extends RuntimeException
{
    private final int offset;

    public JsonSyntaxException(final String message, final int offset)
    {
        super(message + " at character " + offset);
        this.offset = offset;
    }

    /** Zero-based character offset of the problem. */
    public int offset()
    {
        return offset;
    }
}
