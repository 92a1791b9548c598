package io.pitgun.journal;

import org.agrona.DirectBuffer;

/**
 * A {@link JournalEntryHandler} that reads each message's event identity, so it writes only the stamped method: a
 * {@link JournalTailer} always calls that one, and a caller of the plain method gets the "no event" stamp
 * ({@link JournalEventStamp#hasEvent()} false) instead of an exception.
 */
@FunctionalInterface
public interface JournalStampedEntryHandler extends JournalEntryHandler
{
    @Override
    void onEntry(long index, DirectBuffer buffer, int offset, int length, long ingestTimeNs, JournalEventStamp stamp);

    @Override
    default void onEntry(long index, DirectBuffer buffer, int offset, int length, long ingestTimeNs)
    {
        onEntry(index, buffer, offset, length, ingestTimeNs, JournalEventStamp.NONE);
    }
}
