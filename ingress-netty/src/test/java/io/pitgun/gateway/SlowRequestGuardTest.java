package io.pitgun.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The read timeout of each request on a keep-alive connection, with one check pending per connection, and of a
 * connection's first request from the connection on.
 */
class SlowRequestGuardTest
{
    private static final long TIMEOUT_MS = 1_000;

    private final AtomicInteger timeouts = new AtomicInteger();
    private final AtomicInteger silent = new AtomicInteger();
    private final SlowRequestGuard guard = new SlowRequestGuard(TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS),
        timeouts::incrementAndGet, silent::incrementAndGet, false);
    private final EmbeddedChannel channel = new EmbeddedChannel();

    /** The connection opens at a frozen time, then the guard is added: its clock starts there. */
    private void open()
    {
        channel.freezeTime();
        channel.pipeline().addLast(guard);
    }

    @Test
    void shouldCloseAConnectionThatSendsNothingWithinTheTimeoutWithoutAnAnswer()
    {
        open();
        advance(TIMEOUT_MS - 1);
        assertEquals(0, silent.get());
        advance(1);
        assertEquals(1, silent.get());
        assertEquals(0, timeouts.get(), "no request to answer 408");
    }

    @Test
    void shouldWaitForATlsConnectionsFirstRequestFromTheEndOfItsHandshake()
    {
        final SlowRequestGuard tlsGuard = new SlowRequestGuard(TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS),
            timeouts::incrementAndGet, silent::incrementAndGet, true);
        channel.freezeTime();
        channel.pipeline().addLast(tlsGuard);
        advance(3 * TIMEOUT_MS); // the handshake's own timeout is TLS_HANDSHAKE_TIMEOUT_MS's business
        assertEquals(0, silent.get());
        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        advance(TIMEOUT_MS - 1);
        assertEquals(0, silent.get());
        advance(1);
        assertEquals(1, silent.get());
    }

    @Test
    void shouldGiveAConnectionsFirstRequestTheTimeoutFromTheConnection()
    {
        open();
        advance(600);
        startRequest();
        advance(399);
        assertEquals(0, timeouts.get());
        advance(1);
        assertEquals(1, timeouts.get(), "the first request's bytes came, not all of them: 408");
        assertEquals(0, silent.get());
    }

    @Test
    void shouldTimeOutRequestThatDoesNotCompleteInTime()
    {
        open();
        startRequest();
        advance(TIMEOUT_MS - 1);
        assertEquals(0, timeouts.get());
        advance(1);
        assertEquals(1, timeouts.get());
    }

    @Test
    void shouldGiveEveryRequestItsOwnDeadline()
    {
        open();
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
        open();
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
