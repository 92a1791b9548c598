package io.pitgun.systemtests;

import io.pitgun.testsupport.EnvelopeJson;

import java.util.UUID;

/**
 * {@code pitgun-envelope-v1} JSON for the system tests: a session's start, its sample batches and its end. Frames are
 * named by {@code (session_id, sequence)}, which is what the tests count in the journal.
 */
public final class Envelopes
{
    /** The player of every envelope. */
    public static final String PLAYER = EnvelopeJson.PLAYER;
    private static final String TS = "2026-04-11T12:30:00Z";

    private static final long BASE_TIMESTAMP_US = 1_775_910_600_000_000L;

    private Envelopes()
    {
    }

    /** A {@code session.start} envelope. */
    public static String sessionStart(final UUID eventId, final UUID sessionId)
    {
        return EnvelopeJson.head(eventId, TS, sessionId, "session.start") + "\"payload\":{\"timestamp_us\":" +
            BASE_TIMESTAMP_US + ",\"label\":\"system test\"}}";
    }

    /** A {@code telemetry.sample_batch} envelope with {@code frames} frames of lap 1, sequences from {@code first}. */
    public static String batch(final UUID eventId, final UUID sessionId, final long first, final int frames)
    {
        return EnvelopeJson.batch(eventId, TS, sessionId, first, frames, 1, Envelopes::timestampUs);
    }

    /** A {@code session.end} envelope after frame {@code lastSequence}. */
    public static String sessionEnd(final UUID eventId, final UUID sessionId, final long lastSequence)
    {
        return EnvelopeJson.timestamped(eventId, TS, sessionId, "session.end", timestampUs(lastSequence) + 1);
    }

    /** The capture time of frame {@code sequence}: 1 ms apart. */
    public static long timestampUs(final long sequence)
    {
        return BASE_TIMESTAMP_US + 1_000 + sequence * 1_000;
    }
}
