package io.pitgun.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The idle timeout: reads and writes each postpone it; the events are IdleStateHandler's all-idle ones. */
class IdleConnectionGuardTest
{
    private static final long TIMEOUT_MS = 1_000;

    private final List<Object> events = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    /** The guard is added to an active channel whose clock is frozen, so its timeout starts at a known time. */
    @BeforeEach
    void addGuard()
    {
        channel.freezeTime();
        channel.pipeline().addLast(new IdleConnectionGuard(TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS)),
            new ChannelInboundHandlerAdapter()
            {
                @Override
                public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
                {
                    events.add(event);
                }
            });
    }

    @Test
    void shouldFireOnceTheConnectionWasIdleAWholeTimeout()
    {
        advance(TIMEOUT_MS - 1);
        assertEquals(List.of(), events);
        advance(1);
        assertEquals(List.of(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT), events);
        advance(TIMEOUT_MS);
        assertEquals(List.of(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT, IdleStateEvent.ALL_IDLE_STATE_EVENT), events);
    }

    @Test
    void shouldCountAReadAsActivity()
    {
        advance(600);
        read();
        advance(TIMEOUT_MS - 1); // the first deadline has passed, the one the read set not
        assertEquals(List.of(), events);
        advance(1);
        assertEquals(List.of(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT), events);
    }

    @Test
    void shouldCountAWriteAsActivityAndStartOverAfterIt()
    {
        advance(TIMEOUT_MS);
        assertEquals(List.of(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT), events);
        advance(300);
        // The gateway's answers are written with the void promise; the guard must take it as it is.
        channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'a'}), channel.voidPromise());
        channel.releaseOutbound();
        advance(TIMEOUT_MS - 1);
        assertEquals(1, events.size());
        advance(1);
        // Activity in between: the next event is a first one again.
        assertEquals(List.of(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT, IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT),
            events);
    }

    @Test
    void shouldStopWhenTheConnectionCloses()
    {
        channel.close();
        advance(5 * TIMEOUT_MS);
        assertEquals(List.of(), events);
    }

    private void read()
    {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'P'}));
        channel.releaseInbound();
    }

    private void advance(final long ms)
    {
        channel.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }
}
