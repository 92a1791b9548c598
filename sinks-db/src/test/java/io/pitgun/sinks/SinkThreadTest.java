package io.pitgun.sinks;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SinkThreadTest
{
    @Test
    void shouldWakeALongPauseAndEndTheLoopWhenStopped() throws Exception
    {
        final CountDownLatch pausing = new CountDownLatch(1);
        final AtomicBoolean loopEnded = new AtomicBoolean();
        final AtomicReference<String> threadName = new AtomicReference<>();
        final AtomicReference<SinkThread> holder = new AtomicReference<>();
        final SinkThread thread = new SinkThread("test", () ->
        {
            threadName.set(Thread.currentThread().getName());
            while (holder.get().isRunning())
            {
                pausing.countDown();
                holder.get().pause(TimeUnit.HOURS.toMillis(1));
            }
            loopEnded.set(true);
        });
        holder.set(thread);
        thread.start();
        assertTrue(pausing.await(30, TimeUnit.SECONDS), "the loop pauses");

        thread.stop();

        assertFalse(thread.isRunning());
        assertTrue(loopEnded.get(), "stop() woke the hour-long pause and waited for the loop to end");
        assertEquals("pitgun-sink-test", threadName.get());
    }
}
