package io.pitgun.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;

/**
 * Sits behind the {@code SslHandler} of a TLS connection until its handshake ends, holding the connection's place in
 * {@link TlsHandshakeAdmission} until then: a failed handshake (a plain-text client on the TLS port, a client that
 * trusts no certificate of ours, a protocol it cannot speak, or none at all within {@code TLS_HANDSHAKE_TIMEOUT_MS})
 * is counted and the connection closed, without the exception reaching the HTTP handler's log; a completed one
 * removes this handler. The place is given back exactly once: at completion, failure, or close.
 */
final class TlsHandshakeMeter extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeMeter.class);

    private final GatewayCounters counters;
    private final TlsHandshakeAdmission admission;
    private final InetAddress peer;
    private boolean counted;
    private boolean released;

    TlsHandshakeMeter(final GatewayCounters counters, final TlsHandshakeAdmission admission, final InetAddress peer)
    {
        this.counters = counters;
        this.admission = admission;
        this.peer = peer;
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event instanceof SslHandshakeCompletionEvent completion)
        {
            release();
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

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        release();
        super.channelInactive(ctx);
    }

    private void release()
    {
        if (!released)
        {
            released = true;
            admission.release(peer);
        }
    }

    private void failed(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (!counted)
        {
            counted = true;
            counters.tlsHandshakeFailures.increment();
            if (cause instanceof SslHandshakeTimeoutException)
            {
                counters.rejected(RejectReason.TLS_HANDSHAKE_TIMEOUT);
            }
            LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), String.valueOf(cause));
        }
        release();
        ctx.close();
    }
}
