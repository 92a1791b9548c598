package io.pitgun.journal;

/**
 * The journal's files are damaged: a record header that ends or skips every in-order read, a cycle file cut short,
 * or a fault reading a mapped file. Not transient: opening or reading again finds the same, so a caller that would
 * retry (the hive, with an edge's next batch) gives up on that journal instead. {@code pitgun journal verify} says
 * where.
 */
public final class JournalDamagedException extends JournalException
{
    public JournalDamagedException(final String message)
    {
        super(message);
    }

    public JournalDamagedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
