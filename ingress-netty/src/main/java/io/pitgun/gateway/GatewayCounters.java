package io.pitgun.gateway;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's own counters (the pipeline keeps its own): every outcome and every refusal reason. Written by
 * event-loop threads, read by {@code /metrics}; {@link LongAdder}s so that writers on several threads do not
 * contend.
 */
public final class GatewayCounters
{
    /** Endpoints counted separately. */
    public enum Endpoint
    {
        BEACON, WS_TEXT, WS_BINARY, WS_SUBSCRIBE, HEALTH, METRICS, LATENCY, DICTIONARY, SCHEMAS, SOLVER, OTHER;

        final String label = name().toLowerCase(java.util.Locale.ROOT);
    }

    private final LongAdder[][] responses = new LongAdder[Endpoint.values().length][600];
    private final LongAdder[] rejections = adders(RejectReason.values().length);
    private final LongAdder[] webSocketCloses = adders(WebSocketCloseReason.values().length);
    /** Ack callbacks that threw (the acks after them were still completed). */
    final LongAdder ackCallbackFailures = new LongAdder();

    final LongAdder envelopesAccepted = new LongAdder();
    final LongAdder envelopesDuplicate = new LongAdder();
    final LongAdder envelopesPartial = new LongAdder();
    /** Event ids the idempotency window restored from the journal at start. */
    final LongAdder idempotencyRestored = new LongAdder();
    final LongAdder framesAccepted = new LongAdder();
    final LongAdder wsConnectionsOpened = new LongAdder();
    final LongAdder subscribersOpened = new LongAdder();
    final LongAdder subscribersDisconnectedSlow = new LongAdder();
    final LongAdder subscriberMessages = new LongAdder();
    /** Outputs encoded to JSON for live subscribers: once per output per event loop, not per subscriber. */
    final LongAdder subscriberOutputsEncoded = new LongAdder();
    final LongAdder registryPosted = new LongAdder();
    final LongAdder registryFailed = new LongAdder();
    final LongAdder registryDropped = new LongAdder();
    /** Times the pipeline dropped the run-registry mirror (insights lost in between) and it subscribed again. */
    final LongAdder registryGaps = new LongAdder();
    /** Failures of the run-registry mirror's insight poller (its duty cycle threw; it carried on). */
    final LongAdder registryErrors = new LongAdder();
    final LongAdder overloadWarningsSuppressed = new LongAdder();
    /** Envelopes admitted and not yet answered: the bounded ingestion queue. */
    final AtomicInteger inFlightEnvelopes = new AtomicInteger();
    final AtomicInteger openConnections = new AtomicInteger();
    final AtomicInteger openSubscribers = new AtomicInteger();
    final AtomicInteger registryQueueDepth = new AtomicInteger();
    /** Times a connection's reading was paused because its outbound buffer passed the high-water mark. */
    final LongAdder connectionsPaused = new LongAdder();
    /** Connections whose reading is paused now. */
    final AtomicInteger pausedConnections = new AtomicInteger();
    /** Unsent answer bytes of all connections, as last summed by the outbound memory guard. */
    final AtomicLong outboundBytes = new AtomicLong();
    /** Bytes of unfinished requests and WebSocket messages held now, all connections. */
    final AtomicLong partialMessageBytes = new AtomicLong();

    public GatewayCounters()
    {
        for (final LongAdder[] byStatus : responses)
        {
            for (int i = 0; i < byStatus.length; i++)
            {
                byStatus[i] = new LongAdder();
            }
        }
    }

    /** Counts an answer. */
    public void response(final Endpoint endpoint, final int status)
    {
        responses[endpoint.ordinal()][status < 600 && status >= 0 ? status : 0].increment();
    }

    /** Counts a refusal (one per refused envelope, binary message or request). */
    public void rejected(final RejectReason reason)
    {
        rejections[reason.ordinal()].increment();
    }

    /** Counts a WebSocket connection that ended, by why. */
    void webSocketClosed(final WebSocketCloseReason reason)
    {
        webSocketCloses[reason.ordinal()].increment();
    }

    /** WebSocket connections ended so far for {@code reason}. */
    long webSocketCloses(final WebSocketCloseReason reason)
    {
        return webSocketCloses[reason.ordinal()].sum();
    }

    /** Answers given so far with {@code status} from {@code endpoint}. */
    public long responses(final Endpoint endpoint, final int status)
    {
        return responses[endpoint.ordinal()][status].sum();
    }

    /** Refusals so far for {@code reason}. */
    public long rejections(final RejectReason reason)
    {
        return rejections[reason.ordinal()].sum();
    }

    /** Envelopes accepted (all frames in the ring) so far. */
    public long envelopesAccepted()
    {
        return envelopesAccepted.sum();
    }

    /** Retried envelopes acknowledged again without ingesting them. */
    public long envelopesDuplicate()
    {
        return envelopesDuplicate.sum();
    }

    /** Frames the gateway published into the ring. */
    public long framesAccepted()
    {
        return framesAccepted.sum();
    }

    /** Subscribers disconnected for falling behind. */
    public long subscribersDisconnectedSlow()
    {
        return subscribersDisconnectedSlow.sum();
    }

    /** Envelopes currently in the ingestion queue. */
    public int inFlightEnvelopes()
    {
        return inFlightEnvelopes.get();
    }

    /** Times a connection's reading was paused for back-pressure. */
    public long connectionsPaused()
    {
        return connectionsPaused.sum();
    }

    /** Connections open now. */
    public int openConnections()
    {
        return openConnections.get();
    }

    LongAdder[][] responseTable()
    {
        return responses;
    }

    private static LongAdder[] adders(final int n)
    {
        final LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++)
        {
            adders[i] = new LongAdder();
        }
        return adders;
    }
}
