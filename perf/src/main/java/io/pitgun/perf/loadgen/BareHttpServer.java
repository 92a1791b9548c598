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

import io.pitgun.perf.PretouchedQueue;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling for an HTTP ingress on this machine: a Netty server that reads each {@code POST /beacon} body whole
 * and answers 202 with a fixed JSON body, without decoding, validating or journaling anything. Loopback only.
 * <p>
 * Started with a journal directory it is instead the floor of any ingress that journals what it accepts: before
 * answering, its event loop appends each body as it came, one Chronicle Queue document per request (the pipeline's
 * default roll cycle, and Pitgun's pretoucher on a thread of its own populating the pages ahead, as the gateway's
 * journal has), and nothing else: no parsing, no ring, no hand-over to another thread. A 100-frame body of the
 * gateway benchmark (about 20.5 KB of JSON) is about as many bytes as the gateway journals for it (about 19 KB of
 * SBE records), so what this costs over the bare server is what journaling those bytes costs on this machine.
 */
public final class BareHttpServer implements AutoCloseable
{
    private static final byte[] ANSWER = "{\"envelopes\":1,\"envelopes_accepted\":1}".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Channel channel;
    private final BodyJournal journal;

    private BareHttpServer(final EventLoopGroup group, final Channel channel, final BodyJournal journal)
    {
        this.group = group;
        this.channel = channel;
        this.journal = journal;
    }

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
        return start(threads, maxBodyBytes, null);
    }

    /**
     * Binds a free loopback port, journaling each body into {@code journalDirectory} before answering when it is not
     * null (then with one event-loop thread only: one appender, which the pretoucher follows).
     *
     * @param threads          event-loop threads.
     * @param maxBodyBytes     the largest request body read.
     * @param journalDirectory where the bodies are journaled, or null for none.
     * @return the running server; close it to stop it.
     * @throws InterruptedException when interrupted while binding.
     */
    public static BareHttpServer start(final int threads, final int maxBodyBytes, final Path journalDirectory)
        throws InterruptedException
    {
        if (journalDirectory != null && threads != 1)
        {
            throw new IllegalArgumentException("a journaling bare server has one event-loop thread, not " + threads);
        }
        final BodyJournal journal = journalDirectory == null ? null : new BodyJournal(journalDirectory);
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        final ChannelHandler answer = new Answer(journal);
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
            return new BareHttpServer(group, channel, journal);
        }
        catch (final InterruptedException | RuntimeException ex)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            if (journal != null)
            {
                journal.close();
            }
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
        if (journal != null)
        {
            journal.close(); // the event loop, its only appender, has stopped
        }
    }

    /** Bodies journaled so far (0 without a journal). */
    public long journaledBodies()
    {
        return journal == null ? 0 : journal.appended;
    }

    @ChannelHandler.Sharable
    private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        private final BodyJournal journal;

        Answer(final BodyJournal journal)
        {
            this.journal = journal;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            if (journal != null)
            {
                journal.append(request.content());
            }
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

    /**
     * The bodies' journal: a {@link PretouchedQueue} (the pipeline's roll cycle, its pretoucher on a thread of its own)
     * appended by the one event loop.
     */
    private static final class BodyJournal
    {
        private final PretouchedQueue journal;
        /** The event loop's appender, made on its first append: Chronicle's appenders belong to their thread. */
        private ExcerptAppender appender;
        /** The body's bytes, copied out of Netty's buffers into one array (grown to the largest body). */
        private byte[] copy = new byte[64 * 1024];
        private volatile long appended;

        BodyJournal(final Path directory)
        {
            journal = new PretouchedQueue(directory);
        }

        /** Appends {@code body} as one document; returns once it is in the mapped file. Event loop only. */
        void append(final ByteBuf body)
        {
            if (appender == null)
            {
                appender = journal.queue().createAppender();
            }
            final int length = body.readableBytes();
            if (length > copy.length)
            {
                copy = new byte[Math.max(length, copy.length * 2)];
            }
            body.getBytes(body.readerIndex(), copy, 0, length);
            try (DocumentContext document = appender.writingDocument())
            {
                final Bytes<?> bytes = document.wire().bytes();
                bytes.write(copy, 0, length);
                journal.pretoucher().onAppended(bytes);
            }
            appended++; // the event loop is the only writer
        }

        void close()
        {
            if (appender != null)
            {
                appender.close();
            }
            journal.close(); // the event loop has stopped
        }
    }
}
