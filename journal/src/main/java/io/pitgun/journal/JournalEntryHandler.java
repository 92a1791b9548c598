package io.pitgun.journal;

import org.agrona.DirectBuffer;

/** Receives journal messages from a {@link JournalTailer}, in journal order, on the tailer's thread. */
@FunctionalInterface
public interface JournalEntryHandler
{
    /**
     * One message.
     *
     * @param index        the message's position ({@link JournalEntryDescriptor#position}: entry index and ordinal).
     * @param buffer       holds the SBE message exactly as appended (message header included) in
     *                     {@code [offset, offset + length)}; it views the memory-mapped queue file and is valid only
     *                     during this call: copy what must outlive it.
     * @param ingestTimeNs the ingest time given to {@link JournalAppender#append}; for latency measurement only.
     */
    void onEntry(long index, DirectBuffer buffer, int offset, int length, long ingestTimeNs);

    /**
     * One message with its event identity; by default forwards to {@link #onEntry(long, DirectBuffer, int, int,
     * long)}. Override it to read the identity.
     *
     * @param stamp the message's event identity, refilled for every message: valid only during this call.
     */
    default void onEntry(long index, DirectBuffer buffer, int offset, int length, long ingestTimeNs,
        JournalEventStamp stamp)
    {
        onEntry(index, buffer, offset, length, ingestTimeNs);
    }
}
