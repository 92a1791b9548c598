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

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecodedEnvelope;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.perf.PretouchedQueue;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

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
    private static final byte[] REFUSED = "{\"status\":\"rejected\"}".getBytes(StandardCharsets.US_ASCII);
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
        return start(threads, maxBodyBytes, journalDirectory, false);
    }

    /**
     * As {@link #start(int, int, Path)}; with {@code decode} each body is first decoded with Pitgun's
     * {@link EnvelopeDecoder} (sim.v1) and its SBE frames journaled, one document of all of them (the gateway's
     * journal batches frames into its entries too), instead of the body as it came: the floor of any ingress that decodes and journals its
     * frames before it answers, with nothing else (no ring, no hand-over, no manifest, no idempotency).
     *
     * @param decode decode each body and journal its frames (needs {@code journalDirectory}).
     * @return the running server; close it to stop it.
     * @throws InterruptedException when interrupted while binding.
     */
    public static BareHttpServer start(final int threads, final int maxBodyBytes, final Path journalDirectory,
        final boolean decode) throws InterruptedException
    {
        if (decode && journalDirectory == null)
        {
            throw new IllegalArgumentException("a decoding bare server journals what it decodes: give a directory");
        }
        if (journalDirectory != null && threads != 1)
        {
            throw new IllegalArgumentException("a journaling bare server has one event-loop thread, not " + threads);
        }
        final BodyJournal journal = journalDirectory == null ? null : new BodyJournal(journalDirectory, decode);
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
            if (journal != null && !journal.append(request.content()))
            {
                final FullHttpResponse refused = new DefaultFullHttpResponse(request.protocolVersion(),
                    HttpResponseStatus.BAD_REQUEST, Unpooled.wrappedBuffer(REFUSED));
                refused.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, REFUSED.length);
                ctx.writeAndFlush(refused);
                return;
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
        /** With decoding: Pitgun's decoder and the frames it writes (sized for the largest envelope it takes). */
        private final EnvelopeDecoder decoder;
        private final UnsafeBuffer frames;
        private volatile long appended;

        BodyJournal(final Path directory, final boolean decode)
        {
            journal = new PretouchedQueue(directory);
            decoder = decode ? new EnvelopeDecoder(ParameterRegistry.simV1(), DecoderLimits.DEFAULTS) : null;
            frames = decode ? new UnsafeBuffer(new byte[EnvelopeDecoder.maxOutputBytes(DecoderLimits.DEFAULTS)]) :
                null;
        }

        /**
         * Appends {@code body} as one document, or with decoding its frames as one document; returns once it is in
         * the mapped file, false when the body does not decode. Event loop only.
         */
        boolean append(final ByteBuf body)
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
            if (decoder == null)
            {
                append(copy, 0, length);
            }
            else
            {
                if (!decoder.decode(copy, 0, length, frames, 0))
                {
                    return false;
                }
                // One document of all its frames: the gateway's journal batches frames into entries too.
                final DecodedEnvelope decoded = decoder.result();
                append(frames.byteArray(), decoded.messageOffset(0), decoded.encodedLength());
            }
            appended++; // the event loop is the only writer
            return true;
        }

        private void append(final byte[] from, final int offset, final int length)
        {
            try (DocumentContext document = appender.writingDocument())
            {
                final Bytes<?> bytes = document.wire().bytes();
                bytes.write(from, offset, length);
                journal.pretoucher().onAppended(bytes);
            }
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
