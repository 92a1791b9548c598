package io.pitgun.engine;

import org.agrona.DirectBuffer;

/**
 * Receives what a {@link Subscription} delivers, on the thread that calls {@link Subscription#poll}. Buffers are
 * valid only during the call.
 */
public interface SubscriptionHandler
{
    /** A derived frame: an SBE {@code TelemetryFrame}, message header included. */
    void onDerivedFrame(DirectBuffer buffer, int offset, int length);

    /** An {@code insight-contract/v1} document, UTF-8 JSON. */
    void onInsight(DirectBuffer buffer, int offset, int length);
}
