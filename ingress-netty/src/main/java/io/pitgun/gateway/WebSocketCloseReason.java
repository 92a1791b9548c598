package io.pitgun.gateway;

import io.netty.channel.Channel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.AttributeKey;

import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;

/**
 * Why a WebSocket connection ended, counted once per connection ({@code pitgun_gateway_ws_closes_total{reason}}).
 * The code that closes a connection records its reason on the channel first ({@link #record}); when the channel
 * closes, the first recorded reason is counted, or {@link #PEER_GONE} if none was: the client vanished without a
 * close handshake (reset, network loss, killed process).
 */
enum WebSocketCloseReason
{
    /** The client sent a close frame. */
    CLIENT,
    /** The gateway is shutting down (close code 1001). */
    GOING_AWAY,
    /** No traffic for {@code IDLE_TIMEOUT_S}. */
    IDLE,
    /** A message over {@code MAX_WS_FRAME_BYTES}, or over the whole partial-message budget (close code 1009). */
    MESSAGE_TOO_BIG,
    /** A corrupted frame (close code 1002; 1007 for a close reason or a text message that is not UTF-8). */
    PROTOCOL_ERROR,
    /** A live subscriber fell more than {@code SUBSCRIBER_BUFFER_BYTES} behind (close code 1008). */
    SLOW_SUBSCRIBER,
    /** An unexpected exception on the connection (the log has it). */
    ERROR,
    /** The connection ended without a close frame from either side. */
    PEER_GONE,
    /** The token the connection was opened with was revoked: it no longer authenticates (close code 1008). */
    TOKEN_REVOKED,
    /**
     * A message (a frame, or a fragmented message up to its final fragment) still incomplete {@code READ_TIMEOUT_S}
     * after its first byte (close code 1008; {@link TimedWebSocketFrameDecoder}).
     */
    MESSAGE_TIMEOUT,
    /**
     * Unfinished messages of all connections would have passed {@code PARTIAL_MESSAGE_BUDGET_BYTES} with this
     * connection's read (close code 1008; {@link PartialMessageMeter}). Before, such a close was counted as
     * {@link #PEER_GONE}.
     */
    PARTIAL_MESSAGE_BUDGET,
    /**
     * The client did not take its answers: closed by {@link OutboundBackpressure} or {@link OutboundMemoryGuard}
     * ({@code slow_consumer}), without a close handshake, since a client that does not read would not see it. Before,
     * such a close was counted as {@link #PEER_GONE}.
     */
    SLOW_CONSUMER,
    /**
     * A live subscriber's token no longer allows the session it asked for ({@code ?session=}; close code 1008). Before,
     * counted and audited as {@link #TOKEN_REVOKED}, though the token was valid.
     */
    SESSION_NOT_ALLOWED,
    /**
     * A live subscriber's token's channels no longer cover what a manifest filter reads (close code 1008). Before,
     * counted and audited as {@link #TOKEN_REVOKED}.
     */
    FILTER_NOT_READABLE,
    /**
     * The token the connection was opened with is still valid but lost a capability the connection needs
     * ({@code ingest}, {@code subscribe}, or {@code read_restricted} for a subscriber that reads restricted channels;
     * close code 1008), as an HTTP request of it is refused {@code missing_capability}. Before, closed with "token
     * revoked" and counted and audited as {@link #TOKEN_REVOKED}, though the refusal was counted
     * {@code missing_capability}.
     */
    MISSING_CAPABILITY,
    /**
     * A live subscriber was to receive an output longer than the subscribers' shared buffer carries (an eighth of
     * {@code SUBSCRIBER_BUFFER_BYTES}; close code 1011). Before, counted as {@link #SLOW_SUBSCRIBER}, though it was
     * not slow. Last: a reason's ordinal is its counter's key in the counters file; new ones go after it.
     */
    OUTPUT_TOO_LONG;

    private static final AttributeKey<WebSocketCloseReason> KEY = AttributeKey.valueOf("pitgun.wsCloseReason");

    final String label = name().toLowerCase(Locale.ROOT);

    /**
     * The close of a connection whose token no longer admits it, agreeing with {@code refusal}, the reason it is
     * counted by ({@link ConnectionAccess#lostAccess}): {@link #MISSING_CAPABILITY} or {@link #TOKEN_REVOKED}.
     */
    static WebSocketCloseReason ofLostAccess(final RejectReason refusal)
    {
        return refusal == RejectReason.MISSING_CAPABILITY ? MISSING_CAPABILITY : TOKEN_REVOKED;
    }

    /** The text of the close frame the gateway sends for this reason: its label in words ("token revoked"). */
    String closeText()
    {
        return label.replace('_', ' ');
    }

    /** Records why {@code channel} is being closed; a reason recorded earlier is kept. */
    static void record(final Channel channel, final WebSocketCloseReason reason)
    {
        channel.attr(KEY).compareAndSet(null, reason);
    }

    /**
     * Whether a reason was recorded for {@code channel}: the gateway has sent its close frame (or sends it once the
     * answers owed for messages already taken are written), or closes the connection without one, so nothing more is
     * taken from it. Allocates nothing (asked per message).
     */
    static boolean closing(final Channel channel)
    {
        return channel.hasAttr(KEY) && channel.attr(KEY).get() != null;
    }

    /** Why {@code channel} ended: the first reason recorded, or {@link #PEER_GONE}. Call once it has closed. */
    static WebSocketCloseReason of(final Channel channel)
    {
        final WebSocketCloseReason reason = channel.attr(KEY).get();
        return reason == null ? PEER_GONE : reason;
    }

    /**
     * Why a connection closes on {@code violation}, a frame that breaks RFC 6455 as the frame decoder found it (the
     * handler answers it with {@link TimedWebSocketFrameDecoder#closeFrame}): {@link #MESSAGE_TOO_BIG} for a frame over
     * the limit (1009), else {@link #PROTOCOL_ERROR} (1002, or 1007 for data that is not what its type says).
     */
    static WebSocketCloseReason ofViolation(final CorruptedFrameException violation)
    {
        return violation instanceof CorruptedWebSocketFrameException &&
            ((CorruptedWebSocketFrameException)violation).closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG ?
            MESSAGE_TOO_BIG : PROTOCOL_ERROR;
    }

    /**
     * {@link #ofViolation}, with a frame over the limit also counted in {@code counters} as the refusal it is
     * ({@code body_too_large}, as a message over the limit is), on an ingest connection and a subscriber alike.
     */
    static WebSocketCloseReason refusing(final CorruptedFrameException violation, final GatewayCounters counters)
    {
        final WebSocketCloseReason reason = ofViolation(violation);
        if (reason == MESSAGE_TOO_BIG)
        {
            counters.rejected(RejectReason.BODY_TOO_LARGE);
        }
        return reason;
    }

    /**
     * Counts the connection's close reason in {@code counters} when {@code channel} closes. Call once, after the
     * upgrade. Counted in a task of its own on the channel's loop, not in the close listener, so that a reason
     * recorded in the same task as the close still counts (Netty's frame decoder once closed the connection itself on
     * a protocol violation and only then threw: counted in the listener, every such close was {@code peer_gone}).
     */
    static void countWhenClosed(final Channel channel, final GatewayCounters counters)
    {
        channel.closeFuture().addListener(future ->
        {
            final Runnable count = () -> counters.webSocketClosed(of(channel));
            try
            {
                channel.eventLoop().execute(count);
            }
            catch (final RejectedExecutionException ex)
            {
                count.run(); // the loop is shutting down: count with what is recorded now
            }
        });
    }
}
