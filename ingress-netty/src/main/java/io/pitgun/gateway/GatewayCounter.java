package io.pitgun.gateway;

import io.pitgun.engine.CounterDescriptor;

/**
 * The gateway's own counters and gauges (the pipeline has {@code PipelineCounter}), with stable ids and labels, like
 * Aeron's {@code SystemCounterDescriptor}. Ids never change meaning; new counters are added at the end. In the
 * counters file each is a counter of type {@link #TYPE_ID} whose key holds the id; refusals are counted per
 * {@link RejectReason} (type {@link #REJECTION_TYPE_ID}) and WebSocket closes per reason (type
 * {@link #WS_CLOSE_TYPE_ID}), the reason's ordinal in the key. The class refuses to load with a duplicate id.
 */
public enum GatewayCounter implements CounterDescriptor
{
    /** Envelopes whose frames all entered the ring. */
    ENVELOPES_ACCEPTED(0, "gateway: envelopes accepted"),
    /** Retried envelopes acknowledged again without ingesting them. */
    ENVELOPES_DUPLICATE(1, "gateway: envelopes duplicate"),
    /** Envelopes of which some frames entered the ring and some did not (none in: {@link #ENVELOPES_NOT_ACCEPTED}). */
    ENVELOPES_PARTIAL(2, "gateway: envelopes partial"),
    /** Event ids the idempotency window restored from the journal at start. */
    IDEMPOTENCY_RESTORED(3, "gateway: idempotency ids restored"),
    /** Frames the gateway published into the ring. */
    FRAMES_PUBLISHED(4, "gateway: frames published"),
    /** Gauge: envelopes admitted and not yet answered (the bounded ingestion queue). */
    INGEST_QUEUE_ENVELOPES(5, "gateway: ingest queue envelopes"),
    /** Gauge: open client connections. */
    OPEN_CONNECTIONS(6, "gateway: open connections"),
    /** Times a connection's reading paused because its unsent answers passed the high-water mark. */
    CONNECTIONS_PAUSED(7, "gateway: connections paused"),
    /** Gauge: connections whose reading is paused now. */
    PAUSED_CONNECTIONS(8, "gateway: paused connections"),
    /** Gauge: unsent answer bytes of all connections, as last summed by the outbound memory guard. */
    OUTBOUND_BYTES(9, "gateway: outbound bytes"),
    /** Gauge: bytes of unfinished requests and WebSocket messages held, all connections. */
    PARTIAL_MESSAGE_BYTES(10, "gateway: partial message bytes"),
    /** Gauge: open live subscribers. */
    OPEN_SUBSCRIBERS(11, "gateway: open subscribers"),
    /** WebSocket ingest connections opened. */
    WEBSOCKET_CONNECTIONS(12, "gateway: websocket connections opened"),
    /** Live subscribers opened. */
    SUBSCRIBERS_OPENED(13, "gateway: subscribers opened"),
    /** Live subscribers disconnected for falling behind. */
    SUBSCRIBERS_DISCONNECTED_SLOW(14, "gateway: subscribers disconnected slow"),
    /** Messages sent to live subscribers. */
    SUBSCRIBER_MESSAGES(15, "gateway: subscriber messages"),
    /** Outputs encoded to JSON for live subscribers: once per output per event loop, not per subscriber. */
    SUBSCRIBER_OUTPUTS_ENCODED(16, "gateway: subscriber outputs encoded"),
    /** Run-registry records posted. */
    REGISTRY_POSTED(17, "gateway: run registry records posted"),
    /** Run-registry records whose post failed. */
    REGISTRY_FAILED(18, "gateway: run registry records failed"),
    /** Run-registry records dropped (queue full, or abandoned at close). */
    REGISTRY_DROPPED(19, "gateway: run registry records dropped"),
    /** Times the pipeline dropped the run-registry mirror (insights lost in between) and it subscribed again. */
    REGISTRY_GAPS(20, "gateway: run registry gaps"),
    /** Gauge: run-registry records waiting to be posted. */
    REGISTRY_QUEUE_RECORDS(21, "gateway: run registry queue records"),
    /** Journal-ack callbacks that threw (the acks after them were still completed). */
    ACK_CALLBACK_FAILURES(22, "gateway: ack callback failures"),
    /** Overload warnings not logged because of the log rate bound. */
    OVERLOAD_WARNINGS_SUPPRESSED(23, "gateway: overload warnings suppressed"),
    /** Failures of the run-registry mirror's insight poller (its duty cycle threw; it carried on). */
    REGISTRY_ERRORS(24, "gateway: run registry errors"),
    /** TLS handshakes that failed: plain-text clients on the TLS port, clients that refused the certificate. */
    TLS_HANDSHAKE_FAILURES(25, "gateway: tls handshake failures"),
    /** Times the certificate and key were loaded again after a change. */
    TLS_RELOADS(26, "gateway: tls reloads"),
    /** Times they changed but did not load (the certificate before stayed in use). */
    TLS_RELOAD_FAILURES(27, "gateway: tls reload failures"),
    /** Gauge: the end of the certificate's validity (notAfter), seconds since the epoch; 0 without TLS. */
    TLS_CERTIFICATE_EXPIRY(28, "gateway: tls certificate expiry seconds"),
    /** Samples accepted outside a flag limit of the tuning policy (their quality set DEGRADED). */
    TUNING_FLAGGED_SAMPLES(29, "gateway: samples flagged by tuning limits"),
    /** Times the token file changed and was read again (TOKENS_FILE). */
    TOKEN_RELOADS(30, "gateway: token file reloads"),
    /** Times the token file changed but could not be read, or was gone (the log says why). */
    TOKEN_RELOAD_FAILURES(31, "gateway: token file reload failures"),
    /** Audit lines the audit-log file could not take (its queue was full, a write failed, or the file was at its size
     *  cap and could not be rotated): the sum of the three by reason, {@link #AUDIT_DROPPED_QUEUE_FULL} and after. */
    AUDIT_DROPPED(32, "gateway: audit lines dropped"),
    /** Gauge: 1 when TLS_PROVIDER asked for openssl but it did not load, so the JDK's provider serves TLS. */
    TLS_OPENSSL_FALLBACK(33, "gateway: tls openssl fallback to jdk"),
    /** Sessions the max_sources_per_session state forgot to stay bounded (SessionSourceLimit). */
    SESSION_SOURCE_EVICTIONS(34, "gateway: sessions forgotten by max_sources_per_session"),
    /** Times journaled answers were held for room in the ring (JOURNAL_ON_LOOP: the stages were more than half a ring
     *  behind), each a look again 50 µs later. */
    ACK_ROOM_WAITS(35, "gateway: journaled answers held for room in the ring"),
    /** HTTP connections closed because an exception reached the handler (a reset by the peer, or a bug). */
    CONNECTION_ERRORS(36, "gateway: http connections closed by an error"),
    /** Frames not sent to a live subscriber's audience because it may read none of their channels (per audience
     *  and event loop). */
    SUBSCRIBER_FRAMES_WITHHELD(37, "gateway: subscriber frames withheld, no readable channel"),
    /** Audit lines of requests that cost their client nothing left out over their budget ({@code AuditBudget}). */
    AUDIT_SUPPRESSED(38, "gateway: audit lines over their budget left out"),
    /** Messages the idempotency window read at start that carry no event id: record format 0, journaled by a build
     *  from before event ids were stored, so retries of their envelopes are ingested again. */
    IDEMPOTENCY_UNIDENTIFIED(39, "gateway: idempotency messages read without event ids"),
    /** Envelopes the ingest path read (a binary message, or a body or text message refused whole before its
     *  envelopes could be told apart, counts as one): the sum of the outcomes accepted, duplicate, partial, refused
     *  and not accepted. */
    ENVELOPES_RECEIVED(40, "gateway: envelopes received"),
    /** Envelopes refused for what they are (decoder, contract, token scope, tuning limit, event_id conflict). */
    ENVELOPES_REFUSED(41, "gateway: envelopes refused"),
    /** Envelopes of which nothing entered the ring, refused with their request and not for themselves. */
    ENVELOPES_NOT_ACCEPTED(42, "gateway: envelopes not accepted"),
    /** Gauge: 1 while the token file is there but cannot be read, so that no token is valid (TokenStore). */
    TOKEN_FILE_UNREADABLE(43, "gateway: token file unreadable"),
    /** Audit lines dropped because the queue to the audit-log file's writer was full ({@code AuditDrop}). */
    AUDIT_DROPPED_QUEUE_FULL(44, "gateway: audit lines dropped, queue full"),
    /** Audit lines lost to a failed write of the audit-log file. */
    AUDIT_DROPPED_WRITE_FAILED(45, "gateway: audit lines dropped, write failed"),
    /** Audit lines dropped because the audit-log file was at its size cap and could not be rotated. */
    AUDIT_DROPPED_SIZE_CAP(46, "gateway: audit lines dropped, size cap"),
    /** Gaps the idempotency window's restore read across at start: entries missing between two cycle files (one
     *  deleted from the middle of the journal), whose envelopes' retries are ingested again. */
    IDEMPOTENCY_JOURNAL_GAPS(47, "gateway: idempotency journal gaps read across"),
    /** Live subscribers still open when the shutdown stopped waiting for them ({@code SHUTDOWN_TIMEOUT_S}), closed
     *  at once: what was still to be written to them, the drain's summaries among it, and their close 1001 lost. */
    SUBSCRIBERS_CUT_AT_SHUTDOWN(48, "gateway: subscribers cut at shutdown"),
    /** Connections the gateway closed lingering ({@code LingeringClose}): its side shut behind what it wrote last (a
     *  closing HTTP answer, a close frame at shutdown), reading on until the client closed its side or a bound. */
    LINGERING_CLOSES(49, "gateway: lingering closes"),
    /** Lingering closes cut short: the client had not closed its side within {@code LingeringClose.LINGER_MS}. */
    LINGERING_CLOSES_TIMED_OUT(50, "gateway: lingering closes cut, timed out"),
    /** Lingering closes cut short because the client sent more than {@code LingeringClose.LINGER_BYTES} meanwhile. */
    LINGERING_CLOSES_OVER_BYTES(51, "gateway: lingering closes cut, over bytes"),
    /** Bytes a lingering close read and dropped unread: behind an HTTP answer that closes, and past its byte bound. */
    LINGERING_DISCARDED_BYTES(52, "gateway: bytes discarded by lingering closes");

    /** The counters-file type id of these counters. */
    public static final int TYPE_ID = 2;
    /** The counters-file type id of the refusal counters, one per {@link RejectReason}. */
    public static final int REJECTION_TYPE_ID = 3;
    /** The counters-file type id of the WebSocket close counters, one per close reason. */
    public static final int WS_CLOSE_TYPE_ID = 4;

    static
    {
        CounterDescriptor.checkIds(values());
    }

    private final int id;
    private final String label;

    GatewayCounter(final int id, final String label)
    {
        this.id = id;
        this.label = label;
    }

    @Override
    public int id()
    {
        return id;
    }

    @Override
    public String label()
    {
        return label;
    }
}
