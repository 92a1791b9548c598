package io.pitgun.gateway;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journaled answer whose ring slot was reused names the journal's last index; reading it must not stall the
 * event loop that answers everything else on the connection. The journal read here blocks until the test lets it
 * go, so "the loop stayed responsive" is shown, not timed.
 */
@Timeout(30)
class JournalIndexResolverTest
{
    private static final long SLOT_REUSED = -1;

    private final EventLoop loop = new DefaultEventLoop();
    private final AtomicLong journaledSequence = new AtomicLong(10);
    private final CountDownLatch readStarted = new CountDownLatch(1);
    private final CountDownLatch readMayFinish = new CountDownLatch(1);
    private final JournalTailReader reader = new JournalTailReader(journaledSequence::get, this::slowLastIndex, 2);
    private final JournalIndexResolver resolver = new JournalIndexResolver(loop, position -> SLOT_REUSED, reader,
        new GatewayCounters());

    @AfterEach
    void close()
    {
        reader.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void shouldKeepTheEventLoopResponsiveWhileTheJournalTailIsRead() throws Exception
    {
        final CompletableFuture<Long> first = new CompletableFuture<>();
        final CompletableFuture<Boolean> answeredOnLoop = new CompletableFuture<>();
        loop.submit(() -> resolver.await(10, index ->
        {
            answeredOnLoop.complete(loop.inEventLoop());
            first.complete(index);
        })).get(5, TimeUnit.SECONDS);
        assertTrue(readStarted.await(5, TimeUnit.SECONDS), "the journal read did not start");

        // The read is blocked in the journal; the loop still runs other work (here: two more answers that wait).
        final CompletableFuture<Long> second = new CompletableFuture<>();
        final CompletableFuture<Long> third = new CompletableFuture<>();
        assertEquals(3, loop.submit(() ->
        {
            resolver.await(9, second::complete);
            resolver.await(10, third::complete);
            return resolver.waitingCount();
        }).get(5, TimeUnit.SECONDS));
        assertFalse(first.isDone());

        readMayFinish.countDown();
        assertEquals(42L, first.get(5, TimeUnit.SECONDS));
        assertTrue(answeredOnLoop.get(5, TimeUnit.SECONDS), "the answer must be written on its event loop");
        assertEquals(42L, second.get(5, TimeUnit.SECONDS));
        assertEquals(42L, third.get(5, TimeUnit.SECONDS));
        assertEquals(1, reader.reads(), "answers that waited together share one journal read");
    }

    @Test
    void shouldAnswerFromTheLastReadOnlyForFramesJournaledBeforeItBegan() throws Exception
    {
        readMayFinish.countDown();
        final CompletableFuture<Long> first = new CompletableFuture<>();
        loop.execute(() -> resolver.await(10, first::complete));
        assertEquals(42L, first.get(5, TimeUnit.SECONDS));

        assertEquals(42L, loop.submit(() -> resolver.indexNow(10)).get(5, TimeUnit.SECONDS));
        assertEquals(JournalTailReader.NOT_READ, (long)loop.submit(() -> resolver.indexNow(11)).get(5, TimeUnit.SECONDS),
            "a frame journaled after the read began may have a larger index than the one read");
        assertEquals(1, reader.reads());
    }

    @Test
    void shouldAnswerWithoutAnIndexOnceTheReaderIsClosed() throws Exception
    {
        reader.close();
        final CompletableFuture<Long> answer = new CompletableFuture<>();
        loop.execute(() -> resolver.await(10, answer::complete));
        assertEquals(-1L, answer.get(5, TimeUnit.SECONDS));
    }

    private long slowLastIndex()
    {
        readStarted.countDown();
        try
        {
            readMayFinish.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return 42;
    }
}
