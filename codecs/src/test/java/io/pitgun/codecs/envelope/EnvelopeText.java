package io.pitgun.codecs.envelope;

/** Builds envelope JSON for tests: a valid default that each test bends in one place. */
final class EnvelopeText
{
    static final String EVENT_ID = "b88c0d71-14c9-4a26-a290-a7f38ee17bbc";
    static final String PLAYER_ID = "7d16dde5-88a6-4b47-8cd8-c711601cd61f";
    static final String SESSION_ID = "53702b3e-3e56-41a2-8834-9169ee5e991e";

    private EnvelopeText()
    {
    }

    static String frame(final long sequence, final long timestampUs, final String samples)
    {
        return "{\"sequence\":" + sequence + ",\"timestamp_us\":" + timestampUs + ",\"lap_number\":3,\"sector\":1," +
            "\"samples\":{" + samples + "}}";
    }

    static String batch(final String frames)
    {
        return "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + EVENT_ID + "\"," +
            "\"ts\":\"2026-04-11T12:43:44.279Z\",\"player_id\":\"" + PLAYER_ID + "\",\"session_id\":\"" + SESSION_ID +
            "\",\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[" + frames + "]}}";
    }

    static String simpleBatch()
    {
        return batch(frame(1, 1_775_911_424_279_000L, "\"Engine_RPM\":8500,\"Throttle_Position\":72.5,\"Speed\":251.25") +
            "," + frame(2, 1_775_911_424_289_000L, "\"Engine_RPM\":8600,\"Throttle_Position\":75"));
    }
}
