package io.pitgun.gateway;

import io.pitgun.testsupport.EnvelopeJson;

import java.util.UUID;

/** Builds envelope JSON for the tests: one session ({@link #SESSION}), frames 1 ms apart ({@link EnvelopeJson}). */
final class Envelopes
{
    static final String SESSION = "53702b3e-3e56-41a2-8834-9169ee5e991e";
    static final String PLAYER = EnvelopeJson.PLAYER;
    private static final long BASE_TIMESTAMP_US = 1_712_345_678_000_000L;

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
        return EnvelopeJson.batch(eventId, "2026-04-11T12:43:44.279Z", SESSION, firstSequence, frames, lapNumber,
            sequence -> BASE_TIMESTAMP_US + sequence * 1000);
    }

    /** A {@code session.end} envelope for {@link #SESSION}: ends its laps and its session (the summaries follow). */
    static String sessionEnd(final UUID eventId, final long timestampUs)
    {
        return EnvelopeJson.timestamped(eventId, "2026-04-11T13:30:00.000Z", SESSION, "session.end", timestampUs);
    }
}
