package io.pitgun.journal;

/**
 * An entry has a record format above the newest this build knows
 * ({@link JournalEntryDescriptor#FORMAT_EVENT_IDENTITY}): written by a newer build, e.g. one this data directory was
 * rolled back from. Not damage as such: that build reads it. A reader that only reports damage may treat it as any
 * other bad entry (it is one to this build); a writer that must understand the journal's tail to go on safely (the
 * gateway's idempotency window) refuses to start on it.
 */
public final class JournalNewerFormatException extends JournalException
{
    private final long position;
    private final int format;

    public JournalNewerFormatException(final String message, final long position, final int format)
    {
        super(message);
        this.position = position;
        this.format = format;
    }

    /** Position of the entry's first message ({@link JournalEntryDescriptor#position}). */
    public long position()
    {
        return position;
    }

    /** The entry's record format. */
    public int format()
    {
        return format;
    }
}
