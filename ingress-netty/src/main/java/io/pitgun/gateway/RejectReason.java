package io.pitgun.gateway;

import io.pitgun.codecs.envelope.DecodeErrorCode;

import java.util.Locale;

/**
 * Why the gateway refused something, with the HTTP status it answers. Every refusal is counted under one of these
 * ({@code pitgun_gateway_rejections_total{reason="..."}}). The decoder's codes keep their names.
 */
public enum RejectReason
{
    MALFORMED_JSON(400),
    LIMIT_EXCEEDED(413),
    OUTPUT_TOO_SMALL(413),
    MISSING_FIELD(422),
    WRONG_TYPE(422),
    UNEXPECTED_FIELD(422),
    DUPLICATE_FIELD(422),
    INVALID_VALUE(422),
    BAD_UUID(422),
    BAD_TIMESTAMP(422),
    UNKNOWN_CHANNEL(422),
    DUPLICATE_CHANNEL(422),
    VALUE_WRONG_TYPE(422),
    VALUE_OUT_OF_RANGE(422),
    RESTRICTED_CHANNEL(422),
    /** The body (or a WebSocket message) is over its size limit. */
    BODY_TOO_LARGE(413),
    /** More envelopes in one body than allowed. */
    TOO_MANY_ENVELOPES(413),
    /** A request header block over its limit. */
    HEADER_TOO_LARGE(431),
    /** POST /beacon with a content type that is not JSON or NDJSON. */
    UNSUPPORTED_MEDIA_TYPE(415),
    /** A body without any envelope. */
    NO_ENVELOPE(422),
    /** A binary WebSocket message that is not a sequence of well-formed Pitgun SBE messages. */
    BAD_SBE(422),
    /** A binary frame with a parameter the dictionary does not define, or a value of the wrong type or range. */
    SBE_DICTIONARY(422),
    /**
     * A readable binary message outside the envelope contract's bounds (sequence or timestamp beyond 2^53 - 1,
     * no samples, flags set, a label over 128 characters, a message only Pitgun writes).
     */
    SBE_CONTRACT(422),
    /** The pipeline refused a message the gateway had validated (a bug or a configuration mismatch: logged). */
    PIPELINE_REFUSED(422),
    /** The client is over its token-bucket rate. */
    RATE_LIMITED(429),
    /** The pipeline's ring had no free slot. */
    RING_FULL(503),
    /** The bounded ingestion queue (envelopes admitted, not yet acknowledged) is full. */
    QUEUE_FULL(503),
    /** Journaled ack mode: the journal did not confirm in time. */
    ACK_TIMEOUT(503),
    /** Admission by queueing delay: the oldest unanswered request waited past the target for a whole interval. */
    OVERLOAD(503),
    /** A new connection over {@code MAX_CONNECTIONS}: closed on accept. */
    CONNECTION_LIMIT(503),
    /** A new connection from a client address that already has {@code MAX_CONNECTIONS_PER_PEER}: closed on accept. */
    PEER_CONNECTION_LIMIT(503),
    /** A connection that did not take its answers (outbound over its limit, or unwritable too long): closed. */
    SLOW_CONSUMER(503),
    /** Unfinished requests and WebSocket messages of all connections would pass their byte budget: closed. */
    PARTIAL_MESSAGE_BUDGET(503),
    /** More pipelined requests waiting behind an unanswered one than a connection may hold: closed. */
    TOO_MANY_PIPELINED(503),
    /** An {@code event_id} already ingested with other content (another envelope reusing the id). */
    EVENT_ID_CONFLICT(409),
    /** A retry of an envelope whose original is being published on another connection right now. */
    IN_PROGRESS(503),
    /** The gateway is shutting down. */
    DRAINING(503),
    /** The journal's file system is below its free-space headroom: nothing is accepted until space returns. */
    JOURNAL_FULL(507),
    /** The journal stage stopped for good (the gateway log and {@code /health} say why): nothing can be
     *  journaled until the gateway restarts. */
    JOURNAL_FAILED(503),
    /** A request that is not valid HTTP/1.1 (bad request line, header or chunk encoding). */
    MALFORMED_HTTP(400),
    /** A request did not arrive completely within the read timeout (slow client). */
    REQUEST_TIMEOUT(408),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    /** A query parameter of a GET endpoint that is unknown, repeated, or not one of its allowed values. */
    BAD_PARAMETER(400),
    /** A bug: counted and answered without details (the log has them). */
    INTERNAL_ERROR(500),
    /** A frame with a sample outside a reject limit of the tuning policy ({@code TUNING_POLICY}). */
    TUNING_LIMIT_EXCEEDED(422),
    /** Tokens are on and the request presents no valid token ({@code Authorization: Bearer ID.SECRET}). */
    UNAUTHENTICATED(401),
    /** A valid token without the capability the endpoint needs. */
    MISSING_CAPABILITY(403),
    /** A POST or WebSocket upgrade whose {@code Origin} is neither the gateway's own nor in {@code ALLOWED_ORIGINS}. */
    ORIGIN_NOT_ALLOWED(403),
    /**
     * A subscription refused because a filter stage of the manifest reads a channel the subscriber may not read
     * (which frames pass would tell about it).
     */
    FILTER_NOT_READABLE(403),
    /** A TLS connection whose handshake did not complete within {@code TLS_HANDSHAKE_TIMEOUT_MS}: closed. */
    TLS_HANDSHAKE_TIMEOUT(408),
    /** A new TLS connection while {@code TLS_MAX_HANDSHAKES} handshakes are in progress: closed before its own. */
    TLS_HANDSHAKE_LIMIT(503),
    /**
     * A new TLS connection from an address with {@code TLS_MAX_HANDSHAKES_PER_PEER} handshakes in progress: closed.
     */
    TLS_PEER_HANDSHAKE_LIMIT(503),
    /** A frame (or session marker) for a session its token's {@code sessions} allow-list does not name. */
    SESSION_NOT_ALLOWED(403),
    /** A frame carrying a channel its token's {@code channels} allow-list does not name. */
    CHANNEL_NOT_ALLOWED(403),
    /**
     * A loopback gateway without tokens got a request whose {@code Host} is neither a loopback name nor a host of
     * {@code ALLOWED_ORIGINS}: a page reached through DNS rebinding (421: this server does not serve that authority).
     */
    HOST_NOT_ALLOWED(421),
    /**
     * The client closed (or reset) its connection in the middle of a request, its head or its body: nothing of it
     * was ingested and nothing is answered. Also an answer its client closed the connection before (a journaled
     * answer waiting for the journal), counted by this reason instead of its status: what it ingested is in. Not a
     * refusal by the gateway, but the fate of a request, counted and logged at the overload log's rate: an expected
     * event, not an error. 499 after nginx's "client closed request"; never sent.
     */
    CLIENT_CLOSED_REQUEST(499),
    /**
     * A connection's read or write could not have the direct memory it needed ({@code OutOfMemoryError: Cannot
     * reserve ... bytes of direct buffer memory}): closed, counted and logged at the overload log's rate, without a
     * stack trace per connection. The bounds on direct memory keep the gateway from this; it counts what got past
     * them.
     */
    DIRECT_MEMORY_EXHAUSTED(503),
    /**
     * An {@code Expect} other than {@code 100-continue}: answered before the body it announced is waited for, and the
     * connection closed. Before, Netty's empty 417 went out, counted nowhere.
     */
    EXPECTATION_FAILED(417),
    /**
     * A {@code GET /ws} that is not a WebSocket handshake RFC 6455 allows: no {@code Upgrade: websocket}, no
     * {@code Connection: Upgrade}, no {@code Sec-WebSocket-Key} or one that is not 16 bytes in base64 or given twice,
     * or HTTP/1.0. Before, a missing key or {@code Connection} was a 500 {@code internal_error} with an ERROR stack
     * trace each, and the others were upgraded (101).
     */
    BAD_WEBSOCKET_HANDSHAKE(400),
    /**
     * A WebSocket handshake of a version the gateway does not speak (Hixie-76's, which has no
     * {@code Sec-WebSocket-Version}, or an unknown one): answered with {@code Sec-WebSocket-Version: 13}, and closed.
     */
    UNSUPPORTED_WEBSOCKET_VERSION(426),
    /**
     * A live subscriber more than {@code SUBSCRIBER_BUFFER_BYTES} behind: disconnected (close code 1008); counted in
     * {@code subscribers_disconnected_slow_total} too. Never answered over HTTP.
     */
    SLOW_SUBSCRIBER(503),
    /**
     * A request that came on a connection behind an answer that closes it ({@code Connection: close}, HTTP/1.0
     * without keep-alive, a refusal that closes): neither routed nor answered, as RFC 9112 (9.6) requires. Before,
     * a {@code POST /beacon} pipelined behind such an answer was journaled, counted and audited as a 202 that was
     * never sent. Also a WebSocket message read behind the gateway's close frame (in the same read as the message
     * that closed the connection, or after it): dropped unanswered. 400 as a client's fault; never sent.
     */
    REQUEST_AFTER_CLOSE(400),
    /**
     * A request line of an HTTP major version other than 1 ({@code HTTP/2.0}, {@code HTTP/3.7}, the HTTP/2 preface
     * {@code PRI * HTTP/2.0}): answered 505 and closed. Before, it was answered as HTTP/1.1 (the preface as a
     * request without {@code Host}, counted twice).
     */
    HTTP_VERSION_NOT_SUPPORTED(505),
    /**
     * The listening socket could not accept a connection because the process is at its file-descriptor limit
     * ({@code EMFILE}, {@code ulimit -n}) or the system at its ({@code ENFILE}): the client waits in the backlog.
     * Counted once per failed accept attempt (accepting pauses {@value ConnectionAdmission#ACCEPT_PAUSE_MS} ms after
     * each), logged at the overload log's rate, and {@code /health} is degraded ({@code accept_failing}) while it
     * lasts. Never sent: no connection exists to answer on.
     */
    ACCEPT_FD_LIMIT(503),
    /**
     * The listening socket could not accept a connection for any other reason (the error is logged at the overload
     * log's rate); counted, paused and reported as {@link #ACCEPT_FD_LIMIT} is.
     */
    ACCEPT_FAILED(503),
    /**
     * A request whose {@code Transfer-Encoding} names a coding other than {@code chunked} ({@code gzip, chunked}):
     * answered 501 and closed (RFC 9112, 6.1), nothing ingested. Before, the other coding was ignored: an
     * uncompressed body sent that way was journaled as though it had not been named.
     */
    UNSUPPORTED_TRANSFER_CODING(501),
    /**
     * A live subscriber that was to receive an output (an insight: a lap summary of many channels and percentiles)
     * longer than the subscribers' shared buffer carries, an eighth of {@code SUBSCRIBER_BUFFER_BYTES}: disconnected
     * (close code 1011, naming both lengths and the setting). The gateway's setting, not the subscriber, is at
     * fault. Before, closed, counted and logged as {@link #SLOW_SUBSCRIBER}. Never answered over HTTP.
     */
    OUTPUT_TOO_LONG(500),
    /**
     * A new {@code event_id} while each of the oldest ids the idempotency window remembers, those it could forget
     * for it ({@link IdempotencyWindow#PROBE_SLOTS}), is being published by another request
     * ({@link IdempotencyWindow#FULL}): a whole {@code IDEMPOTENCY_ENTRIES} of ids came during each of those
     * publishes. Retry after 1 s. Before, the id in flight was forgotten, and a retry racing it published it twice.
     */
    IDEMPOTENCY_WINDOW_FULL(503),
    /**
     * An HTTP connection with nothing read or written for {@code IDLE_TIMEOUT_S} (a keep-alive connection between
     * requests, or one that never sent a byte when the idle timeout is the shorter): closed without an answer, as RFC
     * 9112 (9.5) lets a server close an idle connection. Never sent (a 408 is what RFC 9110 lets such a close say).
     * Before, counted nowhere. A WebSocket's idle close is {@code ws_closes_total{reason="idle"}}. Last: a reason's
     * ordinal is its counter's key in the counters file; new reasons go after it.
     */
    IDLE_TIMEOUT(408);

    private static final RejectReason[] BY_DECODE_CODE = byDecodeCode();

    private final int status;
    private final String label;

    RejectReason(final int status)
    {
        this.status = status;
        this.label = name().toLowerCase(Locale.ROOT);
    }

    /** The HTTP status this reason is answered with. */
    public int status()
    {
        return status;
    }

    /** The metric label and JSON {@code reason} value, e.g. {@code ring_full}. */
    public String label()
    {
        return label;
    }

    /** The reason for a decoder error code. */
    public static RejectReason of(final DecodeErrorCode code)
    {
        return BY_DECODE_CODE[code.ordinal()];
    }

    private static RejectReason[] byDecodeCode()
    {
        final DecodeErrorCode[] codes = DecodeErrorCode.values();
        final RejectReason[] reasons = new RejectReason[codes.length];
        for (final DecodeErrorCode code : codes)
        {
            reasons[code.ordinal()] = valueOf(code.name());
        }
        return reasons;
    }
}
