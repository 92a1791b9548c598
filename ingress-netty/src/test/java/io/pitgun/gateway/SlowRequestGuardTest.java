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

    @Test
    void shouldTellWhenTheClientEndsTheConnectionInTheMiddleOfARequest() throws Exception
    {
        open();
        final AtomicInteger clientClosed = countClientClosed();
        startRequest();
        channel.unsafe().close(channel.voidPromise()); // from below, as a FIN read closes it
        assertEquals(1, clientClosed.get());
    }

    @Test
    void shouldTellWhenTheClientResetsTheConnectionInTheMiddleOfARequestThoughTheGatewayClosesIt() throws Exception
    {
        open();
        final AtomicInteger clientClosed = countClientClosed();
        startRequest();
        channel.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer"));
        channel.close(); // the handler's answer to the failed read
        assertEquals(1, clientClosed.get());
    }

    @Test
    void shouldNotTellWhenTheGatewayEndsTheConnectionInTheMiddleOfARequest() throws Exception
    {
        open();
        final AtomicInteger clientClosed = countClientClosed();
        startRequest();
        channel.close(); // through the pipeline: the gateway's decision (413, 503...), counted by its reason
        assertEquals(0, clientClosed.get());
    }

    @Test
    void shouldNotTellWhenTheClientClosesAfterTheGatewayTimedItsRequestOut() throws Exception
    {
        open();
        final AtomicInteger clientClosed = countClientClosed();
        startRequest();
        advance(TIMEOUT_MS); // 408: the answer is still being written when the client's FIN arrives
        channel.unsafe().close(channel.voidPromise());
        assertEquals(1, timeouts.get());
        assertEquals(0, clientClosed.get());
    }

    @Test
    void shouldNotTellWhenTheClientClosesBetweenRequestsOrWithoutSendingAnything() throws Exception
    {
        open();
        final AtomicInteger clientClosed = countClientClosed();
        channel.unsafe().close(channel.voidPromise()); // nothing sent: no request (a browser's unused connection)
        assertEquals(0, clientClosed.get());

        final SlowRequestGuard keepAlive = new SlowRequestGuard(TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS),
            timeouts::incrementAndGet, silent::incrementAndGet, false);
        final EmbeddedChannel second = new EmbeddedChannel();
        second.pipeline().addLast(keepAlive, countingHandler(clientClosed));
        second.writeInbound(Unpooled.wrappedBuffer(new byte[] {'P'}));
        second.releaseInbound();
        keepAlive.requestComplete();
        second.unsafe().close(second.voidPromise()); // a keep-alive connection ended between requests
        assertEquals(0, clientClosed.get());
    }

    /** Counts {@link SlowRequestGuard#CLIENT_CLOSED_MID_REQUEST} behind {@link #channel}'s guard (after open). */
    private AtomicInteger countClientClosed()
    {
        final AtomicInteger clientClosed = new AtomicInteger();
        channel.pipeline().addLast(countingHandler(clientClosed));
        return clientClosed;
    }

    private static io.netty.channel.ChannelInboundHandlerAdapter countingHandler(final AtomicInteger clientClosed)
    {
        return new io.netty.channel.ChannelInboundHandlerAdapter()
        {
            @Override
            public void userEventTriggered(final io.netty.channel.ChannelHandlerContext ctx, final Object event)
            {
                if (event == SlowRequestGuard.CLIENT_CLOSED_MID_REQUEST)
                {
                    clientClosed.incrementAndGet();
                }
            }

            @Override
            public void exceptionCaught(final io.netty.channel.ChannelHandlerContext ctx, final Throwable cause)
            {
                // the test's simulated reset
            }
        };
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
