package io.pitgun.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits behind the {@code SslHandler} of a TLS connection until its handshake ends: a failed handshake (a plain-text
 * client on the TLS port, a client that trusts no certificate of ours, a protocol it cannot speak) is counted and
 * the connection closed, without the exception reaching the HTTP handler's log; a completed one removes this
 * handler.
 */
final class TlsHandshakeMeter extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeMeter.class);

    private final GatewayCounters counters;
    private boolean counted;

    TlsHandshakeMeter(final GatewayCounters counters)
    {
        this.counters = counters;
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event instanceof SslHandshakeCompletionEvent completion)
        {
            if (completion.isSuccess())
            {
                ctx.pipeline().remove(this);
            }
            else
            {
                failed(ctx, completion.cause());
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        // Before the handshake has completed, every exception is the handshake's.
        failed(ctx, cause);
    }

    private void failed(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (!counted)
        {
            counted = true;
            counters.tlsHandshakeFailures.increment();
            LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), String.valueOf(cause));
        }
        ctx.close();
    }
}
