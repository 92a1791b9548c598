package io.pitgun.gateway;

import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The WebSocket frames a connection's handler gets before the handshake's 101 is written: sent behind the upgrade
 * request (RFC 6455 asks clients to wait; some do not), or behind an upgrade pipelined after another request. Netty's
 * handshake hands the bytes held after the request to the frame decoder before it puts the frame encoder in place and
 * writes the 101, so whatever a handler wrote for them then (an ack, a pong) met no encoder and was dropped without a
 * word: one ack in ten on the 2-core VM when the journal was quick. Each frame is retained here, in order, until
 * {@link #handOver} once the 101 is written. Bounded by what one read held after the request (the request decoder
 * stops reading while it holds them). On the connection's event loop.
 */
final class FramesBeforeHandshake
{
    private ArrayDeque<WebSocketFrame> frames = new ArrayDeque<>(2);

    /** Keeps {@code frame} (retained) when the 101 is not written yet; false when it is, and the frame is the caller's. */
    boolean keep(final WebSocketFrame frame)
    {
        if (frames == null)
        {
            return false;
        }
        frames.add(frame.retain());
        return true;
    }

    /** The 101 is written: hands each frame kept, in order, to {@code handler}, then releases it. */
    void handOver(final Consumer<WebSocketFrame> handler)
    {
        final ArrayDeque<WebSocketFrame> kept = frames;
        frames = null;
        WebSocketFrame frame;
        while (kept != null && (frame = kept.poll()) != null)
        {
            try
            {
                handler.accept(frame);
            }
            finally
            {
                frame.release();
            }
        }
    }

    /** The connection ends before the 101 was written (or its handler is removed): releases what is kept. */
    void discard()
    {
        final ArrayDeque<WebSocketFrame> kept = frames;
        WebSocketFrame frame;
        while (kept != null && (frame = kept.poll()) != null)
        {
            frame.release();
        }
    }
}
