package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An answer written with the void promise passes the idle guard without an allocation: counted with the JVM's
 * per-thread allocation counter (independent of timing). Netty's {@code IdleStateHandler(0, 0, n)}, which the guard
 * replaced, made a promise and a listener array per write (about 100 bytes per answer on the event loop).
 */
class IdleConnectionGuardAllocationTest
{
    @Test
    void shouldNotAllocatePerWrite()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);

        // The embedded channel allocates per write itself: what a handler that only passes writes on costs is the
        // baseline the guard is measured against.
        final long baseline = allocatedPerWrite(new ChannelDuplexHandler(), threads);
        final long perWrite = allocatedPerWrite(new IdleConnectionGuard(TimeUnit.SECONDS.toNanos(60)), threads);
        // Netty's IdleStateHandler measured 160 bytes here against a baseline of 64; the margin only absorbs
        // rounding of the average.
        assertTrue(perWrite <= baseline + 8, "a write through the idle guard allocated " + perWrite + " bytes, one " +
            "through a pass-through handler " + baseline);
    }

    private static long allocatedPerWrite(final ChannelHandler handler, final com.sun.management.ThreadMXBean threads)
    {
        final EmbeddedChannel channel = new EmbeddedChannel(handler);
        final ByteBuf answer = Unpooled.directBuffer(64).writeZero(64);
        for (int i = 0; i < 20_000; i++)
        {
            write(channel, answer);
        }
        final int rounds = 20_000;
        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        for (int i = 0; i < rounds; i++)
        {
            write(channel, answer);
        }
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        channel.finishAndReleaseAll();
        answer.release();
        return allocated / rounds;
    }

    private static void write(final EmbeddedChannel channel, final ByteBuf answer)
    {
        channel.writeAndFlush(answer.retain(), channel.voidPromise());
        final ByteBuf out = channel.readOutbound();
        assertSame(answer, out);
        out.release();
    }
}
