package io.pitgun.journal;

/** A journal cannot be opened or read; the message names the directory or the entry index concerned. */
public class JournalException extends RuntimeException
{
    public JournalException(final String message)
    {
        super(message);
    }

    public JournalException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
