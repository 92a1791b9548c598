package io.pitgun.perf.paced;

import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Stream;

/**
 * Gives the producing thread a core of its own, as the latency profile asks ("every stage thread has a core of its
 * own, and the producer too": docs/embedding.md): the calling thread is pinned to the last CPU and every other thread
 * of this JVM (the pipeline's stage threads and pretoucher, the JIT compilers, the garbage collector) to the others.
 * Threads started later inherit their creator's CPUs, so {@link #apply} is called again after a pipeline opens (its
 * threads were started by the producer's thread). {@link #close} gives every thread all CPUs back.
 *
 * <p>What it does not do: keep other processes, interrupts or the hypervisor off the producer's CPU
 * ({@code isolcpus}); on this VM those stay, for the bare append and the pipeline alike, which run on the same pinned
 * thread one after the other. Linux only (through {@code sched_setaffinity}, Chronicle's {@link PosixAPI}); where it
 * cannot pin, {@link #pin} says why and nothing is changed.
 */
final class ProducerCore implements AutoCloseable
{
    private final PosixAPI posix;
    private final int cpus;
    private final int producerCpu;

    private ProducerCore(final PosixAPI posix, final int cpus)
    {
        this.posix = posix;
        this.cpus = cpus;
        this.producerCpu = cpus - 1;
    }

    /**
     * Pins the calling thread to the last CPU and every other thread to the rest.
     *
     * @throws IllegalStateException with the reason when it cannot: fewer than two CPUs, not Linux, or the kernel
     *                               refused.
     */
    static ProducerCore pin()
    {
        final int cpus = Runtime.getRuntime().availableProcessors();
        if (cpus < 2)
        {
            throw new IllegalStateException("a core of its own for the producer needs 2 CPUs, this JVM has " + cpus);
        }
        if (!Files.isDirectory(Path.of("/proc/self/task")))
        {
            throw new IllegalStateException("no /proc/self/task: pinning threads needs Linux");
        }
        final ProducerCore core = new ProducerCore(PosixAPI.posix(), cpus);
        core.apply();
        return core;
    }

    /** The CPUs there are, the producer's included (a pinned thread's {@code availableProcessors()} says 1). */
    int cpus()
    {
        return cpus;
    }

    /** Which CPU the producer has. */
    int producerCpu()
    {
        return producerCpu;
    }

    /** Pins again: the calling thread to the producer's CPU, every other thread (also those started since) off it. */
    void apply()
    {
        final int self = posix.gettid();
        for (final int tid : threads())
        {
            // sched_setaffinity_range takes the CPUs from..to inclusive.
            final int result = tid == self ? posix.sched_setaffinity_as(tid, producerCpu) :
                posix.sched_setaffinity_range(tid, 0, producerCpu - 1);
            if (result != 0 && tid == self)
            {
                throw new IllegalStateException("sched_setaffinity refused to pin the producer's thread " + tid +
                    " to CPU " + producerCpu + " (result " + result + ")");
            }
            // Another thread may have ended between the listing and the call: nothing to pin then.
        }
    }

    /**
     * Threads that leave the producer's CPU as they start, for a thread the producer's thread starts while pinned
     * (it would otherwise inherit the producer's CPU and spin there next to it).
     */
    ThreadFactory offProducerThreads()
    {
        return task -> new Thread(() ->
        {
            posix.sched_setaffinity_range(posix.gettid(), 0, producerCpu - 1);
            task.run();
        });
    }

    /** Every thread of this JVM gets every CPU back. */
    @Override
    public void close()
    {
        for (final int tid : threads())
        {
            posix.sched_setaffinity_range(tid, 0, cpus - 1);
        }
    }

    private static List<Integer> threads()
    {
        final List<Integer> tids = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task")))
        {
            tasks.forEach(task -> tids.add(Integer.parseInt(task.getFileName().toString())));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot list this JVM's threads in /proc/self/task", ex);
        }
        return tids;
    }
}
