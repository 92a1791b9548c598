package io.pitgun.codecs.envelope;

/**
 * What the last successful {@link EnvelopeDecoder#decode} produced: the SBE messages it wrote into the caller's
 * buffer (offset and length of each, message header included) and the envelope's identifiers. One instance per
 * decoder, overwritten by the next call; pre-sized so that reading it allocates nothing.
 */
public final class DecodedEnvelope
{
    private final int[] messageOffsets;
    private final int[] messageLengths;
    private int messageCount;
    private int sampleCount;
    private EnvelopeEventType eventType;
    private int sourceId;
    private long eventIdMsb;
    private long eventIdLsb;
    private long sessionIdMsb;
    private long sessionIdLsb;
    private long producerIdMsb;
    private long producerIdLsb;

    DecodedEnvelope(final int maxMessages)
    {
        messageOffsets = new int[maxMessages];
        messageLengths = new int[maxMessages];
    }

    void clear()
    {
        messageCount = 0;
        sampleCount = 0;
        eventType = null;
        sourceId = 0;
    }

    void addMessage(final int offset, final int length, final int samples)
    {
        messageOffsets[messageCount] = offset;
        messageLengths[messageCount] = length;
        messageCount++;
        sampleCount += samples;
    }

    void identifiers(
        final EnvelopeEventType eventType,
        final int sourceId,
        final UuidText eventId,
        final UuidText sessionId,
        final UuidText producerId)
    {
        this.eventType = eventType;
        this.sourceId = sourceId;
        this.eventIdMsb = eventId.mostSigBits;
        this.eventIdLsb = eventId.leastSigBits;
        this.sessionIdMsb = sessionId.mostSigBits;
        this.sessionIdLsb = sessionId.leastSigBits;
        this.producerIdMsb = producerId.mostSigBits;
        this.producerIdLsb = producerId.leastSigBits;
    }

    /** Number of SBE messages written (frames for a sample batch, 1 for a session marker). */
    public int messageCount()
    {
        return messageCount;
    }

    /** Offset in the output buffer of message {@code i} (its SBE message header). */
    public int messageOffset(final int i)
    {
        return messageOffsets[i];
    }

    /** Length in bytes of message {@code i}, header included. */
    public int messageLength(final int i)
    {
        return messageLengths[i];
    }

    /** Total bytes written: the messages are contiguous from the output offset. */
    public int encodedLength()
    {
        return messageCount == 0 ? 0 :
            messageOffsets[messageCount - 1] + messageLengths[messageCount - 1] - messageOffsets[0];
    }

    /** Samples across all frames. */
    public int sampleCount()
    {
        return sampleCount;
    }

    public EnvelopeEventType eventType()
    {
        return eventType;
    }

    public int sourceId()
    {
        return sourceId;
    }

    /** High half of {@code event_id}: with {@link #eventIdLsb()} the idempotency key. */
    public long eventIdMsb()
    {
        return eventIdMsb;
    }

    public long eventIdLsb()
    {
        return eventIdLsb;
    }

    public long sessionIdMsb()
    {
        return sessionIdMsb;
    }

    public long sessionIdLsb()
    {
        return sessionIdLsb;
    }

    public long producerIdMsb()
    {
        return producerIdMsb;
    }

    public long producerIdLsb()
    {
        return producerIdLsb;
    }
}
