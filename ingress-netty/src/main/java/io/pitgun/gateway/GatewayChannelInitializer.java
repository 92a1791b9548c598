package io.pitgun.gateway;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * Builds the handler pipeline of each accepted connection, outermost first:
 * <pre>
 *   [SslHandler ▸ TlsHandshakeMeter, with TLS (and a place under the handshake caps)] ▸ OutboundBackpressure ▸ PartialMessageMeter ▸ SlowRequestGuard ▸ IdleConnectionGuard ▸ HttpResponseEncoder ▸
 *   GatewayRequestDecoder ▸ BeaconAggregator ▸ GatewayHttpHandler (replaced by a WebSocket handler on upgrade)
 * </pre>
 * and adds the connection to the group a shutdown closes. The decoder and encoder are separate, not an
 * {@code HttpServerCodec}, because an accepted {@code /beacon} answer is written already encoded from the encoder's
 * context ({@link HttpExchange#sendAccepted}); the codec would remember every request's method for an answer
 * that never passes it, without bound. HEAD answers lose their body in {@link HttpExchange#write}.
 */
final class GatewayChannelInitializer extends ChannelInitializer<SocketChannel>
{
    /** The name of the HTTP response encoder in a connection's pipeline. */
    static final String ENCODER = "httpEncoder";

    private final GatewayServer server;
    private final ChannelGroup channels;
    private final HttpRoutes routes;

    GatewayChannelInitializer(final GatewayServer server, final ChannelGroup channels)
    {
        this.server = server;
        this.channels = channels;
        this.routes = new HttpRoutes(server);
    }

    @Override
    protected void initChannel(final SocketChannel ch)
    {
        final GatewayConfig config = server.config();
        final GatewayCounters counters = server.counters();
        final GatewayTls tls = server.tls();
        final InetAddress peer = ch.remoteAddress() == null ? null : ch.remoteAddress().getAddress();
        if (tls != null && !server.tlsHandshakes().tryAcquire(peer))
        {
            // Over a handshake cap (counted): closed before its handshake costs anything.
            ch.close();
            return;
        }
        channels.add(ch);
        final PartialMessageMeter meter = new PartialMessageMeter(counters.partialMessageBytes,
            server.partialMessageBudgetBytes(), counters);
        final GatewayHttpHandler handler = new GatewayHttpHandler(server, routes, meter);
        final GatewayRequestDecoder decoder = new GatewayRequestDecoder(new HttpDecoderConfig()
            .setMaxInitialLineLength(DirectMemoryFit.REQUEST_LINE_BYTES)
            .setMaxHeaderSize(config.maxHeaderBytes())
            .setMaxChunkSize(1 << 16)
            .setHeadersFactory(ForwardedForMergingHeaders.FACTORY));
        // What the decoder holds of a next request begun in the read that completed one: counted, and timed.
        meter.watch(decoder::heldBytes);
        if (tls != null)
        {
            // Outermost: everything above sees plain text; the meter leaves once the handshake is done.
            ch.pipeline()
                .addLast("tls", tls.newHandler(ch.alloc()))
                .addLast("tlsHandshake", new TlsHandshakeMeter(counters, server.tlsHandshakes(), peer));
        }
        ch.pipeline()
            .addLast("backpressure", new OutboundBackpressure(server.connectionBounds().limitBytes(),
                server.directMemory(), TimeUnit.MILLISECONDS.toNanos(config.slowConsumerTimeoutMs()), counters,
                server.overloadLog()))
            .addLast("meter", meter)
            .addLast("guard", new SlowRequestGuard(TimeUnit.SECONDS.toNanos(config.readTimeoutS()),
                handler::onReadTimeout, handler::onSilentConnection, tls != null, decoder::requestUnderWay))
            .addLast("idle", new IdleConnectionGuard(TimeUnit.SECONDS.toNanos(config.idleTimeoutS())))
            // The encoder before the decoder: what the WebSocket decoder that replaces the HTTP decoder writes
            // itself (a 1009 close) then passes the WebSocket encoder the handshake adds before this one.
            .addLast(ENCODER, new HttpResponseEncoder())
            .addLast("http", decoder)
            .addLast("aggregate", new BeaconAggregator(server.largestBodyBytes(), handler))
            .addLast("gateway", handler);
    }
}
