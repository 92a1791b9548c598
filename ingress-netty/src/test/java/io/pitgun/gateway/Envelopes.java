package io.pitgun.gateway;

import java.util.UUID;

/** Builds envelope JSON for the tests. */
final class Envelopes
{
    static final String SESSION = "53702b3e-3e56-41a2-8834-9169ee5e991e";
    static final String PLAYER = "7d16dde5-88a6-4b47-8cd8-c711601cd61f";

    private Envelopes()
    {
    }

    /** An envelope with {@code frames} frames of lap 1, sequences {@code firstSequence...}. */
    static String batch(final UUID eventId, final long firstSequence, final int frames)
    {
        return batch(eventId, firstSequence, frames, 1);
    }

    /** An envelope with {@code frames} frames of lap {@code lapNumber}, sequences {@code firstSequence...}. */
    static String batch(final UUID eventId, final long firstSequence, final int frames, final int lapNumber)
    {
        final StringBuilder out = new StringBuilder(256 + frames * 128);
        out.append("{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"").append(eventId)
            .append("\",\"ts\":\"2026-04-11T12:43:44.279Z\",\"player_id\":\"").append(PLAYER)
            .append("\",\"session_id\":\"").append(SESSION)
            .append("\",\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[");
        for (int i = 0; i < frames; i++)
        {
            final long sequence = firstSequence + i;
            out.append(i == 0 ? "" : ",").append("{\"sequence\":").append(sequence)
                .append(",\"timestamp_us\":").append(1_712_345_678_000_000L + sequence * 1000)
                .append(",\"lap_number\":").append(lapNumber).append(",\"samples\":{\"Speed\":").append(100 + sequence % 100)
                .append(".5,\"Engine_RPM\":").append(9000 + sequence % 1000)
                .append(",\"Torque_Nm\":300.25}}");
        }
        return out.append("]}}").toString();
    }

    /** A {@code session.end} envelope for {@link #SESSION}: ends its laps and its session (the summaries follow). */
    static String sessionEnd(final UUID eventId, final long timestampUs)
    {
        return "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + eventId +
            "\",\"ts\":\"2026-04-11T13:30:00.000Z\",\"player_id\":\"" + PLAYER + "\",\"session_id\":\"" + SESSION +
            "\",\"event_type\":\"session.end\",\"payload\":{\"timestamp_us\":" + timestampUs + "}}";
    }
}
