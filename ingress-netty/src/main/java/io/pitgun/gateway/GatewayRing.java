package io.pitgun.gateway;

import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.engine.SlotDescriptor;

/**
 * The gateway's pipeline ring: its slots hold the largest frame the envelope decoder writes, so they bound
 * {@code CHANNEL_CAPACITY} below the pipeline's own bound, at validation (before, 16777216 passed it and the start
 * then failed building the ring).
 */
final class GatewayRing
{
    /** The pipeline's {@code max_frame_bytes}: one frame of the schema's most samples. */
    static final int MAX_FRAME_BYTES =
        Math.max(1024, EnvelopeDecoder.requiredOutputBytes(1, DecoderLimits.SCHEMA_MAX_SAMPLES));
    /** The largest {@code CHANNEL_CAPACITY} whose ring fits (without the manifest's derived channels). */
    static final int LARGEST_CHANNEL_CAPACITY = new SlotDescriptor(MAX_FRAME_BYTES, 0).largestCapacity();

    private GatewayRing()
    {
    }
}
