package io.pitgun.journal;

import java.util.UUID;

/**
 * The event identity of one journal message ({@link JournalEntryDescriptor}, "Event identity"): which envelope it
 * came from, a digest of that envelope's content and which of its frames it is. A flyweight that a
 * {@link JournalTailer} refills for every message it delivers: valid only during the handler call.
 */
public final class JournalEventStamp
{
    /** The identity of a message without an event; never refilled (only a tailer's own stamp is). */
    static final JournalEventStamp NONE = new JournalEventStamp();

    private long eventIdMsb;
    private long eventIdLsb;
    private long contentDigest;
    private int frameOrdinal;
    private int frameCount;
    private int recordFormat = JournalEntryDescriptor.FORMAT_EVENT_IDENTITY;

    void set(final long eventIdMsb, final long eventIdLsb, final long contentDigest, final int frameOrdinal,
        final int frameCount, final int recordFormat)
    {
        this.recordFormat = recordFormat;
        this.eventIdMsb = eventIdMsb;
        this.eventIdLsb = eventIdLsb;
        this.contentDigest = contentDigest;
        this.frameOrdinal = frameOrdinal;
        this.frameCount = frameCount;
    }

    /** False for messages without an event (embedded producers, binary WebSocket messages, format-0 journals). */
    public boolean hasEvent()
    {
        return frameCount > 0;
    }

    /** The envelope's {@code event_id}, most significant bits (0 without an event). */
    public long eventIdMsb()
    {
        return eventIdMsb;
    }

    /** The envelope's {@code event_id}, least significant bits (0 without an event). */
    public long eventIdLsb()
    {
        return eventIdLsb;
    }

    /** The digest of the whole envelope's content (0 without an event). */
    public long contentDigest()
    {
        return contentDigest;
    }

    /** This message's ordinal among its envelope's frames (0 without an event). */
    public int frameOrdinal()
    {
        return frameOrdinal;
    }

    /** The envelope's frames (0 without an event). */
    public int frameCount()
    {
        return frameCount;
    }

    /**
     * The record format of the entry the message was read from: {@link JournalEntryDescriptor#FORMAT_PLAIN} for an
     * entry journaled before event identity was stored, whose messages have no event even if they came from an
     * envelope with an {@code event_id}; {@link JournalEntryDescriptor#FORMAT_EVENT_IDENTITY} otherwise.
     */
    public int recordFormat()
    {
        return recordFormat;
    }

    /** The event id as text, or null without an event (allocates: tools only). */
    public String eventId()
    {
        return hasEvent() ? new UUID(eventIdMsb, eventIdLsb).toString() : null;
    }
}
