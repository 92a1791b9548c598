package io.pitgun.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;

import java.util.concurrent.TimeUnit;

/**
 * How the gateway ends a WebSocket connection it decides to close, the one rule of every such close but the
 * shutdown's ({@link LingeringClose}): its close frame, then the connection closed once that frame is sent, or at the
 * latest {@link #FORCE_CLOSE_MS} after it was written, since a client that does not read (the buffers between them
 * full) may never take it, nor answer it. Before, each close path scheduled that bound of its own, and the not-UTF-8
 * (1007), idle (1000 "idle") and token-revoked (1008) closes had none: a client that never read kept its connection
 * until idle {@code IDLE_TIMEOUT_S} once more. On the connection's event loop; cold path.
 */
final class WebSocketClose
{
    /** How long after the gateway's close frame is written the connection is closed, whether the frame left or not. */
    static final long FORCE_CLOSE_MS = 1_000;

    private WebSocketClose()
    {
    }

    /** Records {@code reason} ({@link WebSocketCloseReason#record}) and closes with {@code closeFrame}. */
    static void close(final Channel channel, final WebSocketCloseReason reason, final CloseWebSocketFrame closeFrame)
    {
        WebSocketCloseReason.record(channel, reason);
        writeCloseFrame(channel, closeFrame);
    }

    /** Writes {@code closeFrame} and closes the connection once it is sent, or {@link #FORCE_CLOSE_MS} later. */
    static void writeCloseFrame(final Channel channel, final CloseWebSocketFrame closeFrame)
    {
        channel.writeAndFlush(closeFrame).addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> channel.close(), FORCE_CLOSE_MS, TimeUnit.MILLISECONDS);
    }
}
