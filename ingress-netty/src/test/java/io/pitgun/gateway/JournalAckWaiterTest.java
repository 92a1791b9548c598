package io.pitgun.gateway;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.pitgun.testsupport.HeldThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A failing ack callback must not strand the answers queued after it. */
class JournalAckWaiterTest
{
    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCompleteTheAcksAfterACallbackThatThrows() throws Exception
    {
        // Held stages journal nothing, so both waits end by their (1 ms) timeout, in queue order.
        final HeldThreads held = new HeldThreads();
        final EventLoop loop = new DefaultEventLoop();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(), held))
        {
            final GatewayCounters counters = new GatewayCounters();
            final JournalAckWaiter waiter = new JournalAckWaiter(loop, gateway.server.pipeline(), 1_000_000L, counters);
            final CompletableFuture<Boolean> second = new CompletableFuture<>();
            loop.execute(() ->
            {
                waiter.await(100, journaled ->
                {
                    throw new IllegalStateException("a bug in an answer's callback");
                });
                waiter.await(101, second::complete);
            });
            assertFalse(second.get(30, TimeUnit.SECONDS), "the second answer is completed (not journaled)");
            assertEquals(1, counters.ackCallbackFailures.sum());
            final CompletableFuture<Integer> pending = new CompletableFuture<>();
            loop.execute(() -> pending.complete(waiter.pendingCount()));
            assertEquals(0, pending.get(10, TimeUnit.SECONDS));
        }
        finally
        {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }
}
