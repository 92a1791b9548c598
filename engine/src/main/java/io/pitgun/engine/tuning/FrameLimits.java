package io.pitgun.engine.tuning;

/**
 * A policy's {@code frame_limits}, each null when the policy sets none. The gateway refuses what passes one, as it
 * refuses a sample outside a channel limit (422 {@code tuning_limit_exceeded}, naming the limit), before anything
 * of the request is published.
 *
 * @param maxFramesPerEnvelope most frames in one envelope (one binary WebSocket message counts as one envelope).
 * @param maxSamplesPerFrame   most samples in one frame.
 * @param maxEnvelopeBytes     most bytes of one envelope as sent (JSON text, or a binary message).
 * @param maxSourcesPerSession most distinct source ids per session, over every request and connection
 *                             ({@link SessionSourceLimit}).
 */
public record FrameLimits(Integer maxFramesPerEnvelope, Integer maxSamplesPerFrame, Integer maxEnvelopeBytes,
    Integer maxSourcesPerSession)
{
    /** No frame limits. */
    public static final FrameLimits NONE = new FrameLimits(null, null, null, null);

    /** The name of {@link #maxFramesPerEnvelope} in a policy and in refusals. */
    public static final String MAX_FRAMES_PER_ENVELOPE = "frame_limits.max_frames_per_envelope";
    /** The name of {@link #maxSamplesPerFrame} in a policy and in refusals. */
    public static final String MAX_SAMPLES_PER_FRAME = "frame_limits.max_samples_per_frame";
    /** The name of {@link #maxEnvelopeBytes} in a policy and in refusals. */
    public static final String MAX_ENVELOPE_BYTES = "frame_limits.max_envelope_bytes";

    /** The name of {@link #maxSourcesPerSession} in a policy and in refusals. */
    public static final String MAX_SOURCES_PER_SESSION = "frame_limits.max_sources_per_session";

    /** Whether some limit the ingest path checks is set. */
    public boolean checksFrames()
    {
        return maxFramesPerEnvelope != null || maxSamplesPerFrame != null || maxEnvelopeBytes != null ||
            maxSourcesPerSession != null;
    }
}
