package io.pitgun.testsupport;

import java.util.UUID;
import java.util.function.LongUnaryOperator;

/**
 * {@code pitgun-envelope-v1} JSON for synthetic runs, written the one way every test module writes it: a head
 * (event id, wall-clock {@code ts}, player, session, event type) and, for a sample batch, frames whose samples
 * follow the sequence number ({@code Speed} = 100 + sequence % 100 + 0.5, {@code Engine_RPM} = 9000 + sequence %
 * 1000, {@code Torque_Nm} = 300.25), so that a test can name any frame's values without keeping them.
 */
public final class EnvelopeJson
{
    /** The player of every synthetic envelope. */
    public static final String PLAYER = "7d16dde5-88a6-4b47-8cd8-c711601cd61f";

    private EnvelopeJson()
    {
    }

    /**
     * A {@code telemetry.sample_batch} envelope of {@code frames} frames of lap {@code lapNumber}, sequences from
     * {@code firstSequence}.
     *
     * @param ts          the envelope's wall-clock time (ISO-8601).
     * @param sessionId   the session ({@link UUID} or its text).
     * @param timestampUs the capture time of a frame, from its sequence.
     */
    public static String batch(final UUID eventId, final String ts, final Object sessionId, final long firstSequence,
        final int frames, final int lapNumber, final LongUnaryOperator timestampUs)
    {
        final StringBuilder out = new StringBuilder(256 + frames * 128)
            .append(head(eventId, ts, sessionId, "telemetry.sample_batch")).append("\"payload\":{\"frames\":[");
        for (int i = 0; i < frames; i++)
        {
            final long sequence = firstSequence + i;
            out.append(i == 0 ? "" : ",").append("{\"sequence\":").append(sequence)
                .append(",\"timestamp_us\":").append(timestampUs.applyAsLong(sequence))
                .append(",\"lap_number\":").append(lapNumber).append(",\"samples\":{\"Speed\":")
                .append(100 + sequence % 100).append(".5,\"Engine_RPM\":").append(9000 + sequence % 1000)
                .append(",\"Torque_Nm\":300.25}}");
        }
        return out.append("]}}").toString();
    }

    /** An envelope of {@code eventType} whose payload is only {@code timestamp_us} (e.g. {@code session.end}). */
    public static String timestamped(final UUID eventId, final String ts, final Object sessionId,
        final String eventType, final long timestampUs)
    {
        return head(eventId, ts, sessionId, eventType) + "\"payload\":{\"timestamp_us\":" + timestampUs + "}}";
    }

    /** The envelope up to its payload: {@code {"schema_version":...,"event_type":"...",} }. */
    public static String head(final UUID eventId, final String ts, final Object sessionId, final String eventType)
    {
        return "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + eventId + "\",\"ts\":\"" + ts +
            "\",\"player_id\":\"" + PLAYER + "\",\"session_id\":\"" + sessionId + "\",\"event_type\":\"" +
            eventType + "\",";
    }
}
