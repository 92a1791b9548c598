package io.pitgun.perf.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /beacon} over exactly {@code --connections} keep-alive HTTP/1.1 connections (Netty, one event-loop
 * thread), one request in flight per connection as a browser or a beacon client would have. Sends due while a
 * connection is busy wait in its queue: the schedule never waits for an answer (open loop), and the wait counts in
 * the latency because it is measured from the intended send time.
 */
final class HttpLoadgenTransport implements LoadgenTransport
{
    private static final int MAX_ANSWER_BYTES = 1 << 20;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Connection[] connections;
    private final LoadgenPayloads payloads;
    private final LoadgenRecorder recorder;
    private final String host;
    /** {@code Authorization} of every request, or null. */
    private final String authorization;
    private final AtomicLong outstanding = new AtomicLong();

    HttpLoadgenTransport(final URI base, final int count, final LoadgenPayloads payloads,
        final LoadgenRecorder recorder, final Duration timeout, final String authorization) throws InterruptedException
    {
        this.authorization = authorization;
        this.payloads = payloads;
        this.recorder = recorder;
        final int port = base.getPort() > 0 ? base.getPort() : 80;
        this.host = base.getHost() + ":" + port;
        this.connections = new Connection[count];
        final Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try
        {
            for (int i = 0; i < count; i++)
            {
                final Connection c = new Connection();
                c.channel = bootstrap.handler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_ANSWER_BYTES), c);
                    }
                }).connect(new InetSocketAddress(base.getHost(), port)).sync().channel();
                connections[i] = c;
            }
        }
        catch (final InterruptedException | RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    @Override
    public void send(final int connection, final long n, final long intendedNs)
    {
        final Connection c = connections[connection];
        final String body = payloads.json(n);
        outstanding.incrementAndGet();
        c.channel.eventLoop().execute(() -> c.enqueue(new Pending(intendedNs, body)));
    }

    @Override
    public long outstanding()
    {
        return outstanding.get();
    }

    @Override
    public void close()
    {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private record Pending(long intendedNs, String body)
    {
    }

    /** One connection's queue and its single request in flight; touched only on its event loop. */
    private final class Connection extends SimpleChannelInboundHandler<FullHttpResponse>
    {
        final ArrayDeque<Pending> queue = new ArrayDeque<>();
        Channel channel;
        Pending inFlight;

        void enqueue(final Pending pending)
        {
            if (!channel.isActive())
            {
                fail(pending, "io connection closed");
                return;
            }
            queue.addLast(pending);
            if (inFlight == null)
            {
                sendNext();
            }
        }

        private void sendNext()
        {
            inFlight = queue.pollFirst();
            if (inFlight == null)
            {
                return;
            }
            final ByteBuf content = ByteBufUtil.writeUtf8(channel.alloc(), inFlight.body());
            final FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/beacon",
                content);
            request.headers().set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            if (authorization != null)
            {
                request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
            }
            channel.writeAndFlush(request);
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpResponse response)
        {
            final Pending answered = inFlight;
            if (answered == null)
            {
                return;
            }
            final int status = response.status().code();
            if (status == 202 || status == 200)
            {
                recorder.accepted(answered.intendedNs());
            }
            else
            {
                recorder.failed("http " + status);
            }
            outstanding.decrementAndGet();
            sendNext();
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            if (inFlight != null)
            {
                fail(inFlight, "io connection closed");
                inFlight = null;
            }
            for (Pending p = queue.pollFirst(); p != null; p = queue.pollFirst())
            {
                fail(p, "io connection closed");
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }

        private void fail(final Pending pending, final String cause)
        {
            recorder.failed(cause);
            outstanding.decrementAndGet();
        }
    }
}
