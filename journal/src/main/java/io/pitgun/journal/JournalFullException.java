package io.pitgun.journal;

/**
 * An append was refused because the journal's file system is below its free-space headroom
 * ({@link JournalSpaceGuard}); nothing was written and the batch is still open.
 */
public final class JournalFullException extends JournalException
{
    public JournalFullException(final String message)
    {
        super(message);
    }
}
