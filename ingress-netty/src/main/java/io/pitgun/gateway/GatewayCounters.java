package io.pitgun.gateway;

import io.pitgun.engine.CountersFile;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's own counters (the pipeline keeps its own): every outcome and every refusal reason. Written by
 * event-loop threads, read by {@code /metrics} and, through the counters file in the data directory, by
 * {@code pitgun stat} in another process. Each scalar is a {@link GatewayCounter}; refusals and WebSocket closes
 * have one counter per reason. Answers by endpoint and status stay in process memory ({@link LongAdder}s): there
 * are too many combinations for the file, and {@code /metrics} has them.
 */
public final class GatewayCounters
{
    /** Endpoints counted separately. */
    public enum Endpoint
    {
        BEACON, WS_TEXT, WS_BINARY, WS_SUBSCRIBE, HEALTH, METRICS, LATENCY, DICTIONARY, SCHEMAS, SOLVER, OTHER, LIVE;

        final String label = name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Counters the gateway allocates: its own, one per refusal reason and one per WebSocket close reason. */
    public static final int COUNTER_COUNT = GatewayCounter.values().length + RejectReason.values().length +
        WebSocketCloseReason.values().length;

    private final LongAdder[][] responses = new LongAdder[Endpoint.values().length][600];
    private final AtomicCounter[] rejections = new AtomicCounter[RejectReason.values().length];
    private final AtomicCounter[] webSocketCloses = new AtomicCounter[WebSocketCloseReason.values().length];
    private final CountersManager manager;
    /** Ack callbacks that threw (the acks after them were still completed). */
    final SharedCounter ackCallbackFailures;
    final SharedCounter ackRoomWaits;
    final SharedCounter connectionErrors;
    final SharedCounter tlsHandshakeFailures;
    final SharedCounter tlsReloads;
    final SharedCounter tlsReloadFailures;
    final SharedCounter tlsCertificateExpirySeconds;
    /** 1 when TLS_PROVIDER=openssl did not load and the JDK's provider serves instead. */
    final SharedCounter tlsOpenSslFallback;

    final SharedCounter envelopesAccepted;
    final SharedCounter envelopesDuplicate;
    final SharedCounter envelopesPartial;
    /** Envelopes the ingest path read: the sum of the five outcomes ({@link #envelopeOutcomes}). */
    final SharedCounter envelopesReceived;
    final SharedCounter envelopesRefused;
    final SharedCounter envelopesNotAccepted;
    /** Event ids the idempotency window restored from the journal at start. */
    final SharedCounter idempotencyRestored;
    /** Messages the idempotency window read at start without event ids (record format 0, an older build's). */
    final SharedCounter idempotencyUnidentified;
    /** Gaps between cycle files the idempotency window's restore read across at start. */
    final SharedCounter idempotencyJournalGaps;
    final SharedCounter framesAccepted;
    final SharedCounter wsConnectionsOpened;
    final SharedCounter subscribersOpened;
    final SharedCounter subscribersDisconnectedSlow;
    /** Live subscribers the shutdown closed at once ({@link GatewayCounter#SUBSCRIBERS_CUT_AT_SHUTDOWN}). */
    final SharedCounter subscribersCutAtShutdown;
    /** Connections closed lingering ({@link LingeringClose}), and those of them cut short by its time or byte bound. */
    final SharedCounter lingeringCloses;
    final SharedCounter lingeringClosesTimedOut;
    final SharedCounter lingeringClosesOverBytes;
    final SharedCounter lingeringDiscardedBytes;
    final SharedCounter subscriberMessages;
    /** Outputs encoded to JSON for live subscribers: once per output per event loop, not per subscriber. */
    final SharedCounter subscriberOutputsEncoded;
    /** Frames withheld from an audience of live subscribers that may read none of their channels. */
    final SharedCounter subscriberFramesWithheld;
    final SharedCounter registryPosted;
    final SharedCounter registryFailed;
    final SharedCounter registryDropped;
    /** Times the pipeline dropped the run-registry mirror (insights lost in between) and it subscribed again. */
    final SharedCounter registryGaps;
    /** Failures of the run-registry mirror's insight poller (its duty cycle threw; it carried on). */
    final SharedCounter registryErrors;
    final SharedCounter tokenReloads;
    final SharedCounter tokenReloadFailures;
    /** 1 while the token file is there but cannot be read (no token is valid). */
    final SharedCounter tokenFileUnreadable;
    /** Audit lines dropped, all reasons: the counters file's total from before they were counted by reason. */
    private final SharedCounter auditDropped;
    private final SharedCounter[] auditDroppedBy = new SharedCounter[AuditDrop.values().length];
    final SharedCounter auditSuppressed;
    final SharedCounter overloadWarningsSuppressed;
    /** Samples accepted outside a flag limit of the tuning policy. */
    final SharedCounter tuningFlaggedSamples;
    final SharedCounter sessionSourceEvictions;
    /** Envelopes admitted and not yet answered: the bounded ingestion queue. */
    final SharedGauge inFlightEnvelopes;
    final SharedGauge openConnections;
    final SharedGauge openSubscribers;
    final SharedGauge registryQueueDepth;
    /** Times a connection's reading was paused because its outbound buffer passed the high-water mark. */
    final SharedCounter connectionsPaused;
    /** Connections whose reading is paused now. */
    final SharedGauge pausedConnections;
    /** Unsent answer bytes of all connections, as last summed by the outbound memory guard. */
    final SharedCounter outboundBytes;
    /** Bytes of unfinished requests and WebSocket messages held now, all connections. */
    final SharedCounter partialMessageBytes;

    /** Counters in process memory (tests, and gateways built without a data directory). */
    public GatewayCounters()
    {
        this(CountersFile.inMemoryManager(COUNTER_COUNT));
    }

    /**
     * Allocates every gateway counter from {@code manager} (the counters file, in a running gateway). Allocation is
     * not thread-safe: do it while starting.
     */
    public GatewayCounters(final CountersManager manager)
    {
        this.manager = manager;
        for (final LongAdder[] byStatus : responses)
        {
            for (int i = 0; i < byStatus.length; i++)
            {
                byStatus[i] = new LongAdder();
            }
        }
        final AtomicCounter[] byId = new AtomicCounter[GatewayCounter.values().length];
        for (final GatewayCounter counter : GatewayCounter.values())
        {
            byId[counter.id()] = newCounter(counter.label(), GatewayCounter.TYPE_ID, counter.id());
        }
        envelopesAccepted = new SharedCounter(byId[GatewayCounter.ENVELOPES_ACCEPTED.id()]);
        envelopesDuplicate = new SharedCounter(byId[GatewayCounter.ENVELOPES_DUPLICATE.id()]);
        envelopesPartial = new SharedCounter(byId[GatewayCounter.ENVELOPES_PARTIAL.id()]);
        envelopesReceived = new SharedCounter(byId[GatewayCounter.ENVELOPES_RECEIVED.id()]);
        envelopesRefused = new SharedCounter(byId[GatewayCounter.ENVELOPES_REFUSED.id()]);
        envelopesNotAccepted = new SharedCounter(byId[GatewayCounter.ENVELOPES_NOT_ACCEPTED.id()]);
        idempotencyRestored = new SharedCounter(byId[GatewayCounter.IDEMPOTENCY_RESTORED.id()]);
        idempotencyUnidentified = new SharedCounter(byId[GatewayCounter.IDEMPOTENCY_UNIDENTIFIED.id()]);
        idempotencyJournalGaps = new SharedCounter(byId[GatewayCounter.IDEMPOTENCY_JOURNAL_GAPS.id()]);
        framesAccepted = new SharedCounter(byId[GatewayCounter.FRAMES_PUBLISHED.id()]);
        inFlightEnvelopes = new SharedGauge(byId[GatewayCounter.INGEST_QUEUE_ENVELOPES.id()]);
        openConnections = new SharedGauge(byId[GatewayCounter.OPEN_CONNECTIONS.id()]);
        connectionsPaused = new SharedCounter(byId[GatewayCounter.CONNECTIONS_PAUSED.id()]);
        pausedConnections = new SharedGauge(byId[GatewayCounter.PAUSED_CONNECTIONS.id()]);
        outboundBytes = new SharedCounter(byId[GatewayCounter.OUTBOUND_BYTES.id()]);
        partialMessageBytes = new SharedCounter(byId[GatewayCounter.PARTIAL_MESSAGE_BYTES.id()]);
        openSubscribers = new SharedGauge(byId[GatewayCounter.OPEN_SUBSCRIBERS.id()]);
        wsConnectionsOpened = new SharedCounter(byId[GatewayCounter.WEBSOCKET_CONNECTIONS.id()]);
        subscribersOpened = new SharedCounter(byId[GatewayCounter.SUBSCRIBERS_OPENED.id()]);
        subscribersDisconnectedSlow = new SharedCounter(byId[GatewayCounter.SUBSCRIBERS_DISCONNECTED_SLOW.id()]);
        subscribersCutAtShutdown = new SharedCounter(byId[GatewayCounter.SUBSCRIBERS_CUT_AT_SHUTDOWN.id()]);
        lingeringCloses = new SharedCounter(byId[GatewayCounter.LINGERING_CLOSES.id()]);
        lingeringClosesTimedOut = new SharedCounter(byId[GatewayCounter.LINGERING_CLOSES_TIMED_OUT.id()]);
        lingeringClosesOverBytes = new SharedCounter(byId[GatewayCounter.LINGERING_CLOSES_OVER_BYTES.id()]);
        lingeringDiscardedBytes = new SharedCounter(byId[GatewayCounter.LINGERING_DISCARDED_BYTES.id()]);
        subscriberMessages = new SharedCounter(byId[GatewayCounter.SUBSCRIBER_MESSAGES.id()]);
        subscriberOutputsEncoded = new SharedCounter(byId[GatewayCounter.SUBSCRIBER_OUTPUTS_ENCODED.id()]);
        subscriberFramesWithheld = new SharedCounter(byId[GatewayCounter.SUBSCRIBER_FRAMES_WITHHELD.id()]);
        registryPosted = new SharedCounter(byId[GatewayCounter.REGISTRY_POSTED.id()]);
        registryFailed = new SharedCounter(byId[GatewayCounter.REGISTRY_FAILED.id()]);
        registryDropped = new SharedCounter(byId[GatewayCounter.REGISTRY_DROPPED.id()]);
        registryGaps = new SharedCounter(byId[GatewayCounter.REGISTRY_GAPS.id()]);
        registryErrors = new SharedCounter(byId[GatewayCounter.REGISTRY_ERRORS.id()]);
        tokenReloads = new SharedCounter(byId[GatewayCounter.TOKEN_RELOADS.id()]);
        tokenReloadFailures = new SharedCounter(byId[GatewayCounter.TOKEN_RELOAD_FAILURES.id()]);
        tokenFileUnreadable = new SharedCounter(byId[GatewayCounter.TOKEN_FILE_UNREADABLE.id()]);
        auditDropped = new SharedCounter(byId[GatewayCounter.AUDIT_DROPPED.id()]);
        for (final AuditDrop reason : AuditDrop.values())
        {
            auditDroppedBy[reason.ordinal()] = new SharedCounter(byId[reason.counter.id()]);
        }
        auditSuppressed = new SharedCounter(byId[GatewayCounter.AUDIT_SUPPRESSED.id()]);
        registryQueueDepth = new SharedGauge(byId[GatewayCounter.REGISTRY_QUEUE_RECORDS.id()]);
        ackCallbackFailures = new SharedCounter(byId[GatewayCounter.ACK_CALLBACK_FAILURES.id()]);
        ackRoomWaits = new SharedCounter(byId[GatewayCounter.ACK_ROOM_WAITS.id()]);
        connectionErrors = new SharedCounter(byId[GatewayCounter.CONNECTION_ERRORS.id()]);
        tlsHandshakeFailures = new SharedCounter(byId[GatewayCounter.TLS_HANDSHAKE_FAILURES.id()]);
        tlsReloads = new SharedCounter(byId[GatewayCounter.TLS_RELOADS.id()]);
        tlsReloadFailures = new SharedCounter(byId[GatewayCounter.TLS_RELOAD_FAILURES.id()]);
        tlsCertificateExpirySeconds = new SharedCounter(byId[GatewayCounter.TLS_CERTIFICATE_EXPIRY.id()]);
        tlsOpenSslFallback = new SharedCounter(byId[GatewayCounter.TLS_OPENSSL_FALLBACK.id()]);
        overloadWarningsSuppressed = new SharedCounter(byId[GatewayCounter.OVERLOAD_WARNINGS_SUPPRESSED.id()]);
        tuningFlaggedSamples = new SharedCounter(byId[GatewayCounter.TUNING_FLAGGED_SAMPLES.id()]);
        sessionSourceEvictions = new SharedCounter(byId[GatewayCounter.SESSION_SOURCE_EVICTIONS.id()]);
        for (final RejectReason reason : RejectReason.values())
        {
            rejections[reason.ordinal()] = newCounter("gateway rejections: " + reason.label(),
                GatewayCounter.REJECTION_TYPE_ID, reason.ordinal());
        }
        for (final WebSocketCloseReason reason : WebSocketCloseReason.values())
        {
            webSocketCloses[reason.ordinal()] = newCounter("gateway ws closes: " + reason.label,
                GatewayCounter.WS_CLOSE_TYPE_ID, reason.ordinal());
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
        // Atomic add (full fence): every event loop refuses.
        rejections[reason.ordinal()].increment();
    }

    /**
     * Counts what happened to the envelopes of one request or message, once it is decided: each of {@code report}'s
     * outcomes that is not zero, one shared add each (per request, not per envelope: every event loop counts).
     */
    void envelopeOutcomes(final IngestReport report)
    {
        add(envelopesAccepted, report.accepted);
        add(envelopesDuplicate, report.duplicates);
        add(envelopesPartial, report.partial);
        add(envelopesRefused, report.refused);
        add(envelopesNotAccepted, report.notAccepted);
    }

    /**
     * Counts a body or message the ingest path refused whole before its envelopes could be told apart (not JSON at
     * its top level, none or too many, a text message of several, a binary message that does not validate): one
     * envelope received, refused.
     */
    void envelopeRefusedWhole()
    {
        envelopesReceived.increment();
        envelopesRefused.increment();
    }

    private static void add(final SharedCounter counter, final int n)
    {
        if (n > 0)
        {
            counter.add(n);
        }
    }

    /** An audit line the audit-log file dropped for {@code reason}: counted under it, and in the total. */
    void auditDropped(final AuditDrop reason)
    {
        auditDroppedBy[reason.ordinal()].increment();
        auditDropped.increment();
    }

    /** Audit lines dropped for {@code reason}. */
    long auditDrops(final AuditDrop reason)
    {
        return auditDroppedBy[reason.ordinal()].sum();
    }

    /** Counts a WebSocket connection that ended, by why. */
    void webSocketClosed(final WebSocketCloseReason reason)
    {
        webSocketCloses[reason.ordinal()].increment();
    }

    /** WebSocket connections ended so far for {@code reason}. */
    long webSocketCloses(final WebSocketCloseReason reason)
    {
        return webSocketCloses[reason.ordinal()].get();
    }

    /** Answers given so far with {@code status} from {@code endpoint}. */
    public long responses(final Endpoint endpoint, final int status)
    {
        return responses[endpoint.ordinal()][status].sum();
    }

    /** Refusals so far for {@code reason}. */
    public long rejections(final RejectReason reason)
    {
        return rejections[reason.ordinal()].get();
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

    private AtomicCounter newCounter(final String label, final int typeId, final int keyId)
    {
        return manager.newCounter(label, typeId, key -> key.putInt(0, keyId));
    }
}
