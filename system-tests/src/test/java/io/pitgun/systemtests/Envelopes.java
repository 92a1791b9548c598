package io.pitgun.systemtests;

import java.util.UUID;

/**
 * {@code pitgun-envelope-v1} JSON for the system tests: a session's start, its sample batches and its end. Frames are
 * named by {@code (session_id, sequence)}, which is what the tests count in the journal.
 */
public final class Envelopes
{
    /** The player of every envelope. */
    public static final String PLAYER = "7d16dde5-88a6-4b47-8cd8-c711601cd61f";

    private static final long BASE_TIMESTAMP_US = 1_775_910_600_000_000L;

    private Envelopes()
    {
    }

    /** A {@code session.start} envelope. */
    public static String sessionStart(final UUID eventId, final UUID sessionId)
    {
        return head(eventId, sessionId, "session.start") + "\"payload\":{\"timestamp_us\":" + BASE_TIMESTAMP_US +
            ",\"label\":\"system test\"}}";
    }

    /** A {@code telemetry.sample_batch} envelope with {@code frames} frames of lap 1, sequences from {@code first}. */
    public static String batch(final UUID eventId, final UUID sessionId, final long first, final int frames)
    {
        final StringBuilder out = new StringBuilder(256 + frames * 128)
            .append(head(eventId, sessionId, "telemetry.sample_batch")).append("\"payload\":{\"frames\":[");
        for (int i = 0; i < frames; i++)
        {
            final long sequence = first + i;
            out.append(i == 0 ? "" : ",").append("{\"sequence\":").append(sequence)
                .append(",\"timestamp_us\":").append(timestampUs(sequence))
                .append(",\"lap_number\":1,\"samples\":{\"Speed\":").append(100 + sequence % 100)
                .append(".5,\"Engine_RPM\":").append(9000 + sequence % 1000).append(",\"Torque_Nm\":300.25}}");
        }
        return out.append("]}}").toString();
    }

    /** A {@code session.end} envelope after frame {@code lastSequence}. */
    public static String sessionEnd(final UUID eventId, final UUID sessionId, final long lastSequence)
    {
        return head(eventId, sessionId, "session.end") + "\"payload\":{\"timestamp_us\":" +
            (timestampUs(lastSequence) + 1) + "}}";
    }

    /** The capture time of frame {@code sequence}: 1 ms apart. */
    public static long timestampUs(final long sequence)
    {
        return BASE_TIMESTAMP_US + 1_000 + sequence * 1_000;
    }

    private static String head(final UUID eventId, final UUID sessionId, final String eventType)
    {
        return "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + eventId +
            "\",\"ts\":\"2026-04-11T12:30:00Z\",\"player_id\":\"" + PLAYER + "\",\"session_id\":\"" + sessionId +
            "\",\"event_type\":\"" + eventType + "\",";
    }
}
