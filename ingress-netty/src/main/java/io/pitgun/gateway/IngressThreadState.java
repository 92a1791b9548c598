package io.pitgun.gateway;

import io.netty.channel.EventLoop;
import io.pitgun.codecs.envelope.DecoderLimits;

/**
 * What one event-loop thread needs to ingest without allocating per frame or sharing mutable state: its decoder
 * (inside the {@link EnvelopeIngestor}), body splitter, binary message splitter, a body copy buffer and the waiter for
 * journaled acks. Created on first use by the thread, never shared.
 */
final class IngressThreadState
{
    final EnvelopeIngestor ingestor;
    final BeaconBodySplitter splitter;
    final SbeMessageSplitter sbeSplitter;
    final JournalAckWaiter ackWaiter;
    final SubscriberGroup subscribers;
    private byte[] body = new byte[1 << 16];

    IngressThreadState(final GatewayServer server, final EventLoop loop)
    {
        final GatewayConfig config = server.config();
        final DecoderLimits limits = new DecoderLimits(config.maxEnvelopeBytes(), DecoderLimits.DEFAULTS.maxDepth(),
            DecoderLimits.SCHEMA_MAX_FRAMES, DecoderLimits.SCHEMA_MAX_SAMPLES, DecoderLimits.DEFAULTS.maxStringBytes());
        ackWaiter = new JournalAckWaiter(loop, server.pipeline(), config.ackTimeoutMs() * 1_000_000L,
            server.counters());
        final QueueDelayAdmission delayAdmission = new QueueDelayAdmission(ackWaiter,
            config.queueDelayTargetMs() * 1_000_000L, config.queueDelayIntervalMs() * 1_000_000L);
        ingestor = new EnvelopeIngestor(server.pipeline(), server.registry(), limits, server.idempotencyWindow(),
            server.counters(), GatewayServer.MAX_ENVELOPES_PER_REQUEST, config.ingestQueue(), delayAdmission);
        subscribers = new SubscriberGroup(server, loop);
        splitter = new BeaconBodySplitter(GatewayServer.MAX_ENVELOPES_PER_REQUEST);
        sbeSplitter = new SbeMessageSplitter(server.registry(), GatewayServer.MAX_ENVELOPES_PER_REQUEST,
            server.pipeline().config().maxFrameBytes());
    }

    /** A buffer of at least {@code length} bytes for a request body copy (grows, never shrinks). */
    byte[] body(final int length)
    {
        if (body.length < length)
        {
            body = new byte[Math.max(length, body.length * 2)];
        }
        return body;
    }
}
