package io.pitgun.gateway;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.ThreadFactory;
import java.util.function.UnaryOperator;

/**
 * The event-loop transport: native epoll when its library loads (Linux x86-64), NIO otherwise. Set
 * {@code -Dpitgun.gateway.transport=nio} to force NIO.
 *
 * @param name          {@code epoll} or {@code nio}, for logs and {@code /health}.
 * @param ioHandlers    the I/O handler factory for event-loop groups.
 * @param serverChannel the server channel class that matches.
 */
public record EventLoopTransport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerSocketChannel> serverChannel)
{
    /** System property that forces NIO when set to {@code nio}. */
    public static final String TRANSPORT_PROPERTY = "pitgun.gateway.transport";

    /** Epoll if available and not disabled, else NIO. */
    public static EventLoopTransport select()
    {
        if (!"nio".equals(System.getProperty(TRANSPORT_PROPERTY)) && Epoll.isAvailable())
        {
            return new EventLoopTransport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
        }
        return nio();
    }

    /** The portable NIO transport. */
    public static EventLoopTransport nio()
    {
        return new EventLoopTransport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }

    /** Why epoll is not used, or {@code null} when it is available. */
    public static String epollUnavailableReason()
    {
        final Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? null : cause.toString();
    }

    /** A group of {@code threads} event loops whose threads are named {@code pitgun-gateway-<role>-<n>}. */
    public EventLoopGroup newGroup(final String role, final int threads)
    {
        return newGroup(role, threads, UnaryOperator.identity());
    }

    /** {@link #newGroup(String, int)} with its thread factory passed through {@code threadFactory}. */
    EventLoopGroup newGroup(final String role, final int threads, final UnaryOperator<ThreadFactory> threadFactory)
    {
        return new MultiThreadIoEventLoopGroup(threads,
            threadFactory.apply(new DefaultThreadFactory("pitgun-gateway-" + role, false)), ioHandlers);
    }
}
