package io.pitgun.perf.loadgen;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling for an HTTP ingress on this machine: a Netty server that reads each {@code POST /beacon} body whole
 * and answers 202 with a fixed JSON body, without decoding, validating or journaling anything. Loopback only.
 */
public final class BareHttpServer implements AutoCloseable
{
    private static final byte[] ANSWER = "{\"envelopes\":1,\"envelopes_accepted\":1}".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Channel channel;

    private BareHttpServer(final EventLoopGroup group, final Channel channel)
    {
        this.group = group;
        this.channel = channel;
    }

    /** Starts on a free loopback port with {@code threads} event-loop threads. */
    /**
     * Binds a free loopback port.
     *
     * @param threads      event-loop threads.
     * @param maxBodyBytes the largest request body read.
     * @return the running server; close it to stop it.
     * @throws InterruptedException when interrupted while binding.
     */
    public static BareHttpServer start(final int threads, final int maxBodyBytes) throws InterruptedException
    {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        final ChannelHandler answer = new Answer();
        try
        {
            final Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(maxBodyBytes), answer);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            return new BareHttpServer(group, channel);
        }
        catch (final InterruptedException | RuntimeException ex)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw ex;
        }
    }

    /** @return the bound address. */
    public InetSocketAddress address()
    {
        return (InetSocketAddress)channel.localAddress();
    }

    @Override
    public void close()
    {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @ChannelHandler.Sharable
    private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            final ByteBuf body = Unpooled.wrappedBuffer(ANSWER);
            final FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(),
                HttpResponseStatus.ACCEPTED, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            ctx.writeAndFlush(response);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
