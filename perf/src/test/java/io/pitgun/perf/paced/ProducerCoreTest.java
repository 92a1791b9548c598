package io.pitgun.perf.paced;

import net.openhft.posix.PosixAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The latency profile's dedicated core, read back from the kernel ({@code /proc/self/task/TID/status}). */
class ProducerCoreTest
{
    @Test
    @Timeout(30)
    void shouldGiveTheCallerTheLastCpuAndEveryOtherThreadTheRestUntilClosed() throws Exception
    {
        final int cpus = Runtime.getRuntime().availableProcessors();
        assumeTrue(cpus >= 2 && Files.isDirectory(Path.of("/proc/self/task")), "needs Linux and 2 CPUs");
        final String all = range(0, cpus - 1);
        final CountDownLatch pinned = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<String> bystander = new AtomicReference<>();
        final AtomicReference<String> child = new AtomicReference<>();
        final Thread other = new Thread(() ->
        {
            await(pinned);
            bystander.set(allowed("thread-self"));
            done.countDown();
        });
        other.start();
        final String self;
        try (ProducerCore core = ProducerCore.pin())
        {
            self = allowed("thread-self");
            pinned.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            final Thread started = core.offProducerThreads().newThread(() -> child.set(allowed("thread-self")));
            started.start();
            started.join();
            assertEquals(cpus - 1, core.producerCpu());
        }
        other.join();
        assertEquals(Integer.toString(cpus - 1), self, "the producer's thread has the last CPU only");
        assertEquals(range(0, cpus - 2), bystander.get(), "a thread that was running is moved off it");
        assertEquals(range(0, cpus - 2), child.get(), "a thread the producer starts leaves it");
        assertEquals(all, allowed("thread-self"), "closed: all CPUs again");
        assertNotEquals(self, all);
    }

    @Test
    @Timeout(30)
    void shouldSayAThreadThatHasEndedCannotBeReadOrPinnedInsteadOfThrowing() throws Exception
    {
        // close() and apply() list the threads, then set each one's CPUs: one may end in between. Chronicle's binding
        // throws for the kernel's ESRCH, and close() threw with it (seen in the README's test run).
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux");
        final PosixAPI posix = PosixAPI.posix();
        final int[] tid = new int[1];
        final Thread ended = new Thread(() -> tid[0] = posix.gettid());
        ended.start();
        ended.join();
        while (Files.exists(Path.of("/proc/self/task/" + tid[0])))
        {
            Thread.onSpinWait(); // the kernel reaps it right after join; bounded by the test timeout
        }
        final BitSet anyCpu = new BitSet();
        anyCpu.set(0);
        assertFalse(ProducerCore.setCpus(posix, ProducerCore.newSet(), tid[0], anyCpu));
        assertNull(ProducerCore.cpusOf(posix, ProducerCore.newSet(), tid[0]));
    }

    @Test
    @Timeout(30)
    void shouldGiveEveryThreadBackTheCpusItHadBefore() throws Exception
    {
        final int cpus = Runtime.getRuntime().availableProcessors();
        assumeTrue(cpus >= 2 && Files.isDirectory(Path.of("/proc/self/task")), "needs Linux and 2 CPUs");
        final CountDownLatch narrowed = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicReference<String> after = new AtomicReference<>();
        final Thread other = new Thread(() ->
        {
            // As `taskset -c 0` would leave it: on CPU 0 only.
            final net.openhft.posix.PosixAPI posix = net.openhft.posix.PosixAPI.posix();
            posix.sched_setaffinity_as(posix.gettid(), 0);
            narrowed.countDown();
            await(closed);
            after.set(allowed("thread-self"));
        });
        other.start();
        assertTrue(narrowed.await(10, TimeUnit.SECONDS));
        try (ProducerCore core = ProducerCore.pin())
        {
            assertEquals(cpus - 1, core.producerCpu());
        }
        closed.countDown();
        other.join();
        assertEquals("0", after.get(), "its own CPUs again, not all of them");
    }

    private static String range(final int from, final int to)
    {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }

    /** Cpus_allowed_list of /proc/{@code task} (thread-self: the calling thread). */
    private static String allowed(final String task)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", task, "status")))
            {
                if (line.startsWith("Cpus_allowed_list:"))
                {
                    return line.substring("Cpus_allowed_list:".length()).strip();
                }
            }
            throw new IllegalStateException("no Cpus_allowed_list in /proc/" + task + "/status");
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
