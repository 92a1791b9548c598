package io.pitgun.gateway;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;

/**
 * How the gateway ends a WebSocket connection it decides to close, the one rule of every such close: its close
 * frame, then a lingering close ({@link LingeringClose}): its side shut once the frame is sent, the connection read on
 * (the handlers drop and count what arrives) until the client closes its side, or at the latest
 * {@link LingeringClose#LINGER_MS} after the frame was written, since a client that does not read (the buffers between
 * them full) may never take it, nor answer it. Before, the connection was closed as soon as the frame was sent: a
 * client still sending had its messages unread in the gateway's socket, the kernel answered them with a reset, and the
 * client could lose the close frame that said why. Before that, each close path scheduled its bound of its own, and
 * the not-UTF-8 (1007), idle (1000 "idle") and token-revoked (1008) closes had none. On the connection's event loop;
 * cold path.
 */
final class WebSocketClose
{
    private WebSocketClose()
    {
    }

    /** Records {@code reason} ({@link WebSocketCloseReason#record}) and closes with {@code closeFrame}. */
    static void close(final Channel channel, final WebSocketCloseReason reason, final CloseWebSocketFrame closeFrame,
        final GatewayCounters counters)
    {
        WebSocketCloseReason.record(channel, reason);
        writeCloseFrame(channel, closeFrame, counters);
    }

    /** Writes {@code closeFrame} and closes the connection lingering behind it. */
    static void writeCloseFrame(final Channel channel, final CloseWebSocketFrame closeFrame,
        final GatewayCounters counters)
    {
        LingeringClose.close(channel, closeFrame, counters);
    }
}
