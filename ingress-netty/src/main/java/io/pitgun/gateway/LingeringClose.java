package io.pitgun.gateway;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;

import java.util.concurrent.TimeUnit;

/**
 * Closes a WebSocket connection at shutdown without losing what was written to it: the close frame goes out behind
 * every answer before it, then the gateway's side is shut (FIN) while the connection goes on being read, and what
 * still arrives is dropped, until the client closes its side or {@link #LINGER_MS} pass. Closing at once lost both:
 * what Netty had not yet written went with the channel, and a socket closed with the client's latest messages
 * unread in it is answered by the kernel with a reset, which drops what the client had not read yet. The handlers
 * drop (and count) the messages that arrive meanwhile. On the connection's event loop.
 */
final class LingeringClose
{
    /** How long a closing connection waits for the client to close its side. */
    static final long LINGER_MS = 1_000;

    private LingeringClose()
    {
    }

    /**
     * Writes {@code closeFrame}, then shuts the connection's output and closes it when the client has, or
     * {@link #LINGER_MS} after this call.
     */
    static void close(final Channel channel, final Object closeFrame)
    {
        channel.eventLoop().schedule(() -> channel.close(), LINGER_MS, TimeUnit.MILLISECONDS);
        writeThenShut(channel, closeFrame, false);
    }

    /**
     * As {@link #close}, but the {@link #LINGER_MS} count from the moment {@code closeFrame} is written: for a
     * connection with much still to write before it (a live subscriber at shutdown, the drain's outputs), whose
     * caller bounds that write itself (the shutdown's deadline).
     */
    static void closeOnceWritten(final Channel channel, final Object closeFrame)
    {
        writeThenShut(channel, closeFrame, true);
    }

    private static void writeThenShut(final Channel channel, final Object closeFrame, final boolean lingerFromWrite)
    {
        channel.writeAndFlush(closeFrame).addListener(written ->
        {
            if (!written.isSuccess() || !(channel instanceof DuplexChannel) || !channel.isActive())
            {
                channel.close();
                return;
            }
            if (lingerFromWrite)
            {
                channel.eventLoop().schedule(() -> channel.close(), LINGER_MS, TimeUnit.MILLISECONDS);
            }
            // Read on (a client that does not read may have paused reading: OutboundBackpressure), so that the
            // client's last messages are taken off the socket and its own close is seen.
            channel.config().setAutoRead(true);
            final SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls == null)
            {
                ((DuplexChannel)channel).shutdownOutput();
                return;
            }
            // With TLS, close_notify first (a strict client takes a connection ended without it for a truncation),
            // through the handler: shutting the socket's output under it would leave it nothing to write with.
            tls.closeOutbound().addListener(notified -> ((DuplexChannel)channel).shutdownOutput());
        });
    }
}
