package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Collects a request body up to {@code MAX_BODY_BYTES}; a larger one (by {@code Content-Length} up front, with or
 * without {@code Expect: 100-continue}, or while it streams in) is answered 413 with a JSON body and the connection
 * closed, instead of Netty's empty answer. An {@code Expect} other than {@code 100-continue} is answered 417
 * {@code expectation_failed} with a JSON body, counted, and the connection closed: the request it announced never
 * reaches the handler, so nothing would tell the slow-request guard that it ended (a 408 would follow). Both are
 * written in turn, after the answers owed to earlier requests ({@link GatewayHttpHandler}). It also knows the head
 * of the request whose body is under way, so that a refusal in the middle of a body names it.
 */
final class BeaconAggregator extends HttpObjectAggregator
{
    /**
     * What {@link #newContinueResponse} gives the aggregator for an expectation the gateway answers itself (417, now
     * or after the answers owed before it): the aggregator writes it (an empty buffer passes the HTTP encoder as it
     * is, nothing on the wire) and drops the content that follows ({@link #ignoreContentAfterContinueResponse}), but
     * does not close the connection: the 417 closes it, lingering, once written. Before, the aggregator closed it
     * at once, and a 202 owed to a request pipelined ahead of the refused one was lost, its frames journaled.
     */
    private static final Object ANSWERED = Unpooled.EMPTY_BUFFER;

    private final GatewayHttpHandler handler;
    private ChannelHandlerContext context;
    /** The head of the request whose body is being collected; null between requests. */
    private HttpRequest underWay;

    BeaconAggregator(final int maxBodyBytes, final GatewayHttpHandler handler)
    {
        super(maxBodyBytes, true);
        this.handler = handler;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) throws Exception
    {
        context = ctx;
        super.handlerAdded(ctx);
    }

    /** The head of the request whose body is arriving now, or null (none, or its head is not complete yet). */
    HttpRequest requestUnderWay()
    {
        return underWay;
    }

    @Override
    protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized)
    {
        underWay = null;
        handler.onBodyTooLarge(ctx, oversized, maxContentLength());
    }

    /**
     * Netty's answer to an {@code Expect} header (100), after one look for the header: almost no request has one,
     * and Netty's own check looks it up twice (unsupported, then {@code 100-continue}), a case-insensitive header
     * search each, per request on the event loop. Its refusals (417, and 413 for a {@code Content-Length} over the
     * limit) were empty bodies counted nowhere: the gateway answers those itself.
     */
    @Override
    protected Object newContinueResponse(final HttpMessage start, final int maxContentLength,
        final ChannelPipeline pipeline)
    {
        if (!start.headers().contains(HttpHeaderNames.EXPECT))
        {
            return null;
        }
        if (unsupportedExpectation(start))
        {
            handler.onExpectationFailed(context, start);
            return ANSWERED;
        }
        if (contentLengthOver(start, maxContentLength))
        {
            // No 100: the aggregator's own length check then refuses it as every body over the limit is refused
            // (handleOversizedMessage).
            return null;
        }
        if (handler.answerOwed())
        {
            // No 100 either (RFC 9110 10.1.1 lets a server omit it; the client sends its body after its own wait):
            // written now, it would go out ahead of the answers owed to earlier requests, and a client could take it
            // for the interim answer of one of those.
            return null;
        }
        return super.newContinueResponse(start, maxContentLength, pipeline);
    }

    @Override
    protected boolean closeAfterContinueResponse(final Object msg)
    {
        // Netty's own test closes whenever the content is ignored (below): not for the gateway's 417, which closes
        // the connection itself once written, in its turn.
        return msg != ANSWERED && super.closeAfterContinueResponse(msg);
    }

    @Override
    protected boolean ignoreContentAfterContinueResponse(final Object msg)
    {
        return msg == ANSWERED || super.ignoreContentAfterContinueResponse(msg);
    }

    @Override
    protected FullHttpMessage beginAggregation(final HttpMessage start, final ByteBuf content) throws Exception
    {
        underWay = start instanceof HttpRequest ? (HttpRequest)start : null;
        return super.beginAggregation(start, content);
    }

    @Override
    protected void finishAggregation(final FullHttpMessage aggregated) throws Exception
    {
        underWay = null;
        super.finishAggregation(aggregated);
    }

    /** Netty's (package-private) test: an HTTP/1.1 request whose {@code Expect} is not {@code 100-continue}. */
    private static boolean unsupportedExpectation(final HttpMessage start)
    {
        if (!(start instanceof HttpRequest) || start.protocolVersion().compareTo(HttpVersion.HTTP_1_1) < 0)
        {
            return false;
        }
        final String expect = start.headers().get(HttpHeaderNames.EXPECT);
        return expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect);
    }

    /** Whether {@code start}'s {@code Content-Length} is over {@code max} (as the aggregator's own check reads it). */
    private static boolean contentLengthOver(final HttpMessage start, final int max)
    {
        try
        {
            return HttpUtil.getContentLength(start, -1L) > max;
        }
        catch (final NumberFormatException ex)
        {
            return false; // not a length: the decoder's business
        }
    }
}
