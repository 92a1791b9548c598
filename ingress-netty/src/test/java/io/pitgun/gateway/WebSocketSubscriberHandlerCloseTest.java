package io.pitgun.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Nothing follows a live subscriber's close frame (RFC 6455 5.5.1). Its window is only there while the close frame
 * has not left (a client that does not read, for up to {@link LingeringClose#LINGER_MS}; a close frame that
 * leaves at once closes the connection with it), and what is written behind it leaves only if the client reads
 * again within that second: not deterministic over a socket, so here on the handler, its writes held as a client that
 * does not read holds them, with a real gateway behind it. Before, a subscriber closed for being too slow answered a
 * ping with a pong and a close frame with a close frame of its own (only the shutdown's close guarded against it).
 */
class WebSocketSubscriberHandlerCloseTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteNothingBehindItsCloseFrameAndEndOnTheClientsClose() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of()))
        {
            final GatewayServer server = gateway.server;
            final PartialMessageMeter meter = new PartialMessageMeter(server.counters().partialMessageBytes,
                server.partialMessageBudgetBytes(), server.counters());
            final WebSocketSubscriberHandler handler = new WebSocketSubscriberHandler(server, "test", meter,
                new ConnectionAccess(server, "127.0.0.1"), null);
            final List<Object> written = new ArrayList<>();
            final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter()
            {
                @Override
                public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
                {
                    written.add(msg); // never sent: a client that does not read
                }
            }, handler);
            try
            {
                handler.tooSlow();
                channel.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {7})));
                assertEquals(1, written.size(), "written: " + written);
                channel.writeInbound(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, "bye"));
                assertEquals(1, written.size(), "written: " + written);
                assertEquals(1008, assertInstanceOf(CloseWebSocketFrame.class, written.get(0)).statusCode());
                assertFalse(channel.isOpen(), "the client's close frame ends the connection");
            }
            finally
            {
                written.forEach(ReferenceCountUtil::release);
                channel.finishAndReleaseAll();
            }
        }
    }
}
