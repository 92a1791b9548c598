package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ByteProcessor;

import java.util.List;

/**
 * Netty's HTTP request decoder, which also reads a target in the absolute form as the origin form
 * ({@link RequestTarget}), says what it holds of a request not complete yet, and holds it in a buffer of its size.
 *
 * <p>A read that ends in the middle of a request line or header line leaves those bytes in the decoder's
 * cumulation, which (Netty's merge cumulator) is the read buffer itself: after large reads (a big body) it is
 * 64 KiB, and holding one byte of the next request pinned all of it. 1,800 connections each holding the first byte
 * of a next request after a 300 KB body exhausted a {@code -Xmx128m} gateway's direct memory, uncounted by any
 * bound. So after each read, when the bytes held are much smaller than the buffer holding them, they are copied
 * into a buffer of their size and the read buffer is released: a copy of a few bytes, and only when a read ends in
 * the middle of a line; a read consumed completely (the common case) costs one check.
 *
 * <p>{@link #requestUnderWay()} tells whether a request has begun and not ended: its bytes held unread, its head
 * read in part (the decoder has consumed its complete lines), or its body still arriving. The
 * {@link SlowRequestGuard} asks after a read in which a request completed, so that a next request begun in the same
 * read is timed from then; the {@link PartialMessageMeter} asks {@link #heldBytes()} then, to count what stays held
 * of it against the partial-message budget. On the connection's event loop.
 */
final class GatewayRequestDecoder extends HttpRequestDecoder
{
    /** Bytes held unread are copied into a buffer of their size when the buffer holding them has this much more. */
    static final int RIGHT_SIZE_SLACK_BYTES = 1024;

    /** A request's initial line has been read, its last content not yet. */
    private boolean messageOpen;
    /** Body bytes of the open request passed on (held by the aggregator until it completes). */
    private long openContentBytes;
    /** The next cumulation is to copy the bytes held into a buffer of their size. */
    private boolean rightSizing;
    /** The request under way asks for a WebSocket upgrade. */
    private boolean upgradeOpen;
    /**
     * A WebSocket upgrade request was decoded and is not answered yet: the bytes after it are held, not decoded as
     * HTTP (they are the client's first WebSocket frames, for the frame decoder the upgrade puts in this one's
     * place, which gets them when this decoder is removed). Cleared by {@link #upgradeAnswered} when it was refused.
     */
    private boolean holdingAfterUpgrade;
    /** This decoder stopped the connection's reading while it holds ({@link #pauseWhileHolding}). */
    private boolean pausedWhileHolding;
    private ChannelHandlerContext context;

    GatewayRequestDecoder(final HttpDecoderConfig config)
    {
        super(config);
        setCumulator(this::cumulate);
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) throws Exception
    {
        context = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        super.channelRead(ctx, msg);
        pauseWhileHolding(ctx);
        final ByteBuf held = internalBuffer();
        final int readable = held.readableBytes();
        if (readable > 0 && held.capacity() - readable > Math.max(readable, RIGHT_SIZE_SLACK_BYTES) &&
            !ctx.isRemoved())
        {
            // The cumulation is the decoder's own field: an empty read through the cumulator is the way to replace
            // it. Decoding the same bytes again finds the same incomplete line and produces nothing.
            rightSizing = true;
            try
            {
                super.channelRead(ctx, Unpooled.EMPTY_BUFFER);
            }
            finally
            {
                rightSizing = false;
            }
        }
    }

    private ByteBuf cumulate(final ByteBufAllocator alloc, final ByteBuf cumulation, final ByteBuf in)
    {
        if (rightSizing && !in.isReadable() && cumulation.isReadable())
        {
            final int readable = cumulation.readableBytes();
            final ByteBuf copy = alloc.buffer(readable, readable);
            copy.writeBytes(cumulation, cumulation.readerIndex(), readable);
            cumulation.release();
            in.release();
            return copy;
        }
        return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
    }

    @Override
    protected HttpMessage createMessage(final String[] initialLine) throws Exception
    {
        messageOpen = true;
        openContentBytes = 0;
        return super.createMessage(initialLine);
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf buffer, final List<Object> out)
        throws Exception
    {
        if (holdingAfterUpgrade)
        {
            // Nothing consumed, nothing produced: the decoding loop stops, the bytes stay in the cumulation. Before,
            // an upgrade request pipelined behind an unanswered one was queued while the frames sent with it were
            // read as HTTP (skipped as control characters), and the client's first message was lost without a word.
            return;
        }
        final int before = out.size();
        final boolean emptyLinesOverBound = !messageOpen && emptyLinesOverBound(buffer);
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++)
        {
            final Object decoded = out.get(i);
            if (emptyLinesOverBound && decoded instanceof HttpMessage &&
                ((HttpMessage)decoded).decoderResult().cause() instanceof TooLongHttpLineException)
            {
                // Netty's decoder skips the empty lines before a request line (RFC 9112 2.2) up to the line bound,
                // and reports more as a line too long: no request line came, so malformed (400), not a URI too long
                // (before, 414 "request line exceeds 8192 bytes").
                ((HttpMessage)decoded).setDecoderResult(DecoderResult.failure(new DecoderException(
                    "more than " + DirectMemoryFit.REQUEST_LINE_BYTES + " bytes of empty lines (CR, LF) before the " +
                        "request line")));
            }
            if (decoded instanceof HttpRequest && !((HttpRequest)decoded).decoderResult().isFailure())
            {
                // Here, before any part reads the path or the host: the aggregator's, the guard's and the failure
                // answers' too, for a request answered before it completes (413, 408, 503).
                RequestTarget.toOriginForm((HttpRequest)decoded);
                upgradeOpen = isWebSocketUpgrade((HttpRequest)decoded);
            }
            if (decoded instanceof LastHttpContent)
            {
                if (!(decoded instanceof HttpMessage) &&
                    ((LastHttpContent)decoded).decoderResult().cause() instanceof TooLongHttpLineException)
                {
                    // A chunk-size line over the line bound, which Netty's decoder reports as it does a request line
                    // too long (that one comes as a whole invalid request, an HttpMessage): in a body, malformed
                    // (400), not a URI too long (before, 414 "request line exceeds 8192 bytes").
                    ((LastHttpContent)decoded).setDecoderResult(DecoderResult.failure(new DecoderException(
                        "a chunk-size line (with its extensions) exceeds " + DirectMemoryFit.REQUEST_LINE_BYTES +
                            " bytes")));
                }
                holdingAfterUpgrade = upgradeOpen;
                upgradeOpen = false;
                endMessage();
            }
            else if (decoded instanceof HttpContent)
            {
                openContentBytes += ((HttpContent)decoded).content().readableBytes();
            }
            else if (decoded instanceof HttpMessage && ((HttpMessage)decoded).decoderResult().isFailure())
            {
                endMessage(); // malformed: answered and closed, the decoder discards the rest
            }
        }
    }

    /**
     * Whether {@code buffer}, between requests, begins with more CR and LF bytes than the line bound: what makes
     * Netty's decoder, which skips them, fail as for a line too long. One byte looked at for a request as sent (it
     * begins with its method); the bound's bytes at most, and only for a client that sends empty lines first.
     */
    private static boolean emptyLinesOverBound(final ByteBuf buffer)
    {
        final int readable = buffer.readableBytes();
        if (readable <= DirectMemoryFit.REQUEST_LINE_BYTES)
        {
            return false;
        }
        final byte first = buffer.getByte(buffer.readerIndex());
        return (first == '\r' || first == '\n') && buffer.forEachByte(buffer.readerIndex(),
            DirectMemoryFit.REQUEST_LINE_BYTES, ByteProcessor.FIND_NON_CRLF) < 0;
    }

    private void endMessage()
    {
        messageOpen = false;
        openContentBytes = 0;
    }

    /**
     * Whether {@code request} asks for a WebSocket upgrade: a GET whose {@code Upgrade} header holds the token
     * {@code websocket} (any case), alone or in a list ({@code Upgrade: h2c, websocket}): RFC 6455 4.2.1 requires
     * only that it include it. Before, only an {@code Upgrade} of {@code websocket} alone was one. A request without
     * {@code Upgrade} (every {@code POST /beacon}) allocates nothing here.
     */
    static boolean isWebSocketUpgrade(final HttpRequest request)
    {
        if (!HttpMethod.GET.equals(request.method()))
        {
            return false;
        }
        final String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        return upgrade != null && ("websocket".equalsIgnoreCase(upgrade) ||
            request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true));
    }

    /** Whether the bytes after a WebSocket upgrade request are held, waiting for its answer. */
    boolean holdingAfterUpgrade()
    {
        return holdingAfterUpgrade;
    }

    /**
     * The upgrade request was answered without an upgrade (refused): what follows it is HTTP again. Within this
     * decoder's read (the request answered as it was decoded) the read goes on with it; otherwise {@link #resume}
     * decodes what is held, and a connection that closes first decodes it as it goes (each request then dropped as
     * one behind a closing answer).
     */
    void upgradeAnswered()
    {
        holdingAfterUpgrade = false;
        resumeReading();
    }

    /**
     * While it holds, the connection reads no more: what one read brought after the upgrade request is all it holds,
     * not whatever the client streams while the request ahead waits for the journal (a reviewer's client held 60 MB
     * of the shared partial-message budget that way, and was refused as a body too large that it never sent). Looked
     * at after every read, since other parts (back-pressure) turn reading on and off too.
     */
    private void pauseWhileHolding(final ChannelHandlerContext ctx)
    {
        if (holdingAfterUpgrade && !ctx.isRemoved() && ctx.channel().config().isAutoRead())
        {
            pausedWhileHolding = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void resumeReading()
    {
        if (pausedWhileHolding)
        {
            pausedWhileHolding = false;
            if (context != null)
            {
                context.channel().config().setAutoRead(true);
            }
        }
    }

    /** Decodes what is held, after {@link #upgradeAnswered}. Not from within this decoder's own read (a task). */
    void resume(final ChannelHandlerContext ctx) throws Exception
    {
        if (!holdingAfterUpgrade && !ctx.isRemoved() && ctx.channel().isActive() && internalBuffer().isReadable())
        {
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
        }
    }

    /** A request has begun and not ended: bytes of it held unread, its head read in part, or its body arriving. */
    boolean requestUnderWay()
    {
        return messageOpen || internalBuffer().isReadable();
    }

    /**
     * What is held of the request under way: the capacity of the buffer holding its unread bytes, and the bytes of
     * its body passed on (held by the aggregator until it completes). Its head lines already read are on the heap,
     * bounded by {@code MAX_HEADER_BYTES}, and not counted.
     */
    long heldBytes()
    {
        final ByteBuf held = internalBuffer();
        return (held.isReadable() ? held.capacity() : 0) + (messageOpen ? openContentBytes : 0);
    }

    @Override
    protected void handlerRemoved0(final ChannelHandlerContext ctx) throws Exception
    {
        resumeReading(); // upgraded: the frame decoder in this one's place reads on
        endMessage();
        super.handlerRemoved0(ctx);
    }
}
