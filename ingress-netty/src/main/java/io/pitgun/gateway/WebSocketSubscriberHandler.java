package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.pitgun.codecs.json.FrameJsonEncoder;
import io.pitgun.engine.Subscription;
import io.pitgun.engine.SubscriptionHandler;
import io.pitgun.manifest.DerivedChannel;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A live subscriber ({@code GET /ws?subscribe=derived}): derived frames and insights as JSON text messages,
 * {@code {"type":"derived_frame","frame":{...}}} and {@code {"type":"insight","insight":{...}}}. Its event loop
 * polls the pipeline subscription every {@value #POLL_MS} ms. Two bounds keep a slow subscriber from slowing
 * anything: the pipeline's per-subscriber queue ({@code SUBSCRIBER_BUFFER_BYTES}; when it overflows the pipeline
 * drops the subscriber) and the connection's outbound buffer (the same size as its write-buffer high-water mark;
 * when the socket stops draining and the mark is passed). Either way the client is disconnected with close code
 * 1008 and the disconnection counted.
 */
final class WebSocketSubscriberHandler extends SimpleChannelInboundHandler<WebSocketFrame>
{
    static final long POLL_MS = 5;
    private static final int POLL_LIMIT = 256;
    private static final int MAX_PER_TICK = 16_384;
    private static final byte[] FRAME_PREFIX = "{\"type\":\"derived_frame\",\"frame\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INSIGHT_PREFIX = "{\"type\":\"insight\",\"insight\":".getBytes(StandardCharsets.US_ASCII);

    private final GatewayServer server;
    private final WebSocketServerHandshaker handshaker;
    private final String peer;
    private final FrameJsonEncoder encoder;
    private final ExpandableArrayBuffer json = new ExpandableArrayBuffer(4096);
    private final PartialMessageMeter meter;
    private Subscription subscription;
    private ScheduledFuture<?> poller;
    private Channel channel;
    private boolean closing;

    private final SubscriptionHandler handler = new SubscriptionHandler()
    {
        @Override
        public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            json.putBytes(0, FRAME_PREFIX);
            int end = encoder.encodeFrame(buffer, offset, json, FRAME_PREFIX.length, true);
            json.putByte(end++, (byte)'}');
            send(end);
        }

        @Override
        public void onInsight(final DirectBuffer buffer, final int offset, final int length)
        {
            json.putBytes(0, INSIGHT_PREFIX);
            json.putBytes(INSIGHT_PREFIX.length, buffer, offset, length);
            int end = INSIGHT_PREFIX.length + length;
            json.putByte(end++, (byte)'}');
            send(end);
        }
    };

    WebSocketSubscriberHandler(final GatewayServer server, final WebSocketServerHandshaker handshaker, final String peer,
        final PartialMessageMeter meter)
    {
        this.meter = meter;
        this.server = server;
        this.handshaker = handshaker;
        this.peer = peer;
        final String[] derivedNames = new String[server.pipeline().manifest().derivedChannels().size()];
        for (final DerivedChannel channel : server.pipeline().manifest().derivedChannels())
        {
            derivedNames[channel.index()] = channel.name();
        }
        this.encoder = new FrameJsonEncoder(server.registry(), id ->
        {
            final int index = id - DerivedChannel.ID_BASE;
            return index >= 0 && index < derivedNames.length ? derivedNames[index] : null;
        });
    }

    /** After the handshake: subscribe and start polling on this channel's event loop. */
    void start(final Channel channel)
    {
        this.channel = channel;
        final int bytes = server.config().subscriberBufferBytes();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(bytes / 2, bytes));
        subscription = server.pipeline().subscribe("ws " + peer);
        server.counters().subscribersOpened.increment();
        server.counters().openSubscribers.incrementAndGet();
        channel.closeFuture().addListener(f -> stop());
        poller = channel.eventLoop().scheduleAtFixedRate(this::poll, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
    }

    private void poll()
    {
        if (closing || subscription == null)
        {
            return;
        }
        if (!channel.isWritable() || subscription.isDropped() && drainedEverything())
        {
            tooSlow();
            return;
        }
        // Drain what is queued while the socket takes it, in bounded steps, then flush once.
        int delivered = 0;
        int step;
        do
        {
            step = subscription.poll(handler, POLL_LIMIT);
            delivered += step;
        }
        while (step == POLL_LIMIT && delivered < MAX_PER_TICK && channel.isWritable());
        if (delivered > 0)
        {
            channel.flush();
        }
    }

    private boolean drainedEverything()
    {
        return subscription.poll(handler, POLL_LIMIT) == 0;
    }

    private void send(final int length)
    {
        if (closing)
        {
            return;
        }
        final ByteBuf out = channel.alloc().buffer(length);
        out.writeBytes(json.byteArray(), 0, length);
        channel.write(new TextWebSocketFrame(out));
        server.counters().subscriberMessages.increment();
    }

    private void tooSlow()
    {
        closing = true;
        server.counters().subscribersDisconnectedSlow.increment();
        server.overloadLog().warn(RejectReason.QUEUE_FULL, "live subscriber " + peer + " fell behind and was disconnected");
        handshaker.close(channel, new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION,
            "subscriber too slow: more than " + server.config().subscriberBufferBytes() + " bytes behind"));
        channel.eventLoop().schedule(() -> channel.close(), 1, TimeUnit.SECONDS);
        stop();
    }

    private void stop()
    {
        if (poller != null)
        {
            poller.cancel(false);
            poller = null;
        }
        if (subscription != null)
        {
            subscription.close();
            subscription = null;
            server.counters().openSubscribers.decrementAndGet();
        }
    }

    /** Shutdown: close code 1001 (going away). */
    void goingAway()
    {
        final Channel ch = channel;
        if (ch != null && ch.isActive())
        {
            ch.eventLoop().execute(() ->
            {
                closing = true;
                handshaker.close(ch, new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE));
            });
        }
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
    {
        meter.messageComplete(); // no aggregator here: every frame is whole
        if (frame instanceof PingWebSocketFrame)
        {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        }
        else if (frame instanceof CloseWebSocketFrame)
        {
            closing = true;
            handshaker.close(ctx.channel(), (CloseWebSocketFrame)frame.retain());
        }
        // Anything else a subscriber sends is ignored: this connection only streams out.
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event == PartialMessageMeter.OVER_BUDGET)
        {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ctx.close();
    }
}
