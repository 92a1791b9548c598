package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;

/**
 * Every close the gateway decides on behind something it wrote (an HTTP answer that says {@code Connection: close},
 * a WebSocket close frame at shutdown): what was written goes out first, then the gateway's side is shut (FIN)
 * while the connection goes on being read, until the client closes its side, or {@link #LINGER_MS} pass, or (behind
 * an HTTP answer) {@link #LINGER_BYTES} more arrive. What arrives meanwhile is dropped: behind an HTTP answer,
 * discarded unread and counted in bytes (nothing behind it is answered, RFC 9112 9.6, and decoding it would only
 * hold memory: a body under way would go on being aggregated); on a WebSocket, dropped and counted by the handlers,
 * message by message.
 * Closing at once lost both: what Netty had not yet written went with the channel, and a socket closed with the
 * client's latest requests unread in it is answered by the kernel with a reset, which drops what the client had not
 * read yet, the closing answer itself among it (a 400 for a malformed request with more pipelined behind it arrived
 * as "connection reset"). Each lingering close is counted ({@code pitgun_gateway_lingering_closes_total}), and so
 * is each ended by a bound rather than by the client ({@code pitgun_gateway_lingering_closes_cut_total}). On the
 * connection's event loop.
 */
final class LingeringClose
{
    /** How long a closing connection waits for the client to close its side. */
    static final long LINGER_MS = 1_000;
    /**
     * How many bytes a connection closing behind an HTTP answer reads, once its side is shut, before it is closed all
     * the same: more than
     * the socket buffers between a client and the gateway hold of what it sent before it read the last answer (a few
     * MB each way on Linux, autotuned), so only a client that goes on sending after that is cut short.
     */
    static final long LINGER_BYTES = 16 << 20;
    /** Set on a connection once its lingering close is under way. */
    private static final AttributeKey<Boolean> LINGERING = AttributeKey.valueOf("pitgun.lingering");

    private LingeringClose()
    {
    }

    /**
     * The close after an HTTP answer that says {@code Connection: close}, written before this call: lingering, and
     * the client's close that follows is the gateway's doing ({@link SlowRequestGuard#gatewayEnds}), not a request
     * the client abandoned. Every HTTP answer that closes its connection closes it here ({@link HttpExchange#write}).
     */
    static void closeAfterAnswer(final Channel channel, final GatewayCounters counters)
    {
        final SlowRequestGuard guard = channel.pipeline().get(SlowRequestGuard.class);
        if (guard != null)
        {
            guard.gatewayEnds();
        }
        if (start(channel, counters))
        {
            channel.eventLoop().schedule(() -> timeOut(channel, counters), LINGER_MS, TimeUnit.MILLISECONDS);
            writeThenShut(channel, Unpooled.EMPTY_BUFFER, false, true, counters);
        }
    }

    /**
     * Writes {@code closeFrame}, then shuts the connection's output and closes it when the client has, or
     * {@link #LINGER_MS} after this call; the handlers drop what arrives meanwhile. A second call for the same
     * connection only writes {@code closeFrame}.
     */
    static void close(final Channel channel, final Object closeFrame, final GatewayCounters counters)
    {
        final boolean first = start(channel, counters);
        if (first)
        {
            channel.eventLoop().schedule(() -> timeOut(channel, counters), LINGER_MS, TimeUnit.MILLISECONDS);
        }
        writeThenShut(channel, closeFrame, false, false, counters);
    }

    /**
     * As {@link #close}, but the {@link #LINGER_MS} count from the moment {@code closeFrame} is written: for a
     * connection with much still to write before it (a live subscriber at shutdown, the drain's outputs), whose
     * caller bounds that write itself (the shutdown's deadline).
     */
    static void closeOnceWritten(final Channel channel, final Object closeFrame, final GatewayCounters counters)
    {
        writeThenShut(channel, closeFrame, start(channel, counters), false, counters);
    }

    /** Counts a lingering close; false when one is under way already (or the connection is closed). */
    private static boolean start(final Channel channel, final GatewayCounters counters)
    {
        if (!channel.isOpen() || channel.hasAttr(LINGERING))
        {
            return false;
        }
        channel.attr(LINGERING).set(Boolean.TRUE);
        counters.lingeringCloses.increment();
        return true;
    }

    private static void timeOut(final Channel channel, final GatewayCounters counters)
    {
        if (channel.isOpen())
        {
            counters.lingeringClosesTimedOut.increment(); // the client neither closed nor reset: it hears a reset
            channel.close();
        }
    }

    private static void writeThenShut(final Channel channel, final Object closeFrame, final boolean lingerFromWrite,
        final boolean discard, final GatewayCounters counters)
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
                channel.eventLoop().schedule(() -> timeOut(channel, counters), LINGER_MS, TimeUnit.MILLISECONDS);
            }
            if (discard && channel.pipeline().get(ByteBound.class) == null)
            {
                // First: the bytes as read, TLS records too. Not on a WebSocket: its handlers drop and count what
                // arrives, and a close past a byte bound would come while the client, reading slowly, has not yet
                // taken the close frame (a fast sender passes 16 MiB on loopback in milliseconds), and the close,
                // with its input unread, resets the connection and drops the frame from the send buffer.
                channel.pipeline().addFirst(new ByteBound(counters));
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

    /**
     * Behind an HTTP answer that closes: releases, unread, the bytes the connection reads once its side is shut,
     * counted, and closes it past {@link #LINGER_BYTES}: the time bound alone let a client that never stops sending be
     * read for a whole {@link #LINGER_MS}.
     */
    private static final class ByteBound extends ChannelInboundHandlerAdapter
    {
        private final GatewayCounters counters;
        private long bytes;

        ByteBound(final GatewayCounters counters)
        {
            this.counters = counters;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final int read = msg instanceof ByteBuf ? ((ByteBuf)msg).readableBytes() :
                msg instanceof ByteBufHolder ? ((ByteBufHolder)msg).content().readableBytes() : 0;
            bytes += read;
            ReferenceCountUtil.release(msg);
            counters.lingeringDiscardedBytes.add(read);
            if (bytes > LINGER_BYTES && ctx.channel().isOpen())
            {
                counters.lingeringClosesOverBytes.increment();
                ctx.channel().close();
            }
        }
    }
}
