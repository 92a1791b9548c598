package io.pitgun.schemas.signing;

/**
 * A key or signature file that cannot be read or written: missing, not the expected PEM, not an Ed25519 key. The
 * message names the file.
 */
public final class KeyFileException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** With a message that names the file and the problem. */
    public KeyFileException(final String message)
    {
        super(message);
    }

    /** With a message that names the file and the problem, and its cause. */
    public KeyFileException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
