package io.pitgun.codecs.envelope;

/** The {@code event_type} values of {@code pitgun-envelope/v1} and the SBE message each one becomes. */
public enum EnvelopeEventType
{
    /** {@code telemetry.sample_batch}: one {@code TelemetryFrame} per payload frame. */
    SAMPLE_BATCH("telemetry.sample_batch"),
    /** {@code session.start}: one {@code SessionStart} message. */
    SESSION_START("session.start"),
    /** {@code session.end}: one {@code SessionEnd} message. */
    SESSION_END("session.end");

    private final String wireName;
    private final byte[] wireBytes;

    EnvelopeEventType(final String wireName)
    {
        this.wireName = wireName;
        this.wireBytes = JsonCursor.ascii(wireName);
    }

    /** The name as it appears in the envelope. */
    public String wireName()
    {
        return wireName;
    }

    byte[] wireBytes()
    {
        return wireBytes;
    }
}
