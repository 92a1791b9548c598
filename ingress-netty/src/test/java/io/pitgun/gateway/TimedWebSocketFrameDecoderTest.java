package io.pitgun.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The deadline of a WebSocket message: from the read that brought its first byte (a frame's, or a fragmented
 * message's first fragment's) to the end of the frame or of the final fragment; a connection between messages is
 * never timed, and whole messages however far apart never time out.
 */
class TimedWebSocketFrameDecoderTest
{
    private static final long TIMEOUT_MS = 1_000;

    private final AtomicInteger timeouts = new AtomicInteger();
    private final AtomicInteger frames = new AtomicInteger();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    private void open()
    {
        channel.freezeTime();
        channel.pipeline().addLast(new TimedWebSocketFrameDecoder(WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(1 << 20).build(), TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS)));
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter()
        {
            @Override
            public void channelRead(final ChannelHandlerContext ctx, final Object msg)
            {
                frames.incrementAndGet();
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
            {
                if (event == TimedWebSocketFrameDecoder.MESSAGE_TIMEOUT)
                {
                    timeouts.incrementAndGet();
                }
            }
        });
    }

    @Test
    void shouldTimeOutAFrameStillIncompleteAtTheTimeoutAfterItsFirstByte()
    {
        open();
        final byte[] frame = RawWebSocket.frame(RawWebSocket.BINARY, true, new byte[1000]);
        read(Arrays.copyOf(frame, 500));
        for (int i = 500; i < 509; i++)
        {
            advance(100); // a byte every 100 ms: the frame's deadline stays its first byte's
            read(new byte[] {frame[i]});
        }
        assertEquals(0, timeouts.get());
        advance(99);
        assertEquals(0, timeouts.get());
        advance(1);
        assertEquals(1, timeouts.get());
        advance(5 * TIMEOUT_MS);
        assertEquals(1, timeouts.get(), "once");
    }

    @Test
    void shouldNeverTimeOutWholeMessagesHoweverFarApart()
    {
        open();
        for (int i = 0; i < 5; i++)
        {
            read(RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[] {'x'}));
            advance(3 * TIMEOUT_MS);
            read(RawWebSocket.frame(RawWebSocket.PING, true, new byte[] {'p'}));
            advance(3 * TIMEOUT_MS);
        }
        assertEquals(10, frames.get());
        assertEquals(0, timeouts.get());
    }

    @Test
    void shouldTimeTheNextFrameFromTheReadThatBroughtItsFirstBytes()
    {
        open();
        final byte[] first = RawWebSocket.frame(RawWebSocket.BINARY, true, new byte[100]);
        final byte[] second = RawWebSocket.frame(RawWebSocket.BINARY, true, new byte[100]);
        read(Arrays.copyOf(first, 50));
        advance(900);
        // One read ends the first frame and begins the second.
        final byte[] both = new byte[first.length - 50 + 20];
        System.arraycopy(first, 50, both, 0, first.length - 50);
        System.arraycopy(second, 0, both, first.length - 50, 20);
        read(both);
        assertEquals(1, frames.get());
        advance(TIMEOUT_MS - 1);
        assertEquals(0, timeouts.get(), "the first frame's deadline is not the second's");
        advance(1);
        assertEquals(1, timeouts.get());
    }

    @Test
    void shouldTimeAFragmentedMessageFromItsFirstFragmentToItsFinalOne()
    {
        open();
        read(RawWebSocket.frame(RawWebSocket.TEXT, false, new byte[] {'a'}));
        advance(400);
        read(RawWebSocket.frame(RawWebSocket.PING, true, new byte[] {'p'})); // between fragments: not an end
        advance(400);
        read(RawWebSocket.frame(RawWebSocket.CONTINUATION, false, new byte[] {'b'}));
        advance(199);
        assertEquals(0, timeouts.get());
        advance(1);
        assertEquals(1, timeouts.get(), "whole fragments, but the message is not complete 1 s after its first");
    }

    @Test
    void shouldNotTimeOutAFragmentedMessageThatEndsInTime()
    {
        open();
        read(RawWebSocket.frame(RawWebSocket.TEXT, false, new byte[] {'a'}));
        advance(500);
        read(RawWebSocket.frame(RawWebSocket.CONTINUATION, false, new byte[] {'b'}));
        advance(400);
        read(RawWebSocket.frame(RawWebSocket.CONTINUATION, true, new byte[] {'c'}));
        advance(5 * TIMEOUT_MS);
        assertEquals(3, frames.get());
        assertEquals(0, timeouts.get());
    }

    private void read(final byte[] bytes)
    {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    private void advance(final long ms)
    {
        channel.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }
}
