package io.pitgun.codecs.envelope;

/**
 * Bounds on what one envelope may hold. The defaults are the {@code pitgun-envelope/v1} schema's own bounds
 * (frames, samples per frame), so that the decoder and a schema validator accept the same documents; an operator
 * may tighten them, never loosen them past the schema.
 *
 * @param maxEnvelopeBytes  largest envelope accepted, in bytes.
 * @param maxDepth          deepest nesting of arrays and objects (the envelope itself needs 5).
 * @param maxFrames         most frames in one {@code payload.frames} array.
 * @param maxSamplesPerFrame most channels in one frame's {@code samples}.
 * @param maxStringBytes    longest string (after unescaping), in UTF-8 bytes.
 */
public record DecoderLimits(int maxEnvelopeBytes, int maxDepth, int maxFrames, int maxSamplesPerFrame, int maxStringBytes)
{
    /** Schema bound: {@code payload.frames} maxItems. */
    public static final int SCHEMA_MAX_FRAMES = 1024;
    /** Schema bound: {@code samples} maxProperties. */
    public static final int SCHEMA_MAX_SAMPLES = 256;
    /** Depth of the deepest value the envelope contract has: envelope, payload, frames, frame, samples. */
    public static final int ENVELOPE_DEPTH = 5;

    /** 1 MiB, depth 32, the schema's frame and sample bounds, 1 KiB strings. */
    public static final DecoderLimits DEFAULTS = new DecoderLimits(1 << 20, 32, SCHEMA_MAX_FRAMES, SCHEMA_MAX_SAMPLES, 1024);

    public DecoderLimits
    {
        require(maxEnvelopeBytes >= 64, "maxEnvelopeBytes must be >= 64, was " + maxEnvelopeBytes);
        require(maxDepth >= ENVELOPE_DEPTH, "maxDepth must be >= " + ENVELOPE_DEPTH + ", was " + maxDepth);
        require(maxFrames >= 1 && maxFrames <= SCHEMA_MAX_FRAMES,
            "maxFrames must be in [1, " + SCHEMA_MAX_FRAMES + "], was " + maxFrames);
        require(maxSamplesPerFrame >= 1 && maxSamplesPerFrame <= SCHEMA_MAX_SAMPLES,
            "maxSamplesPerFrame must be in [1, " + SCHEMA_MAX_SAMPLES + "], was " + maxSamplesPerFrame);
        require(maxStringBytes >= 64, "maxStringBytes must be >= 64, was " + maxStringBytes);
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }
}
