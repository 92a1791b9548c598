package io.pitgun.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Collects a request body up to {@code MAX_BODY_BYTES}; a larger one (by {@code Content-Length} up front, or while
 * it streams in) is answered 413 with a JSON body and the connection closed, instead of Netty's empty answer. An
 * {@code Expect} other than {@code 100-continue} is answered 417 and the connection closed: the request it announced
 * never reaches the handler, so nothing would tell the slow-request guard that it ended (a 408 would follow).
 */
final class BeaconAggregator extends HttpObjectAggregator
{
    private final GatewayHttpHandler handler;

    BeaconAggregator(final int maxBodyBytes, final GatewayHttpHandler handler)
    {
        super(maxBodyBytes, true);
        this.handler = handler;
    }

    @Override
    protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized)
    {
        handler.onBodyTooLarge(ctx, oversized, maxContentLength());
    }

    /**
     * Netty's answer to an {@code Expect} header (100, or 417 for another expectation), after one look for the
     * header: almost no request has one, and Netty's own check looks it up twice (unsupported, then
     * {@code 100-continue}), a case-insensitive header search each, per request on the event loop.
     */
    @Override
    protected Object newContinueResponse(final HttpMessage start, final int maxContentLength,
        final ChannelPipeline pipeline)
    {
        if (!start.headers().contains(HttpHeaderNames.EXPECT))
        {
            return null;
        }
        return super.newContinueResponse(start, maxContentLength, pipeline);
    }
}
