package io.pitgun.journal;

/**
 * What a journal tool gives {@link JournalScan}: the messages, and a place to report one it could not handle, so
 * that a message that makes the tool fail is reported as bad by its index and the scan goes on to the next.
 */
public interface JournalScanHandler extends JournalEntryHandler
{
    /** The message at {@code index} could not be handled: {@code problem} says why. */
    void onBadMessage(long index, String problem);
}
