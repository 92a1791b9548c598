package io.pitgun.gateway;

import io.netty.channel.EventLoop;

/**
 * What one event-loop thread needs to ingest and to feed subscribers without allocating per frame or sharing
 * mutable state: its {@link IngestPath} (decoder, body splitter, binary message splitter, journaled-ack waiter) and
 * its {@link SubscriberGroup}. Created on first use by the thread, never shared.
 */
final class IngressThreadState
{
    final IngestPath ingest;
    final SubscriberGroup subscribers;

    IngressThreadState(final GatewayServer server, final EventLoop loop)
    {
        ingest = new IngestPath(server, loop);
        subscribers = new SubscriberGroup(server, loop);
    }
}
