package io.pitgun.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The read timeout of each request on a keep-alive connection, with one check pending per connection. */
class SlowRequestGuardTest
{
    private static final long TIMEOUT_MS = 1_000;

    private final AtomicInteger timeouts = new AtomicInteger();
    private final SlowRequestGuard guard = new SlowRequestGuard(TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS),
        timeouts::incrementAndGet);
    private final EmbeddedChannel channel = new EmbeddedChannel(guard);

    @Test
    void shouldTimeOutRequestThatDoesNotCompleteInTime()
    {
        channel.freezeTime();
        startRequest();
        advance(TIMEOUT_MS - 1);
        assertEquals(0, timeouts.get());
        advance(1);
        assertEquals(1, timeouts.get());
    }

    @Test
    void shouldGiveEveryRequestItsOwnDeadline()
    {
        channel.freezeTime();
        startRequest();
        advance(600);
        guard.requestComplete();
        startRequest();
        advance(600); // the first request's deadline has passed, the second's not
        assertEquals(0, timeouts.get());
        advance(399);
        assertEquals(0, timeouts.get());
        advance(1);
        assertEquals(1, timeouts.get());
    }

    @Test
    void shouldNotTimeOutCompletedRequests()
    {
        channel.freezeTime();
        for (int i = 0; i < 10; i++)
        {
            startRequest();
            advance(300);
            guard.requestComplete();
        }
        advance(5 * TIMEOUT_MS);
        assertEquals(0, timeouts.get());
    }

    private void startRequest()
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
